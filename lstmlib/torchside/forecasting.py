"""Forecasting a series (Singh's traffic example, R's WWWusage): baselines, rolling
predictions, intervals, an LSTM forecaster ensemble.
"""
from __future__ import annotations

import numpy as np
from dataclasses import dataclass
from lstmlib.core.validate import as_float_array, check_instance, check_positive_int, check_probability
from lstmlib.torchside.bridge import train
from lstmlib.torchside.training import single_thread
from lstmlib.torchside.memory import make_model, predict_last
from lstmlib.core.validate import check_finite

__all__ = ["naive_last", "naive_trend", "rolling_predictions", "residual_interval", "coverage", "rmse",
           "capacity_decision", "Forecaster", "fit_forecaster", "forecast"]


def _series(values, name="values", minimum=2):
    v = as_float_array(values, name, 1, "(L,)")
    if v.size < minimum:
        raise ValueError(f"{name} must have at least {minimum} entries, got {v.size}")
    if not np.all(np.isfinite(v)):
        raise ValueError(f"{name} must be finite, got NaN or infinity")
    return v


def naive_last(values) -> float:
    """Persistence forecast of the next value: the last value."""
    return float(_series(values, minimum=1)[-1])


def naive_trend(values, k: int = 2) -> float:
    """Local linear trend: the least-squares line through the last ``k`` values, one step on.

    With k = 2 this is v[-1] + (v[-1] - v[-2]).
    """
    k = check_positive_int(k, "k", minimum=2)
    v = _series(values, minimum=k)[-k:]
    slope, intercept = np.polyfit(np.arange(k), v, 1)
    return float(intercept + slope * k)


def rolling_predictions(values, origins, predictor) -> np.ndarray:
    """``predictor(values[:o])`` for each origin o: the one-step forecasts of values[o]."""
    v = _series(values, minimum=1)
    origins = np.asarray(origins)
    if origins.ndim != 1 or not np.issubdtype(origins.dtype, np.integer) or origins.size == 0 \
            or origins.min() < 1 or origins.max() > v.size:
        raise ValueError(f"origins must be integers in [1, {v.size}], got {origins!r}")
    if not callable(predictor):
        raise ValueError(f"predictor must be callable, got {type(predictor).__name__}")
    return np.array([predictor(v[:o]) for o in origins])


def residual_interval(point, errors, level: float = 0.9):
    """(low, high): ``point`` plus the (1 - level)/2 and (1 + level)/2 empirical quantiles of past errors.

    errors are actual - predicted of earlier one-step forecasts (numpy's linear quantile rule).
    """
    e = _series(errors, "errors", minimum=2)
    level = check_probability(level, "level")
    lo, hi = np.quantile(e, [(1 - level) / 2, (1 + level) / 2])
    point = np.asarray(point, dtype=float)
    return point + lo, point + hi


def coverage(actual, low, high) -> float:
    """Fraction of ``actual`` values inside [low, high]."""
    a = as_float_array(actual, "actual", 1)
    low, high = np.broadcast_to(low, a.shape), np.broadcast_to(high, a.shape)
    return float(np.mean((a >= low) & (a <= high)))


def rmse(actual, predicted) -> float:
    """Root mean squared error."""
    a, p = as_float_array(actual, "actual"), as_float_array(predicted, "predicted")
    if a.shape != p.shape:
        raise ValueError(f"actual and predicted must have the same shape, got {a.shape} and {p.shape}")
    return float(np.sqrt(np.mean((a - p) ** 2)))


def capacity_decision(current: float, low: float, high: float) -> str:
    """"add" if the whole interval lies above the current load, "reduce" if below, else "hold"."""
    current, low, high = (check_finite(v, n) for v, n in [(current, "current"), (low, "low"), (high, "high")])
    if low > high:
        raise ValueError(f"low must be <= high, got low={low}, high={high}")
    return "add" if low > current else "reduce" if high < current else "hold"


@dataclass(frozen=True)
class Forecaster:
    """An ensemble of LSTMs forecasting the next *change* of a series from its last T changes.

    models: one LSTMModel per seed; scale: the standard deviation of the training
    changes (inputs and targets are divided by it).
    """
    models: tuple
    T: int
    scale: float
    histories: tuple


def fit_forecaster(values, T: int, *, n_models: int = 5, H: int = 8, steps: int = 300, lr: float = 1e-2,
                   seed: int = 0) -> Forecaster:
    """Train ``n_models`` LSTMs (seeds seed, seed+1, ...) on all windows of the changes of ``values``.

    Changes d_t = v_{t+1} - v_t, divided by their standard deviation; window m is
    d[m : m + T] -> d[m + T]. Full-batch Adam, mean squared error at the last step.
    """
    v = _series(values)
    T, n_models = check_positive_int(T, "T"), check_positive_int(n_models, "n_models")
    d = np.diff(v)
    if d.size < T + 1:
        raise ValueError(f"values must have at least T + 2 = {T + 2} entries to make one window, got {v.size}")
    scale = float(d.std()) or 1.0
    z = d / scale
    rows = np.arange(d.size - T)[None, :] + np.arange(T)[:, None]             # (T, M)
    x, y = z[rows][..., None], z[np.arange(d.size - T) + T][:, None]           # (T, M, 1), (M, 1)
    models, histories = [], []
    with single_thread():
        for k in range(n_models):
            model = make_model("lstm", 1, H, 1, seed=seed + k)
            histories.append(np.asarray(train(model, [(x, y)], epochs=steps, lr=lr, loss="mse",
                                              seed=seed + k, progress=False)))
            models.append(model)
    return Forecaster(tuple(models), T, scale, tuple(histories))


def forecast(forecaster: Forecaster, values, origins=None) -> np.ndarray:
    """Each model's one-step forecast of values[o] from values[:o]: (n_models, len(origins)).

    origins default to [len(values)] (the next, unseen value).
    """
    check_instance(forecaster, "forecaster", Forecaster)
    v = _series(values)
    origins = np.array([v.size]) if origins is None else np.asarray(origins)
    T = forecaster.T
    if origins.ndim != 1 or not np.issubdtype(origins.dtype, np.integer) or origins.size == 0 \
            or origins.min() < T + 1 or origins.max() > v.size:
        raise ValueError(f"origins must be integers in [T + 1, {v.size}] = [{T + 1}, {v.size}], got {origins!r}")
    d = np.diff(v) / forecaster.scale
    x = np.stack([d[o - 1 - T:o - 1] for o in origins], axis=1)[..., None]    # (T, M, 1)
    with single_thread():
        out = [predict_last(m, x)[:, 0] for m in forecaster.models]           # each (M,)
    return v[origins - 1][None, :] + forecaster.scale * np.array(out)
