"""Vanilla RNN in numpy: forward over a sequence, BPTT, and a readable single step.

Shape letters (used in every docstring of this module):
N batch, T time steps, D input size, H hidden size, K output size.
Arrays are time-first: x is (T, N, D); vectors are rows, so x_t @ W_xh.

    a_t = x_t W_xh + h_{t-1} W_hh + b_h        pre-activation      (N, H)
    h_t = phi(a_t)                              phi = tanh or identity ("linear")
    y_t = h_t W_hy + b_y                        output scores       (N, K)

The pieces every model shares (the ``Params`` mixin, ``Gradients``, the output layer) are in
``lstmlib.core.base``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstmlib.core.validate import as_real_array, check_choice, check_instance, check_shape
from lstmlib.core.base import (ACTIVATIONS, Gradients, Params, Step, Trace, check_input, check_k, check_trace,
                               output_forward, param, upstream)

__all__ = ["RNNParams", "RNNTrace", "rnn_step", "rnn_step_backward", "rnn_forward", "rnn_backward", "RNNStep"]


@dataclass(frozen=True, eq=False)
class RNNParams(Params):
    """Vanilla RNN parameters; activation is "tanh" or "linear" (phi = identity)."""
    W_xh: np.ndarray = param("D", "H")
    W_hh: np.ndarray = param("H", "H")
    b_h: np.ndarray = param("H")
    W_hy: np.ndarray | None = param("H", "K", optional=True)
    b_y: np.ndarray | None = param("K", optional=True)
    activation: str = "tanh"

    def __post_init__(self):
        check_choice(self.activation, "activation", ACTIVATIONS)
        super().__post_init__()


@dataclass(frozen=True, eq=False)
class RNNTrace(Trace):
    """Every intermediate of ``rnn_forward``: x (T,N,D), h0 (N,H), a and h (T,N,H), y (T,N,K) or None."""
    x: np.ndarray
    h0: np.ndarray
    a: np.ndarray
    h: np.ndarray
    y: np.ndarray | None = None


@dataclass(frozen=True, eq=False)
class RNNStep(Step):
    """What ``rnn_step`` returns, one step of an RNNTrace: a and h (N, H)."""
    a: np.ndarray
    h: np.ndarray


# ---------------------------------------------------------------- one step (teaching)
def rnn_step(params: RNNParams, x_t, h_prev) -> RNNStep:
    """One step: a = x_t W_xh + h_prev W_hh + b_h, h = phi(a). x_t (N, D), h_prev (N, H) -> RNNStep(a, h)."""
    check_instance(params, "params", RNNParams)
    x_t = as_real_array(x_t, "x_t", 2, "(N, D)", dtype=params.dtype)
    check_shape(x_t, "x_t", (None, params.D), "(N, D)")
    h_prev = as_real_array(h_prev, "h_prev", 2, "(N, H)", dtype=params.dtype)
    check_shape(h_prev, "h_prev", (x_t.shape[0], params.H), "(N, H)")
    a = x_t @ params.W_xh + h_prev @ params.W_hh + params.b_h
    h = np.tanh(a) if params.activation == "tanh" else a
    return RNNStep(a=a, h=h)


def rnn_step_backward(params: RNNParams, dh, x_t, h_prev, h):
    """Backward of ``rnn_step`` given dL/dh (N, H): returns (dx_t, dh_prev, {name: grad})."""
    check_instance(params, "params", RNNParams)
    dh, x_t, h_prev, h = (as_real_array(v, n, 2, dtype=params.dtype) for v, n in
                          [(dh, "dh"), (x_t, "x_t"), (h_prev, "h_prev"), (h, "h")])
    N = dh.shape[0]
    for v, n, s in [(dh, "dh", (N, params.H)), (x_t, "x_t", (N, params.D)),
                    (h_prev, "h_prev", (N, params.H)), (h, "h", (N, params.H))]:
        check_shape(v, n, s)
    da = dh * (1 - h ** 2) if params.activation == "tanh" else dh   # through phi
    grads = {"W_xh": x_t.T @ da,                                    # a depends on W_xh via x_t W_xh
             "W_hh": h_prev.T @ da,                                 # ... and on W_hh via h_prev W_hh
             "b_h": da.sum(axis=0)}                                 # bias: sum over the batch
    return da @ params.W_xh.T, da @ params.W_hh.T, grads


# ---------------------------------------------------------------- whole sequence
def rnn_forward(params: RNNParams, x, h0=None) -> RNNTrace:
    """Run the RNN over x (T, N, D) from h0 (N, H) (zeros if None); returns the RNNTrace."""
    x, h0 = check_input(params, x, h0, kinds=RNNParams)
    T, N, D = x.shape
    a = (x.reshape(T * N, D) @ params.W_xh).reshape(T, N, -1)   # x_t W_xh for all t at once
    a += params.b_h
    h = np.empty_like(a)
    prev = h0
    for t in range(T):
        a[t] += prev @ params.W_hh                              # + h_{t-1} W_hh
        h[t] = np.tanh(a[t]) if params.activation == "tanh" else a[t]
        prev = h[t]
    return RNNTrace(x=x, h0=h0, a=a, h=h, y=output_forward(params, h))


def rnn_backward(params: RNNParams, trace: RNNTrace, dh=None, dy=None, k: int | None = None) -> Gradients:
    """BPTT. dh (T, N, H): direct dL/dh_t; dy (T, N, K): dL/dy_t (through the output layer).

    k: truncated BPTT, as torch with ``h = h.detach()`` every k steps: no gradient flows
    from step t back into h_{t-1} when t % k == 0 (t > 0). None: full BPTT.
    The maths is ``_rnn_backward_steps``; this function checks the arguments and adds the
    output layer's part, dy_t W_hy^T (``lstmlib.core.base.output_backward``).
    """
    check_trace(params, trace, RNNParams, RNNTrace)
    k = check_k(k)
    dh_direct, dW_hy, db_y = upstream(params, trace, dh, dy)       # dh_t + dy_t W_hy^T, (T, N, H)
    return _rnn_backward_steps(params, trace, dh_direct, dW_hy, db_y, k)


def _rnn_backward_steps(params, trace, dh_direct, dW_hy=None, db_y=None, k=None) -> Gradients:
    """BPTT's maths, min-char-rnn style: walk the forward's records in reverse.

    dh_direct (T, N, H): the gradient that reaches each h_t directly (from y_t); dW_hy, db_y: the
    output layer's gradients, passed through. Arguments are not checked (``rnn_backward`` does).
    """
    T, N, H = dh_direct.shape
    da = np.empty_like(dh_direct)                               # dL/da_t
    dh_tot = np.empty_like(dh_direct)                           # delta h_t = dL/dh_t, all paths
    dh_next = np.zeros((N, H), params.dtype)                    # what step t+1 sends back to h_t
    W_hhT = params.W_hh.T.copy()
    for t in reversed(range(T)):
        dh_tot[t] = dh_direct[t] + dh_next                      # direct + from step t+1
        da[t] = dh_tot[t] * (1 - trace.h[t] ** 2) if params.activation == "tanh" else dh_tot[t]  # through tanh
        dh_next = da[t] @ W_hhT                                 # a_t contains h_{t-1} W_hh
        if k is not None and t > 0 and t % k == 0:
            dh_next = np.zeros_like(dh_next)                    # truncation: cut the path
    da2 = da.reshape(T * N, H)                                  # the weights act at every step:
    dparams = RNNParams(W_xh=trace.x.reshape(T * N, -1).T @ da2,           # sum_t x_t^T da_t
                        W_hh=trace.h_prev.reshape(T * N, H).T @ da2,       # sum_t h_{t-1}^T da_t
                        b_h=da2.sum(axis=0), W_hy=dW_hy, b_y=db_y,         # sum_t, n da_t
                        activation=params.activation)
    return Gradients(dparams=dparams, dx=da @ params.W_xh.T, dh0=dh_next, dc0=None, dh=dh_tot)
