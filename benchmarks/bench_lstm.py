"""numpy LSTM forward+backward vs torch.nn.LSTM forward+backward on CPU, side by side.

Run:  python benchmarks/bench_lstm.py [--repeats 15]
Prints the median time of each and the ratio numpy / torch (target <= 1.5).
torch keeps its default number of threads.
"""
from __future__ import annotations

import argparse
import os
import time

import numpy as np
import torch

from lstmlib.core.lstm import LSTMParams, lstm_backward, lstm_forward
from lstmlib.torchside.bridge import to_torch

CASES = [(50, 32, 64), (200, 1, 128)]   # (T, N, H), D = H


def numpy_step(p, x, dh):
    tr = lstm_forward(p, x)
    return lstm_backward(p, tr, dh=dh)


def torch_step(m, xt, dht):
    if xt.grad is not None:
        xt.grad = None
    m.zero_grad(set_to_none=True)
    out, _ = m(xt)
    out.backward(dht)


def median_time(fn, repeats):
    fn()                                                    # warm-up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def side_by_side(fn_a, fn_b, repeats, rounds=3):
    """Best over rounds of the median time of fn_a and of fn_b; the rounds alternate a and b
    in blocks (alternating every call makes numpy's and torch's thread pools fight)."""
    ta, tb = [], []
    for _ in range(rounds):
        ta.append(median_time(fn_a, repeats))
        tb.append(median_time(fn_b, repeats))
    return min(ta), min(tb)


def main(repeats: int = 15):
    rows = []
    for T, N, H in CASES:
        for dtype, tdtype in [(np.float64, torch.float64), (np.float32, torch.float32)]:
            rng = np.random.default_rng(0)
            p = LSTMParams.init(H, H, rng=rng).astype(dtype)
            x = rng.normal(size=(T, N, H)).astype(dtype)
            dh = rng.normal(size=(T, N, H)).astype(dtype)
            m = to_torch(p, tdtype)
            xt = torch.tensor(x, requires_grad=True)
            dht = torch.tensor(dh)
            tn, tt = side_by_side(lambda: numpy_step(p, x, dh), lambda: torch_step(m, xt, dht), repeats)
            rows.append((T, N, H, np.dtype(dtype).name, tn, tt))
    print(f"torch {torch.__version__}, numpy {np.__version__}, torch threads {torch.get_num_threads()}")
    print(f"{'T':>4} {'N':>3} {'H':>4} {'dtype':>8} {'numpy ms':>9} {'torch ms':>9} {'numpy/torch':>12}")
    for T, N, H, d, a, b in rows:
        print(f"{T:>4} {N:>3} {H:>4} {d:>8} {a * 1e3:>9.2f} {b * 1e3:>9.2f} {a / b:>12.2f}")
    if hasattr(os, "getloadavg"):
        print(f"load average during the run: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores (timings are noisy above 1 per core)")
    print("ratios:", ", ".join(f"T={r[0]},N={r[1]},H={r[2]},{r[3]}: {r[4] / r[5]:.2f}x" for r in rows))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    main(parser.parse_args().repeats)
