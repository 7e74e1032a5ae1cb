"""LSTM variants in numpy: peephole, coupled input-forget gate, no forget gate.

Shape letters: N batch, T time steps, D input size, H hidden size, K output size.
Each variant changes the LSTM of ``lstmlib.lstm`` (pre-activations a_* = x_t W_x* + h_{t-1} W_h* + b_*):

Peephole (Gers & Schmidhuber 2000): the gates also look at the cell, through diagonal
weights p_f, p_i, p_o (H,)::

    a_f = ... + p_f * c_{t-1},   a_i = ... + p_i * c_{t-1},   a_o = ... + p_o * c_t

Coupled input-forget gate: i_t = 1 - f_t (no W_xi, W_hi, b_i).
No forget gate (Hochreiter & Schmidhuber 1997): f_t = 1 (no W_xf, W_hf, b_f), so c_t = c_{t-1} + i_t g_t.

All return an ``LSTMTrace`` (a_f is None without a forget gate, a_i None when coupled).
Each is an LSTM-family cell named by its gates; the backward is the LSTM's BPTT with the
variant's local derivatives. Tests check them by finite differences.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstmlib.core.lstm import GATES, LSTMFamilyParams, LSTMTrace, cell_bptt, gate_blocks, local_derivatives
from lstmlib.core.base import Gradients, check_input, check_trace, output_forward, sigmoid

__all__ = ["PeepholeLSTMParams", "CoupledLSTMParams", "NoForgetLSTMParams", "variant_forward",
           "variant_backward"]


@dataclass(frozen=True, eq=False)
class PeepholeLSTMParams(LSTMFamilyParams, gates=GATES, peepholes=("f", "i", "o")):
    """LSTM parameters plus diagonal peepholes p_f, p_i, p_o (H,)."""


@dataclass(frozen=True, eq=False)
class CoupledLSTMParams(LSTMFamilyParams, gates=("f", "g", "o")):
    """Coupled input-forget gate: gates f, g, o only; i = 1 - f."""


@dataclass(frozen=True, eq=False)
class NoForgetLSTMParams(LSTMFamilyParams, gates=("i", "g", "o")):
    """The 1997 LSTM without forget gate: gates i, g, o only; f = 1."""


VARIANTS = (PeepholeLSTMParams, CoupledLSTMParams, NoForgetLSTMParams)


def variant_forward(params, x, h0=None, c0=None) -> LSTMTrace:
    """Run a variant over x (T, N, D) from h0, c0 (N, H) (zeros if None); returns an LSTMTrace."""
    x, h0, c0 = check_input(params, x, h0, c0, kinds=VARIANTS, with_c=True)
    T, N, D = x.shape
    W_x, W_h, b = params.stacked()                          # the variant's gates side by side
    A = (x.reshape(T * N, D) @ W_x).reshape(T, N, -1)       # x_t W_x + b for all t in one matmul
    A += b
    a = gate_blocks(A, params.gates)                        # a_q (T, N, H): views into A
    p = {q: getattr(params, f"p_{q}") for q in params.peepholes}
    f, i, g, o, c, tanh_c, h = (np.empty((T, N, params.H), params.dtype) for _ in range(7))
    h_prev, c_prev = h0, c0
    for t in range(T):
        A[t] += h_prev @ W_h                                # + h_{t-1} W_h
        for q in ("f", "i"):
            if q in p:
                a[q][t] += p[q] * c_prev                    # peepholes on c_{t-1}
        f[t] = sigmoid(a["f"][t]) if "f" in a else 1.0      # no forget gate: f = 1
        i[t] = sigmoid(a["i"][t]) if "i" in a else 1 - f[t]     # coupled: i = 1 - f
        g[t] = np.tanh(a["g"][t])
        c[t] = f[t] * c_prev + i[t] * g[t]
        if "o" in p:
            a["o"][t] += p["o"] * c[t]                      # peephole on c_t
        o[t] = sigmoid(a["o"][t])
        tanh_c[t] = np.tanh(c[t])
        h[t] = o[t] * tanh_c[t]
        h_prev, c_prev = h[t], c[t]
    return LSTMTrace(x=x, h0=h0, c0=c0, a_f=a.get("f"), a_i=a.get("i"), a_g=a["g"], a_o=a["o"],
                     f=f, i=i, g=g, o=o, c=c, tanh_c=tanh_c, h=h, y=output_forward(params, h))


def variant_backward(params, trace: LSTMTrace, dh=None, dy=None, k: int | None = None) -> Gradients:
    """BPTT through ``variant_forward``; dh, dy, k as in ``lstm_backward``."""
    check_trace(params, trace, VARIANTS, LSTMTrace)
    return cell_bptt(params, trace, _local_derivatives(params, trace), dh, dy, k)


def _local_derivatives(params, trace) -> dict:
    """The LSTM's ``local_derivatives``, changed where the variant's cell differs."""
    d = local_derivatives(trace)                    # without a forget gate, trace.f = 1 gives dc_dc = 1
    f, g, c_prev = trace.f, trace.g, trace.c_prev
    if "i" not in params.gates:                     # coupled: c = f c_prev + (1 - f) g
        d["f"] = (1 - f) * f * (c_prev - g)
    if "o" in params.peepholes:                     # c_t also reaches h_t through a_o = ... + p_o c_t
        d["dh_dc"] = d["dh_dc"] + params.p_o * d["o"]
    for q in ("f", "i"):                            # c_{t-1} also reaches c_t through a_q = ... + p_q c_{t-1}
        if q in params.peepholes:
            d["dc_dc"] = d["dc_dc"] + getattr(params, f"p_{q}") * d[q]
    return d
