"""LSTM variants in numpy: peephole, coupled input-forget gate, no forget gate.

Shape letters: N batch, T time steps, D input size, H hidden size, K output size.
Each variant changes the LSTM of ``lstmlib.lstm`` (pre-activations a_* = x_t W_x* + h_{t-1} W_h* + b_*):

Peephole (Gers & Schmidhuber 2000): the gates also look at the cell, through diagonal
weights p_f, p_i, p_o (H,):
    a_f = ... + p_f * c_{t-1},   a_i = ... + p_i * c_{t-1},   a_o = ... + p_o * c_t
Coupled input-forget gate: i_t = 1 - f_t (no W_xi, W_hi, b_i).
No forget gate (Hochreiter & Schmidhuber 1997): f_t = 1 (no W_xf, W_hf, b_f), so c_t = c_{t-1} + i_t g_t.

All return an ``LSTMTrace`` (a_f is None without a forget gate, a_i None when coupled).
Written gate by gate (not stacked) for readability; tests check them by finite differences.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstmlib.core.lstm import LSTMTrace
from lstmlib.core.base import (Gradients, Params, check_input, check_k, check_trace, output_forward, sigmoid,
                               upstream)

__all__ = ["PeepholeLSTMParams", "CoupledLSTMParams", "NoForgetLSTMParams", "variant_forward",
           "variant_backward"]


def _gate_shapes(gates, D, H, K):
    out = {}
    for q in gates:
        out.update({f"W_x{q}": (D, H), f"W_h{q}": (H, H), f"b_{q}": (H,)})
    return {**out, **Params._out_shapes(H, K)}


@dataclass(frozen=True, eq=False)
class PeepholeLSTMParams(Params):
    """LSTM parameters plus diagonal peepholes p_f, p_i, p_o (H,)."""
    W_xf: np.ndarray
    W_hf: np.ndarray
    b_f: np.ndarray
    W_xi: np.ndarray
    W_hi: np.ndarray
    b_i: np.ndarray
    W_xg: np.ndarray
    W_hg: np.ndarray
    b_g: np.ndarray
    W_xo: np.ndarray
    W_ho: np.ndarray
    b_o: np.ndarray
    p_f: np.ndarray
    p_i: np.ndarray
    p_o: np.ndarray
    W_hy: np.ndarray | None = None
    b_y: np.ndarray | None = None
    _anchor = "W_xf"
    gates = ("f", "i", "g", "o")

    @staticmethod
    def shapes(D, H, K=None):
        s = _gate_shapes("figo", D, H, K)
        head = {k: v for k, v in s.items() if k not in ("W_hy", "b_y")}
        return {**head, "p_f": (H,), "p_i": (H,), "p_o": (H,), **Params._out_shapes(H, K)}


@dataclass(frozen=True, eq=False)
class CoupledLSTMParams(Params):
    """Coupled input-forget gate: gates f, g, o only; i = 1 - f."""
    W_xf: np.ndarray
    W_hf: np.ndarray
    b_f: np.ndarray
    W_xg: np.ndarray
    W_hg: np.ndarray
    b_g: np.ndarray
    W_xo: np.ndarray
    W_ho: np.ndarray
    b_o: np.ndarray
    W_hy: np.ndarray | None = None
    b_y: np.ndarray | None = None
    _anchor = "W_xf"
    gates = ("f", "g", "o")

    @staticmethod
    def shapes(D, H, K=None):
        return _gate_shapes("fgo", D, H, K)


@dataclass(frozen=True, eq=False)
class NoForgetLSTMParams(Params):
    """The 1997 LSTM without forget gate: gates i, g, o only; f = 1."""
    W_xi: np.ndarray
    W_hi: np.ndarray
    b_i: np.ndarray
    W_xg: np.ndarray
    W_hg: np.ndarray
    b_g: np.ndarray
    W_xo: np.ndarray
    W_ho: np.ndarray
    b_o: np.ndarray
    W_hy: np.ndarray | None = None
    b_y: np.ndarray | None = None
    _anchor = "W_xi"
    gates = ("i", "g", "o")

    @staticmethod
    def shapes(D, H, K=None):
        return _gate_shapes("igo", D, H, K)


VARIANTS = (PeepholeLSTMParams, CoupledLSTMParams, NoForgetLSTMParams)


def _pre(params, q, x_t, h_prev):
    return x_t @ getattr(params, f"W_x{q}") + h_prev @ getattr(params, f"W_h{q}") + getattr(params, f"b_{q}")


def variant_forward(params, x, h0=None, c0=None) -> LSTMTrace:
    """Run a variant over x (T, N, D) from h0, c0 (N, H) (zeros if None); returns an LSTMTrace."""
    x, h0, c0 = check_input(params, x, h0, c0, kinds=VARIANTS, with_c=True)
    T, N, _ = x.shape
    peep = isinstance(params, PeepholeLSTMParams)
    names = ("a_f", "a_i", "a_g", "a_o", "f", "i", "g", "o", "c", "tanh_c", "h")
    s = {n: np.zeros((T, N, params.H), params.dtype) for n in names}
    h_prev, c_prev = h0, c0
    for t in range(T):
        if "f" in params.gates:
            s["a_f"][t] = _pre(params, "f", x[t], h_prev) + (params.p_f * c_prev if peep else 0)
            s["f"][t] = sigmoid(s["a_f"][t])
        else:
            s["f"][t] = 1.0                                  # no forget gate: f = 1
        if "i" in params.gates:
            s["a_i"][t] = _pre(params, "i", x[t], h_prev) + (params.p_i * c_prev if peep else 0)
            s["i"][t] = sigmoid(s["a_i"][t])
        else:
            s["i"][t] = 1 - s["f"][t]                        # coupled: i = 1 - f
        s["a_g"][t] = _pre(params, "g", x[t], h_prev)
        s["g"][t] = np.tanh(s["a_g"][t])
        s["c"][t] = s["f"][t] * c_prev + s["i"][t] * s["g"][t]
        s["a_o"][t] = _pre(params, "o", x[t], h_prev) + (params.p_o * s["c"][t] if peep else 0)
        s["o"][t] = sigmoid(s["a_o"][t])
        s["tanh_c"][t] = np.tanh(s["c"][t])
        s["h"][t] = s["o"][t] * s["tanh_c"][t]
        h_prev, c_prev = s["h"][t], s["c"][t]
    if "f" not in params.gates:
        s["a_f"] = None
    if "i" not in params.gates:
        s["a_i"] = None
    return LSTMTrace(x=x, h0=h0, c0=c0, **s, y=output_forward(params, s["h"]))


def variant_backward(params, trace: LSTMTrace, dh=None, dy=None, k: int | None = None) -> Gradients:
    """BPTT through ``variant_forward``; dh, dy, k as in ``lstm_backward``."""
    check_trace(params, trace, VARIANTS, LSTMTrace)
    k = check_k(k)
    gup, dW_hy, db_y = upstream(params, trace, dh, dy)
    T, N, H = gup.shape
    peep = isinstance(params, PeepholeLSTMParams)
    da = {q: np.zeros((T, N, H), params.dtype) for q in params.gates}
    dh_tot = np.empty_like(gup)
    c_prev = trace.c_prev
    dh_next, dc_next = np.zeros((N, H), params.dtype), np.zeros((N, H), params.dtype)
    f, i, g, o, tc = trace.f, trace.i, trace.g, trace.o, trace.tanh_c
    for t in reversed(range(T)):
        d = dh_tot[t] = gup[t] + dh_next                     # direct + from step t+1
        da["o"][t] = d * tc[t] * o[t] * (1 - o[t])           # h = o tanh(c), then sigma'
        dc = dc_next + d * o[t] * (1 - tc[t] ** 2)           # h = o tanh(c) -> c
        dc = dc + (da["o"][t] * params.p_o if peep else 0)   # peephole: c_t feeds a_o
        da["g"][t] = dc * i[t] * (1 - g[t] ** 2)             # c = ... + i g, then tanh'
        di, df = dc * g[t], dc * c_prev[t]                   # c = f c_prev + i g
        if "i" in params.gates:
            da["i"][t] = di * i[t] * (1 - i[t])              # sigma'
        else:
            df = df - di                                     # coupled: i = 1 - f
        if "f" in params.gates:
            da["f"][t] = df * f[t] * (1 - f[t])              # sigma'
        dc_next = dc * f[t]                                  # c_prev reaches c through f
        if peep:
            dc_next = dc_next + da["f"][t] * params.p_f + da["i"][t] * params.p_i  # peepholes on c_{t-1}
        dh_next = sum(da[q][t] @ getattr(params, f"W_h{q}").T for q in params.gates)
        if k is not None and t > 0 and t % k == 0:
            dh_next, dc_next = np.zeros_like(dh_next), np.zeros_like(dc_next)  # truncation
    return _gradients(params, trace, da, dh_tot, dh_next, dc_next, dW_hy, db_y)


def _gradients(params, trace, da, dh_tot, dh0, dc0, dW_hy, db_y):
    T, N, H = dh_tot.shape
    x2, hp2 = trace.x.reshape(T * N, -1), trace.h_prev.reshape(T * N, H)
    d = {"W_hy": dW_hy, "b_y": db_y}
    dx = 0
    for q in params.gates:
        a2 = da[q].reshape(T * N, H)
        d.update({f"W_x{q}": x2.T @ a2, f"W_h{q}": hp2.T @ a2, f"b_{q}": a2.sum(axis=0)})
        dx = dx + da[q] @ getattr(params, f"W_x{q}").T
    if isinstance(params, PeepholeLSTMParams):
        d["p_f"] = (da["f"] * trace.c_prev).sum(axis=(0, 1))   # a_f = ... + p_f c_{t-1}
        d["p_i"] = (da["i"] * trace.c_prev).sum(axis=(0, 1))   # a_i = ... + p_i c_{t-1}
        d["p_o"] = (da["o"] * trace.c).sum(axis=(0, 1))        # a_o = ... + p_o c_t
    return Gradients(dparams=type(params)(**d), dx=dx, dh0=dh0, dc0=dc0, dh=dh_tot)
