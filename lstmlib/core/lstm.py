"""LSTM in numpy: forward over a sequence, BPTT, and a readable single step.

Shape letters: N batch, T time steps, D input size, H hidden size, K output size.

    f_t = sigma(x_t W_xf + h_{t-1} W_hf + b_f)      forget gate        (N, H)
    i_t = sigma(x_t W_xi + h_{t-1} W_hi + b_i)      input gate
    g_t = tanh (x_t W_xg + h_{t-1} W_hg + b_g)      candidate (C~_t)
    o_t = sigma(x_t W_xo + h_{t-1} W_ho + b_o)      output gate
    c_t = f_t * c_{t-1} + i_t * g_t                 cell state
    h_t = o_t * tanh(c_t)                           hidden state
    y_t = h_t W_hy + b_y                            output (optional)

``lstm_forward`` / ``lstm_backward`` stack the four gates internally (one matmul
per step); ``lstm_step`` / ``lstm_step_backward`` are the same math gate by gate.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstmlib.core.base import (Gradients, Params, check_input, check_k, check_trace, output_forward, sigmoid,
                               upstream)
from lstmlib.core.validate import as_real_array, check_instance, check_shape

__all__ = ["LSTMParams", "LSTMTrace", "lstm_step", "lstm_step_backward", "lstm_forward", "lstm_backward"]

GATES = ("f", "i", "g", "o")
_ORDER = ("o", "f", "i", "g")   # internal stacking: sigmoids o, f, i contiguous, and f, i, g (fed by dc) too


@dataclass(frozen=True, eq=False)
class LSTMParams(Params):
    """LSTM parameters: W_x* (D, H), W_h* (H, H), b_* (H,) for * in f, i, g, o; W_hy (H, K), b_y (K,)."""
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
    W_hy: np.ndarray | None = None
    b_y: np.ndarray | None = None
    _anchor = "W_xf"

    @staticmethod
    def shapes(D, H, K=None):
        out = {}
        for q in GATES:
            out.update({f"W_x{q}": (D, H), f"W_h{q}": (H, H), f"b_{q}": (H,)})
        return {**out, **Params._out_shapes(H, K)}

    def stacked(self):
        """(W_x (D, 4H), W_h (H, 4H), b (4H,)) with the gates in internal order o, f, i, g."""
        return (np.concatenate([getattr(self, f"W_x{q}") for q in _ORDER], axis=1),
                np.concatenate([getattr(self, f"W_h{q}") for q in _ORDER], axis=1),
                np.concatenate([getattr(self, f"b_{q}") for q in _ORDER]))


@dataclass(frozen=True, eq=False)
class LSTMTrace:
    """Every intermediate of an LSTM forward pass, each (T, N, H) unless noted.

    x (T, N, D); h0, c0 (N, H); pre-activations a_f, a_i, a_g, a_o; gates f, i, o
    (after sigma), candidate g (after tanh); c, tanh_c = tanh(c_t), h; y (T, N, K) or None.
    The LSTM variants reuse it: a_f / a_i are None when that gate is not computed.
    """
    x: np.ndarray
    h0: np.ndarray
    c0: np.ndarray
    a_f: np.ndarray | None
    a_i: np.ndarray | None
    a_g: np.ndarray
    a_o: np.ndarray
    f: np.ndarray
    i: np.ndarray
    g: np.ndarray
    o: np.ndarray
    c: np.ndarray
    tanh_c: np.ndarray
    h: np.ndarray
    y: np.ndarray | None = None

    @property
    def h_prev(self) -> np.ndarray:
        """h_{t-1} for t = 0..T-1, shape (T, N, H)."""
        return np.concatenate([self.h0[None], self.h[:-1]])

    @property
    def c_prev(self) -> np.ndarray:
        """c_{t-1} for t = 0..T-1, shape (T, N, H)."""
        return np.concatenate([self.c0[None], self.c[:-1]])


# ---------------------------------------------------------------- one step, gate by gate
def lstm_step(params: LSTMParams, x_t, h_prev, c_prev) -> dict:
    """One LSTM step. x_t (N, D), h_prev, c_prev (N, H) -> dict with a_*, f, i, g, o, c, tanh_c, h."""
    x_t, h_prev, c_prev = _step_input(params, x_t, h_prev, c_prev)
    s = {f"a_{q}": x_t @ getattr(params, f"W_x{q}") + h_prev @ getattr(params, f"W_h{q}")
         + getattr(params, f"b_{q}") for q in GATES}
    s.update(f=sigmoid(s["a_f"]), i=sigmoid(s["a_i"]), g=np.tanh(s["a_g"]), o=sigmoid(s["a_o"]))
    s["c"] = s["f"] * c_prev + s["i"] * s["g"]
    s["tanh_c"] = np.tanh(s["c"])
    s["h"] = s["o"] * s["tanh_c"]
    return s


def _step_input(params, x_t, h_prev, c_prev):
    check_instance(params, "params", LSTMParams)
    x_t = as_real_array(x_t, "x_t", 2, "(N, D)", dtype=params.dtype)
    x, h_prev, c_prev = check_input(params, x_t[None], h_prev, c_prev, kinds=LSTMParams, with_c=True)
    return x[0], h_prev, c_prev


def lstm_step_backward(params: LSTMParams, dh, dc, step: dict, x_t, h_prev, c_prev):
    """Backward of ``lstm_step``. dh, dc (N, H): gradients arriving at h_t and c_t.

    Returns (dx_t (N, D), dh_prev (N, H), dc_prev (N, H), {name: grad}).
    """
    x_t, h_prev, c_prev = _step_input(params, x_t, h_prev, c_prev)
    check_instance(step, "step", dict)
    vals = {}
    for n, v in [("dh", dh), ("dc", dc)] + [(n, step.get(n)) for n in ("f", "i", "g", "o", "tanh_c")]:
        vals[n] = as_real_array(v, n if n in ("dh", "dc") else f"step[{n!r}]", 2, "(N, H)", dtype=params.dtype)
        check_shape(vals[n], n, h_prev.shape, "(N, H)")
    dh, dc = vals["dh"], vals["dc"]
    f, i, g, o, tc = (vals[n] for n in ("f", "i", "g", "o", "tanh_c"))
    da = {"o": dh * tc * o * (1 - o)}                  # h = o tanh(c), then sigma'
    dc = dc + dh * o * (1 - tc ** 2)                   # h = o tanh(c) -> c
    da["f"] = dc * c_prev * f * (1 - f)                # c = f c_prev + ..., then sigma'
    da["i"] = dc * g * i * (1 - i)                     # c = ... + i g, then sigma'
    da["g"] = dc * i * (1 - g ** 2)                    # c = ... + i g, then tanh'
    grads = {}
    for q in GATES:
        grads.update({f"W_x{q}": x_t.T @ da[q], f"W_h{q}": h_prev.T @ da[q], f"b_{q}": da[q].sum(0)})
    dx = sum(da[q] @ getattr(params, f"W_x{q}").T for q in GATES)
    dh_prev = sum(da[q] @ getattr(params, f"W_h{q}").T for q in GATES)
    return dx, dh_prev, dc * f, grads                  # c_prev reaches c through f


# ---------------------------------------------------------------- whole sequence, gates stacked
def lstm_forward(params: LSTMParams, x, h0=None, c0=None) -> LSTMTrace:
    """Run the LSTM over x (T, N, D) from h0, c0 (N, H) (zeros if None); returns the LSTMTrace."""
    x, h0, c0 = check_input(params, x, h0, c0, kinds=LSTMParams, with_c=True)
    T, N, D = x.shape
    H = params.H
    W_x, W_h, b = params.stacked()
    half = np.concatenate([np.full(3 * H, 0.5), np.ones(H)]).astype(params.dtype)
    W_x, W_h, b = W_x * half, W_h * half, b * half          # sigma(a) = tanh(a/2)/2 + 1/2: prescale o, f, i
    A = (x.reshape(T * N, D) @ W_x).reshape(T, N, 4 * H)   # x_t W_x for all t in one matmul
    A += b
    G = np.empty_like(A)                                    # gates after activation, (T, N, 4H)
    c, tanh_c, h = (np.empty((T, N, H), params.dtype) for _ in range(3))
    buf = np.empty((N, 4 * H), params.dtype)
    ig = np.empty((N, H), params.dtype)
    views = zip(A, G, G[..., :3 * H], G[..., :H], G[..., H:2 * H], G[..., 2 * H:3 * H], G[..., 3 * H:], c, tanh_c, h)
    h_prev, c_prev = h0, c0
    for A_t, G_t, S_t, o, f, i, g, c_t, tc_t, h_t in views:
        np.matmul(h_prev, W_h, out=buf)                     # h_{t-1} W_h
        A_t += buf                                          #   + x_t W_x + b
        np.tanh(A_t, out=G_t)                               # tanh(a/2) for o, f, i; tanh(a) for g
        S_t *= 0.5                                          # -> sigma(a) = tanh(a/2)/2 + 1/2
        S_t += 0.5
        np.multiply(f, c_prev, out=c_t)                     # c = f c_prev
        np.multiply(i, g, out=ig)
        c_t += ig                                           #   + i g
        np.tanh(c_t, out=tc_t)
        np.multiply(o, tc_t, out=h_t)                       # h = o tanh(c)
        h_prev, c_prev = h_t, c_t
    A[..., :3 * H] *= 2                                     # undo the prescaling: true pre-activations
    part = {q: slice(k * H, (k + 1) * H) for k, q in enumerate(_ORDER)}
    return LSTMTrace(x=x, h0=h0, c0=c0, **{f"a_{q}": A[..., part[q]] for q in GATES},
                     **{q: G[..., part[q]] for q in GATES}, c=c, tanh_c=tanh_c, h=h,
                     y=output_forward(params, h))


def lstm_backward(params: LSTMParams, trace: LSTMTrace, dh=None, dy=None, k: int | None = None) -> Gradients:
    """BPTT through ``lstm_forward``. dh (T, N, H): direct dL/dh_t; dy (T, N, K): dL/dy_t.

    k: truncated BPTT as torch with ``h, c = h.detach(), c.detach()`` every k steps: no
    gradient flows from step t into h_{t-1}, c_{t-1} when t % k == 0 (t > 0). None: full.
    """
    check_trace(params, trace, LSTMParams, LSTMTrace)
    k = check_k(k)
    gup, dW_hy, db_y = upstream(params, trace, dh, dy)
    T, N, H = gup.shape
    f, o, tc = trace.f, trace.o, trace.tanh_c
    M = _local_derivatives(trace)                       # (T, N, 4H), internal order o, f, i, g
    Q = tc * tc                                         # dh -> dc: o (1 - tanh(c)^2)
    np.subtract(1, Q, out=Q)
    Q *= o
    dA = np.empty((T, N, 4 * H), params.dtype)
    dh_tot = np.empty_like(gup)
    W_x, W_h, _ = params.stacked()
    W_hT = np.ascontiguousarray(W_h.T)
    dh_next, dc_next, dc = (np.zeros((N, H), params.dtype) for _ in range(3))
    dc3 = dc[:, None, :]                                # dc broadcast over the gates f, i, g
    M4, dA4 = M.reshape(T, N, 4, H), dA.reshape(T, N, 4, H)
    for t in reversed(range(T)):
        dht = np.add(gup[t], dh_next, out=dh_tot[t])    # direct + from step t+1
        np.multiply(dht, Q[t], out=dc)                  # through h = o tanh(c)
        dc += dc_next                                   #   + from c_{t+1} = f c_t + ...
        np.multiply(dht, M4[t, :, 0], out=dA4[t, :, 0])           # da_o
        np.multiply(dc3, M4[t, :, 1:], out=dA4[t, :, 1:])         # da_f, da_i, da_g
        np.multiply(dc, f[t], out=dc_next)              # c_{t-1} reaches c_t through f
        np.matmul(dA[t], W_hT, out=dh_next)             # through h_{t-1} W_h
        if k is not None and t > 0 and t % k == 0:
            dh_next[:] = 0                              # truncation: cut both paths
            dc_next[:] = 0
    return _gradients(params, trace, dA, dh_tot, dh_next, dc_next, W_x, dW_hy, db_y)


def _local_derivatives(trace):
    """M = [tanh(c) o(1-o), c_prev f(1-f), g i(1-i), i (1-g^2)] (T, N, 4H), built in place:
    da_o = dh * M_o, and da_f, da_i, da_g = dc * M_f, M_i, M_g."""
    T, N, H = trace.h.shape
    o, f, i, g = trace.o, trace.f, trace.i, trace.g
    M = np.empty((T, N, 4 * H), trace.h.dtype)
    M4 = M.reshape(T, N, 4, H)
    for k, gate in enumerate((o, f, i)):               # sigma' = s (1 - s)
        np.subtract(1, gate, out=M4[:, :, k])
        M4[:, :, k] *= gate
    np.multiply(g, g, out=M4[:, :, 3])                 # tanh' = 1 - g^2
    np.subtract(1, M4[:, :, 3], out=M4[:, :, 3])
    M4[:, :, 0] *= trace.tanh_c                        # h = o tanh(c)
    M4[0, :, 1] *= trace.c0                            # c = f c_prev + ...
    M4[1:, :, 1] *= trace.c[:-1]
    M4[:, :, 2] *= g                                   # c = ... + i g
    M4[:, :, 3] *= i
    return M


def _gradients(params, trace, dA, dh_tot, dh0, dc0, W_x, dW_hy, db_y):
    """Parameter gradients from dA (T, N, 4H) in one matmul each, split back into names."""
    T, N, H4 = dA.shape
    H = H4 // 4
    dA2 = dA.reshape(T * N, H4)
    dW_x = trace.x.reshape(T * N, -1).T @ dA2            # sum_t x_t^T da_t
    dW_h = trace.h_prev.reshape(T * N, H).T @ dA2        # sum_t h_{t-1}^T da_t
    db = dA2.sum(axis=0)
    d = {"W_hy": dW_hy, "b_y": db_y}
    for n, q in enumerate(_ORDER):
        s = slice(n * H, (n + 1) * H)
        d.update({f"W_x{q}": dW_x[:, s], f"W_h{q}": dW_h[:, s], f"b_{q}": db[s]})
    dx = (dA2 @ W_x.T).reshape(T, N, -1)
    return Gradients(dparams=LSTMParams(**d), dx=dx, dh0=dh0, dc0=dc0, dh=dh_tot)
