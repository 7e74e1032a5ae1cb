"""Backpropagation through time: losses, clipping, truncation, gradient norms, Jacobians.

Shape letters: N batch, T time steps, D input size, H hidden size, K output size.
Works for every model of lstmlib (RNN, LSTM, GRU, LSTM variants) through ``forward`` /
``backward``, which dispatch on the type of the parameters.

Losses return (loss, dy) with dy = dL/dy (T, N, K); L = sum_t L_t and L_t is the mean
over the batch of the per-sequence loss.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from lstmlib.core.gru import GRUParams, GRUTrace, gru_backward, gru_forward
from lstmlib.core.lstm import LSTMParams, LSTMTrace, lstm_backward, lstm_forward
from lstmlib.core.base import Gradients, Params
from lstmlib.core.rnn import RNNParams, RNNTrace, rnn_backward, rnn_forward
from lstmlib.core.validate import (as_float_array, as_real_array, check_choice, check_instance, check_positive_int,
                                   check_shape)
from lstmlib.core.variants import VARIANTS, variant_backward, variant_forward

__all__ = ["forward", "backward", "clip_by_value", "clip_by_global_norm", "clip_arrays_by_global_norm", "global_norm",
           "truncation_cuts",
           "gradient_norms", "last_step_gradient_norms", "jacobians", "spectral_norms", "numerical_gradient",
           "relative_error", "gradient_check_errors"]


def _pair(params):
    check_instance(params, "params", Params)
    if isinstance(params, RNNParams):
        return rnn_forward, rnn_backward, False
    if isinstance(params, LSTMParams):
        return lstm_forward, lstm_backward, True
    if isinstance(params, GRUParams):
        return gru_forward, gru_backward, False
    if isinstance(params, VARIANTS):
        return variant_forward, variant_backward, True
    raise ValueError(f"params must be RNN, LSTM, GRU or variant parameters, got {type(params).__name__}")


def forward(params, x, h0=None, c0=None):
    """Forward pass of any lstmlib model over x (T, N, D); c0 only for LSTMs."""
    fwd, _, has_c = _pair(params)
    if not has_c and c0 is not None:
        raise ValueError(f"c0 must be None for {type(params).__name__}, got an array")
    return fwd(params, x, h0, c0) if has_c else fwd(params, x, h0)


def backward(params, trace, dh=None, dy=None, k: int | None = None) -> Gradients:
    """BPTT of any lstmlib model: dh (T, N, H), dy (T, N, K), k: truncation length or None."""
    return _pair(params)[1](params, trace, dh=dh, dy=dy, k=k)


# ---------------------------------------------------------------- losses


# ---------------------------------------------------------------- clipping
def global_norm(grads) -> float:
    """sqrt of the sum of squares of every entry of every gradient array."""
    check_instance(grads, "grads", Params)
    return float(np.sqrt(sum(float((getattr(grads, n) ** 2).sum()) for n in grads.names())))


def clip_by_value(grads, limit: float = 5.0):
    """Clip every entry to [-limit, limit], like min-char-rnn's np.clip(d, -5, 5)."""
    check_instance(grads, "grads", Params)
    limit = _positive(limit, "limit")
    return dataclasses.replace(grads, **{n: np.clip(getattr(grads, n), -limit, limit) for n in grads.names()})


def clip_by_global_norm(grads, max_norm: float):
    """Scale all gradients by min(1, max_norm / ||g||) with ||g|| = global_norm(grads).

    Returns (clipped grads, ||g|| before clipping).
    """
    check_instance(grads, "grads", Params)
    max_norm = _positive(max_norm, "max_norm")
    norm = global_norm(grads)
    scale = min(1.0, max_norm / norm) if norm > 0 else 1.0
    return dataclasses.replace(grads, **{n: getattr(grads, n) * scale for n in grads.names()}), norm


