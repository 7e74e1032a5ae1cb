"""Losses and their gradients: softmax, softmax cross-entropy, squared error, the last-step loss.
"""
from __future__ import annotations

import numpy as np
from lstmlib.core.validate import as_float_array, check_choice, check_shape

__all__ = ["softmax", "softmax_cross_entropy", "squared_error", "last_step_loss"]



def _targets(targets, shape, name="targets"):
    t = np.asarray(targets) if not isinstance(targets, (str, bytes)) else None
    if t is None or t.dtype == object or not np.issubdtype(t.dtype, np.integer):
        raise ValueError(f"{name} must be an integer array of class indices, got "
                         f"{type(targets).__name__ if t is None else t.dtype}")
    check_shape(t, name, shape)
    return t


def softmax(y):
    """p = softmax(y) over the last axis (shifted by the max, so it never overflows)."""
    y = as_float_array(y, "y")
    e = np.exp(y - y.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def softmax_cross_entropy(y, targets):
    """L = sum_t mean_n -log softmax(y_t)[n, targets[t, n]]; y (T, N, K), targets int (T, N).

    Returns (loss, dy) with dy = (softmax(y) - onehot(targets)) / N.
    """
    y = as_float_array(y, "y", 3, "(T, N, K)")
    T, N, K = y.shape
    t = _targets(targets, (T, N))
    if t.min() < 0 or t.max() >= K:
        raise ValueError(f"targets must be class indices in [0, {K - 1}], got range [{t.min()}, {t.max()}]")
    return _softmax_cross_entropy(y, t)


def _softmax_cross_entropy(y, t):
    """The maths of ``softmax_cross_entropy`` (arguments already checked): y (T, N, K), t int (T, N)."""
    N = y.shape[1]
    z = y - y.max(axis=2, keepdims=True)                           # softmax(y - c) = softmax(y): no overflow
    logp = z - np.log(np.exp(z).sum(axis=2, keepdims=True))        # log p_hat = z - log sum_k exp(z_k)
    picked = np.take_along_axis(logp, t[..., None], axis=2)[..., 0]  # log p_hat of each target
    dy = np.exp(logp)                                              # p_hat
    np.put_along_axis(dy, t[..., None], np.take_along_axis(dy, t[..., None], 2) - 1, axis=2)  # p_hat - onehot
    return float(-picked.sum() / N), dy / N                        # mean over the batch, sum over time


def squared_error(y, targets):
    """L = sum_t mean_n 0.5 ||y_t[n] - targets_t[n]||^2; y, targets (T, N, K). dy = (y - targets) / N."""
    y = as_float_array(y, "y", 3, "(T, N, K)")
    targets = as_float_array(targets, "targets", 3, "(T, N, K)")
    check_shape(targets, "targets", y.shape, "(T, N, K)")
    diff = y - targets
    return float(0.5 * (diff ** 2).sum() / y.shape[1]), diff / y.shape[1]


def last_step_loss(y, targets, kind: str = "cross_entropy"):
    """Many-to-one: the loss only at the last step T-1; dy is zero at every other step.

    kind "cross_entropy": targets int (N,); kind "squared": targets (N, K).
    """
    check_choice(kind, "kind", ["cross_entropy", "squared"])
    y = as_float_array(y, "y", 3, "(T, N, K)")
    dy = np.zeros_like(y)
    if kind == "cross_entropy":
        loss, dlast = softmax_cross_entropy(y[-1:], _targets(targets, (y.shape[1],))[None])
    else:
        t = as_float_array(targets, "targets", 2, "(N, K)")
        loss, dlast = squared_error(y[-1:], t[None])
    dy[-1] = dlast[0]
    return loss, dy
