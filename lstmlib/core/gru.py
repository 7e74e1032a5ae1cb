"""GRU in numpy, in PyTorch's convention (so the two agree number for number).

Shape letters: N batch, T time steps, D input size, H hidden size, K output size.

    r_t   = sigma(x_t W_xr + h_{t-1} W_hr + b_r)                 reset gate     (N, H)
    z_t   = sigma(x_t W_xz + h_{t-1} W_hz + b_z)                 update gate
    a_hn  = h_{t-1} W_hn + b_hn                                  hidden part of the candidate
    n_t   = tanh(x_t W_xn + b_xn + r_t * a_hn)                   candidate h~_t
    h_t   = (1 - z_t) * n_t + z_t * h_{t-1}
    y_t   = h_t W_hy + b_y                                       output (optional)

torch.nn.GRU's biases map as b_r = b_ir + b_hr, b_z = b_iz + b_hz, b_xn = b_in, b_hn = b_hn.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstmlib.core.base import (Gradients, Params, Trace, check_input, check_k, check_trace, output_forward, param,
                               sigmoid, upstream)

__all__ = ["GRUParams", "GRUTrace", "gru_forward", "gru_backward"]


GATES = ("r", "z", "n")          # the order of the stacked gates (torch.nn.GRU stacks its rows the same way)
_BIAS = {"r": "b_r", "z": "b_z", "n": "b_xn"}   # each gate's bias on the input side


@dataclass(frozen=True, eq=False)
class GRUParams(Params):
    """GRU parameters: W_x* (D, H), W_h* (H, H) for * in r, z, n; b_r, b_z, b_xn, b_hn (H,)."""
    W_xr: np.ndarray = param("D", "H")
    W_hr: np.ndarray = param("H", "H")
    b_r: np.ndarray = param("H")
    W_xz: np.ndarray = param("D", "H")
    W_hz: np.ndarray = param("H", "H")
    b_z: np.ndarray = param("H")
    W_xn: np.ndarray = param("D", "H")
    W_hn: np.ndarray = param("H", "H")
    b_xn: np.ndarray = param("H")
    b_hn: np.ndarray = param("H")
    W_hy: np.ndarray | None = param("H", "K", optional=True)
    b_y: np.ndarray | None = param("K", optional=True)

    def stacked(self):
        """(W_x (D, 3H), W_h (H, 3H), b_x (3H,)) with the gates side by side in the order GATES (r, z, n)."""
        return (np.concatenate([getattr(self, f"W_x{q}") for q in GATES], axis=1),
                np.concatenate([getattr(self, f"W_h{q}") for q in GATES], axis=1),
                np.concatenate([getattr(self, _BIAS[q]) for q in GATES]))


@dataclass(frozen=True, eq=False)
class GRUTrace(Trace):
    """Every intermediate of ``gru_forward``, each (T, N, H) unless noted: x (T, N, D), h0 (N, H),
    pre-activations a_r, a_z, a_n, the hidden part a_hn = h_{t-1} W_hn + b_hn, gates r, z,
    candidate n, h; y (T, N, K) or None."""
    x: np.ndarray
    h0: np.ndarray
    a_r: np.ndarray
    a_z: np.ndarray
    a_n: np.ndarray
    a_hn: np.ndarray
    r: np.ndarray
    z: np.ndarray
    n: np.ndarray
    h: np.ndarray
    y: np.ndarray | None = None


def gru_forward(params: GRUParams, x, h0=None) -> GRUTrace:
    """Run the GRU over x (T, N, D) from h0 (N, H) (zeros if None); returns the GRUTrace."""
    x, h0 = check_input(params, x, h0, kinds=GRUParams)
    T, N, D = x.shape
    H = params.H
    W_x, W_h, b_x = params.stacked()
    X = (x.reshape(T * N, D) @ W_x).reshape(T, N, 3 * H)   # x_t W_x for all t in one matmul
    X += b_x
    a_r, a_z, a_n, a_hn, r, z, n, h = (np.empty((T, N, H), params.dtype) for _ in range(8))
    prev = h0
    for t in range(T):
        Hh = prev @ W_h                                      # h_{t-1} W_h, (N, 3H)
        np.add(X[t, :, :H], Hh[:, :H], out=a_r[t])
        np.add(X[t, :, H:2 * H], Hh[:, H:2 * H], out=a_z[t])
        np.add(Hh[:, 2 * H:], params.b_hn, out=a_hn[t])
        r[t] = sigmoid(a_r[t])
        z[t] = sigmoid(a_z[t])
        np.multiply(r[t], a_hn[t], out=a_n[t])               # r * (h W_hn + b_hn)
        a_n[t] += X[t, :, 2 * H:]                            #   + x W_xn + b_xn
        np.tanh(a_n[t], out=n[t])
        np.subtract(prev, n[t], out=h[t])                    # h = n + z (h_prev - n)
        h[t] *= z[t]
        h[t] += n[t]
        prev = h[t]
    return GRUTrace(x=x, h0=h0, a_r=a_r, a_z=a_z, a_n=a_n, a_hn=a_hn, r=r, z=z, n=n, h=h,
                    y=output_forward(params, h))


def gru_backward(params: GRUParams, trace: GRUTrace, dh=None, dy=None, k: int | None = None) -> Gradients:
    """BPTT through ``gru_forward``. dh (T, N, H): direct dL/dh_t; dy (T, N, K): dL/dy_t.

    k: truncated BPTT (torch's ``h.detach()`` every k steps): no gradient flows from
    step t into h_{t-1} when t % k == 0 (t > 0). None: full BPTT.
    """
    check_trace(params, trace, GRUParams, GRUTrace)
    k = check_k(k)
    gup, dW_hy, db_y = upstream(params, trace, dh, dy)
    T, N, H = gup.shape
    r, z, n, a_hn = trace.r, trace.z, trace.n, trace.a_hn
    h_prev = trace.h_prev
    dX = np.empty((T, N, 3 * H), params.dtype)               # grads of the input-side pre-activations
    dHh = np.empty((T, N, 3 * H), params.dtype)              # grads of h_{t-1} W_h (+ b_hn)
    dh_tot = np.empty_like(gup)
    W_x, W_h, _ = params.stacked()
    W_hT = np.ascontiguousarray(W_h.T)
    dh_next = np.zeros((N, H), params.dtype)
    for t in reversed(range(T)):
        d = np.add(gup[t], dh_next, out=dh_tot[t])           # direct + from step t+1
        da_n = d * (1 - z[t]) * (1 - n[t] ** 2)              # h = (1-z) n, then tanh'
        da_z = d * (h_prev[t] - n[t]) * z[t] * (1 - z[t])    # h = n + z (h_prev - n), then sigma'
        dX[t, :, 2 * H:] = da_n                              # a_n = x W_xn + b_xn + ...
        np.multiply(da_n, r[t], out=dHh[t, :, 2 * H:])       #   ... + r * a_hn
        dX[t, :, :H] = da_n * a_hn[t] * r[t] * (1 - r[t])    # r scales a_hn, then sigma'
        dX[t, :, H:2 * H] = da_z
        dHh[t, :, :2 * H] = dX[t, :, :2 * H]                 # r, z see x and h_{t-1} alike
        dh_next = d * z[t] + dHh[t] @ W_hT                   # direct z h_prev + through W_h
        if k is not None and t > 0 and t % k == 0:
            dh_next[:] = 0                                   # truncation: cut the path
    return _gradients(params, trace, dX, dHh, dh_tot, dh_next, W_x, dW_hy, db_y)


def _gradients(params, trace, dX, dHh, dh_tot, dh0, W_x, dW_hy, db_y):
    T, N, H3 = dX.shape
    H = H3 // 3
    dX2, dHh2 = dX.reshape(T * N, H3), dHh.reshape(T * N, H3)
    dW_x = trace.x.reshape(T * N, -1).T @ dX2                # sum_t x_t^T dX_t
    dW_h = trace.h_prev.reshape(T * N, H).T @ dHh2           # sum_t h_{t-1}^T dHh_t
    db = dX2.sum(axis=0)
    d = {"b_hn": dHh2[:, 2 * H:].sum(axis=0), "W_hy": dW_hy, "b_y": db_y}
    for k, q in enumerate(GATES):
        s = slice(k * H, (k + 1) * H)
        d.update({f"W_x{q}": dW_x[:, s], f"W_h{q}": dW_h[:, s], _BIAS[q]: db[s]})
    dparams = GRUParams(**d)
    dx = (dX2 @ W_x.T).reshape(T, N, -1)
    return Gradients(dparams=dparams, dx=dx, dh0=dh0, dc0=None, dh=dh_tot)
