"""The book's optimisers, written out to be read: SGD with momentum, Adagrad and Adam.

Pure functions in the manner of min-char-rnn and the CS231n notes: each takes the parameters
``theta`` (a frozen Params dataclass such as RNNParams, LSTMParams or GRUParams), their gradients
``g`` (the same Params type, e.g. ``backward(...).dparams``), the optimiser's state and the
learning rate ``lr``, and returns the new parameters and the new state. Nothing changes in place,
and every operation is elementwise, on each parameter array of ``params.names()`` separately::

    SGD      v <- mu v - lr g,   theta <- theta + v                       (v: velocity, 0 at first)
    Adagrad  m <- m + g^2,       theta <- theta - lr g / sqrt(m + eps)    (m: sum of squares, 0 at first)
    Adam     t <- t + 1,
             m <- beta1 m + (1 - beta1) g,      v <- beta2 v + (1 - beta2) g^2,
             m_hat = m / (1 - beta1^t),         v_hat = v / (1 - beta2^t),
             theta <- theta - lr m_hat / (sqrt(v_hat) + eps)

The state has the parameters' type and shapes: start SGD with ``velocity=None`` (zeros), Adagrad
with ``params.zeros_like()`` and Adam with ``AdamState.zeros_like(params)``.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from lstmlib.core.base import Params
from lstmlib.core.validate import check_finite, check_instance, check_positive_int

__all__ = ["sgd_step", "adagrad_step", "adam_step", "AdamState", "check_learning_rate"]


# ---------------------------------------------------------------- checks
def check_learning_rate(lr, name: str = "lr") -> float:
    """A finite number > 0, as a float; ValueError naming ``name`` otherwise."""
    value = check_finite(lr, name)
    if value <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {lr!r}")
    return value


def _check_fraction(value, name: str) -> float:
    """A number in [0, 1) (momentum, beta1, beta2), as a float."""
    v = check_finite(value, name)
    if not 0.0 <= v < 1.0:
        raise ValueError(f"{name} must be a number in [0, 1), got {value!r}")
    return v


def _check_eps(value) -> float:
    v = check_finite(value, "eps")
    if v < 0:
        raise ValueError(f"eps must be a finite number >= 0, got {value!r}")
    return v


def _check_like(other, params, name: str) -> None:
    """``other`` must be the same Params class as ``params``, with an array of the same shape per name."""
    if type(other) is not type(params):
        raise ValueError(f"{name} must be {type(params).__name__} like params, got {type(other).__name__}")
    for n in params.names():
        a, want = getattr(other, n), getattr(params, n).shape
        if a is None or a.shape != want:
            raise ValueError(f"{name}.{n} must have shape {want} like params.{n}, "
                             f"got {None if a is None else a.shape}")


def _check_params(params, grads, state, state_name: str, optional: bool = False) -> None:
    """params a Params; grads and the state (None allowed when optional) like params."""
    check_instance(params, "params", Params)
    _check_like(grads, params, "grads")
    if not (optional and state is None):
        _check_like(state, params, state_name)


def _one_minus(beta: float) -> float:
    """1 - beta, worked out in decimal on beta as written (its repr) and rounded once to a float:
    1 - 0.9 gives the float 0.1, where float subtraction gives 0.09999999999999998."""
    return float(Decimal(1) - Decimal(repr(beta)))


# ---------------------------------------------------------------- SGD
def sgd_step(params: Params, grads: Params, lr: float, velocity: Params | None = None,
             momentum: float = 0.0):
    """One step of gradient descent with (classical) momentum; returns (new params, new velocity).

    params, grads: the same Params type (every array of grads has the shape of its parameter);
    lr > 0: the learning rate; velocity: the previous step's velocity (same type), or None for
    zeros; momentum mu in [0, 1). Per parameter array theta with gradient g:

        v <- mu v - lr g
        theta <- theta + v

    With mu = 0 this is plain gradient descent, theta <- theta - lr g, to the last bit
    (x + (-y) is x - y in floating point). torch.optim.SGD keeps b <- mu b + g and steps
    theta <- theta - lr b instead: the same parameters for a constant lr (v = -lr b).
    """
    lr, momentum = check_learning_rate(lr), _check_fraction(momentum, "momentum")
    _check_params(params, grads, velocity, "velocity", optional=True)
    new, vel = {}, {}
    for n in params.names():
        g = getattr(grads, n)                                      # g = dL/dtheta
        v = 0.0 if velocity is None else getattr(velocity, n)      # v = 0 before the first step
        vel[n] = momentum * v - lr * g                             # v <- mu v - lr g
        new[n] = getattr(params, n) + vel[n]                       # theta <- theta + v
    return dataclasses.replace(params, **new), dataclasses.replace(params, **vel)


# ---------------------------------------------------------------- Adagrad
def adagrad_step(params: Params, grads: Params, memory: Params, lr: float, eps: float = 1e-8):
    """One Adagrad update (Duchi et al., 2011, as in min-char-rnn); returns (new params, new memory).

    params, grads, memory: the same Params type and shapes; memory holds the running sums of
    g^2 (start with ``params.zeros_like()``); lr > 0; eps >= 0. Per parameter array theta:

        m <- m + g^2
        theta <- theta - lr g / sqrt(m + eps)

    eps sits *inside* the square root, as in min-char-rnn. torch.optim.Adagrad adds it outside,
    theta - lr g / (sqrt(m) + eps): the two agree only for eps = 0.
    """
    lr, eps = check_learning_rate(lr), _check_eps(eps)
    _check_params(params, grads, memory, "memory")
    new, mem = {}, {}
    for n in params.names():
        g = getattr(grads, n)                                          # g = dL/dtheta
        mem[n] = getattr(memory, n) + g ** 2                           # m <- m + g^2
        new[n] = getattr(params, n) - lr * g / np.sqrt(mem[n] + eps)   # theta <- theta - lr g / sqrt(m + eps)
    return dataclasses.replace(params, **new), dataclasses.replace(memory, **mem)


# ---------------------------------------------------------------- Adam
@dataclass(frozen=True, eq=False)
class AdamState:
    """Adam's memory: m, the running mean of g, and v, the running mean of g^2 (both of the
    parameters' Params type), and t, the number of steps taken so far."""
    m: Params
    v: Params
    t: int = 0

    def __post_init__(self):
        check_instance(self.m, "m", Params)
        _check_like(self.v, self.m, "v")
        object.__setattr__(self, "t", check_positive_int(self.t, "t", minimum=0))

    @classmethod
    def zeros_like(cls, params: Params) -> "AdamState":
        """m = v = 0 with the shapes of params, t = 0: the state before the first step."""
        check_instance(params, "params", Params)
        return cls(params.zeros_like(), params.zeros_like(), 0)