def clip_arrays_by_global_norm(arrays, max_norm: float):
    """Clip a list of gradient arrays (any shapes) by their global norm, as torch's ``clip_grad_norm_``.

    norm = sqrt of the sum of the squares of every entry of every array; each array is multiplied by
    min(1, max_norm / norm) (by 1 when norm is 0). Returns (list of new float64 arrays, norm before
    clipping); the arrays passed in are not changed.
    """
    if isinstance(arrays, np.ndarray) or not isinstance(arrays, (list, tuple)) or len(arrays) == 0:
        raise ValueError(f"arrays must be a non-empty list of arrays, got {type(arrays).__name__}")
    arrs = [as_float_array(a, f"arrays[{i}]") for i, a in enumerate(arrays)]
    max_norm = _positive(max_norm, "max_norm")
    norm = float(np.sqrt(sum(float((a * a).sum()) for a in arrs)))
    scale = min(1.0, max_norm / norm) if norm > 0 else 1.0
    return [a * scale for a in arrs], norm


def _positive(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
            or not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return float(value)


# ---------------------------------------------------------------- truncation and gradient flow
def truncation_cuts(T: int, k: int | None) -> np.ndarray:
    """Boolean (T,): True at steps t whose gradient does NOT flow back into h_{t-1}
    under truncated BPTT with length k (t > 0 and t % k == 0); all False for k=None."""
    T = check_positive_int(T, "T")
    t = np.arange(T)
    if k is None:
        return np.zeros(T, bool)
    k = check_positive_int(k, "k")
    return (t > 0) & (t % k == 0)


def gradient_norms(grads: Gradients) -> np.ndarray:
    """||dL/dh_k|| for k = 0..T-1 (Frobenius norm over batch and hidden units), shape (T,)."""
    check_instance(grads, "grads", Gradients)
    return np.sqrt((grads.dh ** 2).sum(axis=(1, 2)))


def last_step_gradient_norms(params, x, dh_last=None, h0=None, c0=None) -> np.ndarray:
    """||dL/dh_k||, k = 0..T-1, for a loss at the last step only with dL/dh_{T-1} = dh_last (N, H).

    dh_last defaults to a unit-norm vector (all entries 1/sqrt(N H)), so the last norm is 1.
    """
    trace = forward(params, x, h0, c0)
    T, N, H = trace.h.shape
    dh = np.zeros((T, N, H), params.dtype)
    if dh_last is None:
        dh[-1] = 1.0 / np.sqrt(N * H)
    else:
        dh_last = as_real_array(dh_last, "dh_last", 2, "(N, H)", dtype=params.dtype)
        check_shape(dh_last, "dh_last", (N, H), "(N, H)")
        dh[-1] = dh_last
    return gradient_norms(backward(params, trace, dh=dh))


def jacobians(params, trace) -> np.ndarray:
    """J[t] = dh_t / dh_{t-1}, shape (T, N, H, H): J[t, n, i, j] = d h_t[n, i] / d h_{t-1}[n, j].

    Row-vector chain rule: the part of delta h_{t-1} that flows through h_t is
    delta h_t @ J[t] (per sample). For LSTMs this is the partial Jacobian with
    c_{t-1} held fixed. RNN: J = diag(phi'(a_t)) W_hh^T. Supports RNN, LSTM and GRU.
    """
    check_instance(params, "params", (RNNParams, LSTMParams, GRUParams))
    kind = {RNNParams: RNNTrace, LSTMParams: LSTMTrace, GRUParams: GRUTrace}[type(params)]
    check_instance(trace, "trace", kind)
    check_shape(trace.h, "trace.h", (None, None, params.H), "(T, N, H)")
    diagT = lambda s, W: s[..., :, None] * W.T               # diag(s) W^T, (T, N, H, H)
    if isinstance(params, RNNParams):
        d = 1 - trace.h ** 2 if params.activation == "tanh" else np.ones_like(trace.h)
        return diagT(d, params.W_hh)
    if isinstance(params, LSTMParams):
        f, i, g, o, tc = trace.f, trace.i, trace.g, trace.o, trace.tanh_c
        dcell = o * (1 - tc ** 2)                            # dh_t/dc_t
        return (diagT(dcell * trace.c_prev * f * (1 - f), params.W_hf)
                + diagT(dcell * g * i * (1 - i), params.W_hi)
                + diagT(dcell * i * (1 - g ** 2), params.W_hg)
                + diagT(tc * o * (1 - o), params.W_ho))
    r, z, n = trace.r, trace.z, trace.n
    J = diagT((trace.h_prev - n) * z * (1 - z), params.W_hz)              # through z
    dn = (1 - z) * (1 - n ** 2)                                           # through n ...
    J += diagT(dn * r, params.W_hn) + diagT(dn * trace.a_hn * r * (1 - r), params.W_hr)  # ... via a_hn and r
    idx = np.arange(params.H)
    J[..., idx, idx] += z                                                 # direct z h_{t-1}
    return J


def spectral_norms(J) -> np.ndarray:
    """Largest singular value of every Jacobian: J (..., H, H) -> (...)."""
    J = as_float_array(J, "J")
    if J.ndim < 2 or J.shape[-1] != J.shape[-2]:
        raise ValueError(f"J must have shape (..., H, H), got {J.shape}")
    return np.linalg.svd(J, compute_uv=False)[..., 0]


def numerical_gradient(loss_fn, params, eps: float = 1e-6, kind: str = "central"):
    """Finite differences for every parameter; loss_fn(params) -> float. Returns gradients shaped like params.

    kind "central": (L(theta + eps e_j) - L(theta - eps e_j)) / (2 eps), error O(eps^2);
    kind "forward": (L(theta + eps e_j) - L(theta)) / eps, error O(eps).
    """
    check_instance(params, "params", Params)
    if not callable(loss_fn):
        raise ValueError(f"loss_fn must be callable, got {type(loss_fn).__name__}")
    eps = _positive(eps, "eps")
    check_choice(kind, "kind", ["central", "forward"])
    theta = params.to_vector()
    grad = np.empty_like(theta)
    base = loss_fn(params) if kind == "forward" else None
    for j in range(theta.size):
        old = theta[j]
        theta[j] = old + eps
        up = loss_fn(params.from_vector(theta))                 # L(theta + eps e_j)
        if kind == "central":
            theta[j] = old - eps
            down = loss_fn(params.from_vector(theta))           # L(theta - eps e_j)
            grad[j] = (up - down) / (2 * eps)
        else:
            grad[j] = (up - base) / eps
        theta[j] = old
    return params.from_vector(grad)


def relative_error(a, b) -> float:
    """||a - b|| / (||a|| + ||b||) over all entries (0 when both are 0); a, b arrays or Params alike."""
    if isinstance(a, Params) or isinstance(b, Params):
        check_instance(a, "a", Params)
        check_instance(b, "b", type(a))
        a, b = a.to_vector(), b.to_vector()
    a, b = as_float_array(a, "a"), as_float_array(b, "b")
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    den = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if den == 0 else float(np.linalg.norm(a - b) / den)


def gradient_check_errors(loss_fn, params, grads, eps_values, kind: str = "central") -> np.ndarray:
    """The relative error between ``grads`` (Params like params, e.g. BPTT's) and the finite-difference
    gradient, for each eps of eps_values: an array (len(eps_values),). Plotted against eps on log axes
    it is a V: truncation error (eps^2 central, eps forward) on the right, round-off (~1e-16 / eps) on the left."""
    check_instance(grads, "grads", type(params))
    eps_values = [_positive(e, "eps") for e in np.atleast_1d(eps_values)]
    return np.array([relative_error(grads, numerical_gradient(loss_fn, params, e, kind)) for e in eps_values])
