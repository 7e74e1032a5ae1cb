"""The one-neuron refresher of Bhandare's lecture: weighted sum, squared error (actual - model)^2,
one gradient step.
"""
from __future__ import annotations

import numpy as np
from lstmlib.core.validate import as_float_array

__all__ = ["weighted_sum", "neuron_error", "neuron_error_grad", "gradient_step"]


def weighted_sum(x, w, b: float = 0.0) -> float:
    """A neuron's input: sum_k x[k] w[k] + b (a convolution is this, over one window)."""
    x, w = as_float_array(x, "x", ndim=1), as_float_array(w, "w", ndim=1)
    if x.shape != w.shape:
        raise ValueError(f"x and w must have the same length, got {x.shape[0]} and {w.shape[0]}")
    return float(x @ w + b)


def neuron_error(actual: float, model: float) -> float:
    """The lecture's error e = (actual output - model output)^2."""
    return float((actual - model) ** 2)


def neuron_error_grad(x, w, actual: float, b: float = 0.0) -> np.ndarray:
    """de/dw for the linear neuron model = x . w + b:  de/dw = -2 (actual - model) x."""
    x = as_float_array(x, "x", ndim=1)
    return -2.0 * (actual - weighted_sum(x, w, b)) * x


def gradient_step(x, w, actual: float, lr: float, b: float = 0.0) -> np.ndarray:
    """One step of gradient descent: w <- w - lr * de/dw (minus: downhill on the error)."""
    if not lr > 0:
        raise ValueError(f"lr must be positive, got {lr}")
    return as_float_array(w, "w", ndim=1) - lr * neuron_error_grad(x, w, actual, b)
