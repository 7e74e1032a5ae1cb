"""A one-unit GRU with hand-set weights, fed a single pulse: the update gate as a valve.
"""
from __future__ import annotations

import numpy as np

from lstmlib.core.gru import GRUParams, GRUTrace, gru_forward
from lstmlib.core.validate import check_finite, check_positive_int

__all__ = ["pulse_gru"]


def _pulse(steps: int, at: int) -> np.ndarray:
    """Input (T, N, D) = (steps, 1, 1): zeros, and 1 at step ``at``."""
    steps = check_positive_int(steps, "steps")
    if isinstance(at, bool) or not isinstance(at, (int, np.integer)) or not 0 <= at < steps:
        raise ValueError(f"at must be a step in [0, {steps - 1}], got {at!r}")
    x = np.zeros((steps, 1, 1))
    x[at] = 1.0
    return x


def pulse_gru(b_z: float, b_r: float, *, steps: int = 12, at: int = 2) -> GRUTrace:
    """One GRU unit (D = H = 1) over ``steps`` steps of input 0, except x = 1 at step ``at``.

    The candidate sees the input through W_xn = 3 and the old state through W_hn = 2; the
    gates have no weights, only their biases, so z_t = sigma(b_z) and r_t = sigma(b_r) at
    every step. Returns the trace, arrays (T, 1, 1).
    """
    w = lambda v: np.array([[v]])                               # a 1x1 weight matrix
    b = lambda v, name: np.array([check_finite(v, name)])       # a bias of one unit
    p = GRUParams(W_xr=w(0.0), W_hr=w(0.0), b_r=b(b_r, "b_r"), W_xz=w(0.0), W_hz=w(0.0), b_z=b(b_z, "b_z"),
                  W_xn=w(3.0), W_hn=w(2.0), b_xn=b(0.0, "b_xn"), b_hn=b(0.0, "b_hn"))
    return gru_forward(p, _pulse(steps, at))
