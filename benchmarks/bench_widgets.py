"""Latency of Part III's two flagship widgets: median and p95 over 100 updates each (target p95 < 50 ms).

    python benchmarks/bench_widgets.py
"""
import numpy as np

from lstmlib.widgets.gradients import gradient_explorer
from lstmlib.widgets.lstm_stepper import lstm_stepper
from lstmlib.lectures.scalar_lstm import scalar_lstm


def _report(name, ex, n):
    t = np.array(ex.timings[-n:]) * 1e3
    med, p95 = float(np.median(t)), float(np.percentile(t, 95))
    print(f"{name}: {len(t)} updates, median {med:.1f} ms, p95 {p95:.1f} ms (target p95 < 50 ms)")
    return med, p95


def bench_gradients(n: int = 100):
    ex = gradient_explorer()
    setups = [("RNN", "tanh", 0.0), ("RNN", "linear", 0.0), ("LSTM", "tanh", 1.0), ("GRU", "tanh", 0.0)]
    ex.timings.clear()
    for k in range(n):
        if k % 10 == 0:
            ex.update(setup=setups[(k // 10) % len(setups)], T=[20, 50, 100, 200][(k // 10) % 4])
        else:
            ex.update(rho=0.1 + 0.05 * (k % 38))            # a reader dragging the rho slider
    return _report("gradient-norm widget", ex, n)


def bench_stepper(n: int = 100):
    ex = lstm_stepper({"hand-set": scalar_lstm(), "forgetful": scalar_lstm(b_f=-2.0)})
    seqs = ["1, 0, 0, 0", "1, -1, 0.5, 2, 0, 0, 1, -1", "0.3, 0.2, 0.1, 0, -0.1, -0.2, -0.3, -0.4, 1, 1, 1, 1"]
    ex.timings.clear()
    for k in range(n):
        if k % 10 == 0:
            ex.update(sequence=seqs[(k // 10) % 3])
        else:
            ex.update(t=k % 12)                               # stepping forward and back in time
    return _report("LSTM stepper widget", ex, n)


def main(n: int = 100):
    return bench_gradients(n), bench_stepper(n)


if __name__ == "__main__":
    main()