def adam_step(params: Params, grads: Params, state: AdamState, lr: float, beta1: float = 0.9,
              beta2: float = 0.999, eps: float = 1e-8):
    """One Adam update (Kingma and Ba, 2015) with bias correction; returns (new params, new state).

    params, grads: the same Params type and shapes; state: an AdamState of that type (start with
    ``AdamState.zeros_like(params)``); lr > 0; beta1, beta2 in [0, 1); eps >= 0. Per array theta:

        t <- t + 1
        m <- beta1 m + (1 - beta1) g
        v <- beta2 v + (1 - beta2) g^2
        m_hat = m / (1 - beta1^t),   v_hat = v / (1 - beta2^t)
        theta <- theta - lr m_hat / (sqrt(v_hat) + eps)

    m and v start at 0, so without the division by 1 - beta^t they would be too small in the
    first steps. 1 - beta is taken in decimal (1 - 0.9 is the float 0.1, not 0.09999999999999998),
    so that the book's stored results, computed with 0.1 and 0.001 written out, hold to the last
    bit; torch.optim.Adam is the same update to about 1e-16.
    """
    lr, eps = check_learning_rate(lr), _check_eps(eps)
    beta1, beta2 = _check_fraction(beta1, "beta1"), _check_fraction(beta2, "beta2")
    check_instance(state, "state", AdamState)
    _check_params(params, grads, state.m, "state.m")
    t = state.t + 1                                                   # t <- t + 1
    c1, c2 = _one_minus(beta1), _one_minus(beta2)                     # 1 - beta1, 1 - beta2
    new, m, v = {}, {}, {}
    for n in params.names():
        g = getattr(grads, n)                                         # g = dL/dtheta
        m[n] = beta1 * getattr(state.m, n) + c1 * g                   # m <- beta1 m + (1 - beta1) g
        v[n] = beta2 * getattr(state.v, n) + c2 * g * g               # v <- beta2 v + (1 - beta2) g^2
        m_hat = m[n] / (1 - beta1 ** t)                               # m_hat = m / (1 - beta1^t)
        v_hat = v[n] / (1 - beta2 ** t)                               # v_hat = v / (1 - beta2^t)
        new[n] = getattr(params, n) - lr * m_hat / (np.sqrt(v_hat) + eps)  # theta - lr m_hat / (sqrt(v_hat) + eps)
    return (dataclasses.replace(params, **new),
            AdamState(dataclasses.replace(state.m, **m), dataclasses.replace(state.v, **v), t))
