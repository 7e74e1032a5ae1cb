"""Gradient norms ||dL/dh_k|| of an RNN, LSTM or GRU whose recurrent matrices have spectral radius rho.
"""
from __future__ import annotations

import numpy as np
from functools import lru_cache
from lstmlib.core.bptt import last_step_gradient_norms
from lstmlib.core.validate import check_positive_int
from lstmlib.lectures.remedies import gru_params, lstm_params, rnn_params
from lstmlib.core.validate import check_choice

__all__ = ["network", "gradient_norm_curve", "MODELS", "parse_setup"]


MODELS = ("RNN", "LSTM", "GRU")


H_UNITS = 16


MAX_T = 400


STATIC_SETUPS = {"RNN, tanh": ("RNN", "tanh", 0.0), "RNN, linear": ("RNN", "linear", 0.0),
                 "LSTM, b_f = 0": ("LSTM", "tanh", 0.0), "LSTM, b_f = 3": ("LSTM", "tanh", 3.0),
                 "GRU": ("GRU", "tanh", 0.0)}


def parse_setup(setup) -> tuple[str, str, float]:
    """(model, activation, forget_bias) from a tuple or a label of ``STATIC_SETUPS``."""
    if isinstance(setup, str):
        if setup not in STATIC_SETUPS:
            raise ValueError(f"setup must be (model, activation, forget_bias) or one of "
                             f"{list(STATIC_SETUPS)}, got {setup!r}")
        setup = STATIC_SETUPS[setup]
    if not isinstance(setup, (tuple, list)) or len(setup) != 3:
        raise ValueError(f"setup must be a triple (model, activation, forget_bias), got {setup!r}")
    model, activation, bf = setup
    check_choice(model, "model", MODELS)
    check_choice(activation, "activation", ["tanh", "linear"])
    try:
        bf = float(bf)
    except (TypeError, ValueError):
        raise ValueError(f"forget_bias must be a number, got {bf!r}") from None
    if not np.isfinite(bf) or abs(bf) > 20:
        raise ValueError(f"forget_bias must be a number in [-20, 20], got {bf}")
    return model, activation, bf


def _check_rho(rho) -> float:
    if isinstance(rho, bool) or not isinstance(rho, (int, float, np.integer, np.floating)) \
            or not np.isfinite(rho) or not 0 < rho <= 3:
        raise ValueError(f"rho must be a number in (0, 3], got {rho!r}")
    return float(rho)


def _check_T(T) -> int:
    T = check_positive_int(T, "T", minimum=2)
    if T > MAX_T:
        raise ValueError(f"T must be at most {MAX_T}, got {T}")
    return T


@lru_cache(maxsize=256)
def network(model: str, rho: float, activation: str = "tanh", forget_bias: float = 0.0, seed: int = 0):
    """The network of the widget: H = 16, D = 1, recurrent matrices rho * orthogonal (seeded)."""
    rng = np.random.default_rng(seed)
    if model == "RNN":
        return rnn_params(H_UNITS, rho, rng=rng, activation=activation)
    if model == "LSTM":
        return lstm_params(H_UNITS, rho, rng=rng, forget_bias=forget_bias)
    return gru_params(H_UNITS, rho, rng=rng)


@lru_cache(maxsize=4)
def _inputs(seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed + 1000).standard_normal((MAX_T, 1, 1))   # (T, N, D)


def gradient_norm_curve(model: str, rho: float, T: int, activation: str = "tanh",
                        forget_bias: float = 0.0, seed: int = 0) -> np.ndarray:
    """||dL/dh_k||, k = 0..T-1, for the loss at the last step with ||dL/dh_{T-1}|| = 1."""
    model, activation, forget_bias = parse_setup((model, activation, forget_bias))
    rho, T = _check_rho(rho), _check_T(T)
    params = network(model, rho, activation, forget_bias, seed)
    with np.errstate(over="ignore", invalid="ignore"):
        return last_step_gradient_norms(params, _inputs(seed)[:T])
