"""Flagship widget of Part III: watch gradient norms vanish (or explode).

A network (RNN, LSTM or GRU, H = 16 units, one input) reads T random inputs; the loss sits
at the last step only, with dL/dh_{T-1} a unit vector. lstmlib's BPTT gives the norms
||dL/dh_k|| for k = 0..T-1, plotted on a log axis beside the prediction rho^(T-1-k).

The recurrent matrices are rho * Q with Q orthogonal (``remedies.rnn_params``), so for the
*linear* RNN the prediction is exact: delta h_k = delta h_{T-1} (W_hh^T)^(T-1-k) and every
singular value of W_hh is rho. For the tanh RNN each step also multiplies by
diag(1 - h_t^2) <= 1, so the norm can only fall faster; the LSTM adds the path through the
cell state, whose factor is the forget gate f_t (about sigma(b_f)), not rho.

Controls: rho (spectral radius), T, and the model (RNN tanh / linear, LSTM with a chosen
forget-gate bias b_f, GRU). Live: sliders for rho and T, any b_f. Static book: 6 values of
rho x 2 of T x 5 models = 60 precomputed states.
"""
from __future__ import annotations

from functools import lru_cache

import ipywidgets as W
import numpy as np
import plotly.graph_objects as go
import traitlets

from .bptt import last_step_gradient_norms
from .figures import PALETTE
from .remedies import gru_params, lstm_params, rnn_params
from .validate import check_choice, check_positive_int
from .widgets import Control, Explorable, explorable

__all__ = ["MODELS", "STATIC_RHOS", "STATIC_TS", "STATIC_SETUPS", "network", "gradient_norm_curve",
           "parse_setup", "render_gradients", "SetupPicker", "gradient_explorer"]

MODELS = ("RNN", "LSTM", "GRU")
H_UNITS = 16
MAX_T = 400
STATIC_RHOS = [0.5, 0.8, 0.9, 1.0, 1.1, 1.25]
STATIC_TS = [20, 50]
STATIC_SETUPS = {"RNN, tanh": ("RNN", "tanh", 0.0), "RNN, linear": ("RNN", "linear", 0.0),
                 "LSTM, b_f = 0": ("LSTM", "tanh", 0.0), "LSTM, b_f = 3": ("LSTM", "tanh", 3.0),
                 "GRU": ("GRU", "tanh", 0.0)}


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


def _positive_or_none(v):
    return [float(a) if np.isfinite(a) and a > 0 else None for a in v]


def render_gradients(rho: float = 0.9, T: int = 50, setup=("RNN", "tanh", 0.0)) -> go.Figure:
    """||dL/dh_k|| against k (log axis) beside rho^(T-1-k)."""
    model, activation, bf = parse_setup(setup)
    rho, T = _check_rho(rho), _check_T(T)
    norms = gradient_norm_curve(model, rho, T, activation, bf)
    k = np.arange(T)
    with np.errstate(over="ignore", under="ignore"):
        pred = rho ** (T - 1.0 - k)
    name = {"RNN": f"RNN ({activation})", "LSTM": f"LSTM (b_f = {bf:g})", "GRU": "GRU"}[model]
    colour = {"RNN": PALETTE["h"], "LSTM": PALETTE["c"], "GRU": PALETTE["g"]}[model]
    fig = go.Figure([
        go.Scatter(x=k, y=_positive_or_none(norms), mode="lines+markers", name=f"{name}: ||dL/dh_k||",
                   line=dict(color=colour, width=3), marker=dict(size=5)),
        go.Scatter(x=k, y=_positive_or_none(pred), mode="lines", name="prediction rho^(T-1-k)",
                   line=dict(color=PALETTE["x"], dash="dash")),
    ])
    vals = np.concatenate([norms[np.isfinite(norms) & (norms > 0)], pred[np.isfinite(pred) & (pred > 0)]])
    lo, hi = np.log10(vals.min()), np.log10(vals.max())
    first = norms[0]
    first_txt = f"{first:.2e}" if np.isfinite(first) and first > 0 else ("0 (underflow)" if first == 0 else "overflow")
    fig.update_layout(
        title=dict(text=f"{name}, rho = {rho:g}, T = {T}: ||dL/dh_0|| = {first_txt}, "
                        f"rho^(T-1) = {pred[0]:.2e}", font=dict(size=14)),
        xaxis=dict(title="k (time step)", range=[-0.5, T - 0.5]),
        yaxis=dict(title="||dL/dh_k||  (log scale)", type="log", range=[lo - 0.5, hi + 0.5], exponentformat="e"),
        height=420, margin=dict(l=70, r=20, t=60, b=50), legend=dict(x=0.01, y=0.01, bgcolor="rgba(255,255,255,0.7)"))
    return fig


class SetupPicker(W.HBox):
    """Live control: model, activation (RNN only) and forget-gate bias (LSTM only).
    Its ``value`` trait is the triple (model, activation, forget_bias)."""
    value = traitlets.Any()

    def __init__(self):
        self.model = W.ToggleButtons(options=list(MODELS), value="RNN", description="model")
        self.activation = W.ToggleButtons(options=["tanh", "linear"], value="tanh", description="activation")
        self.forget_bias = W.FloatSlider(value=0.0, min=-3.0, max=6.0, step=0.5, description="b_f (LSTM)",
                                         continuous_update=True)
        for w in (self.model, self.activation, self.forget_bias):
            w.observe(self._changed, names="value")
        super().__init__([W.VBox([self.model, self.activation]), self.forget_bias])
        self._changed(None)

    def _changed(self, change):
        self.value = (self.model.value, self.activation.value, float(self.forget_bias.value))


def gradient_explorer() -> Explorable:
    """The explorable 'watch gradient norms vanish' (see the module docstring)."""
    return explorable(render_gradients, [
        Control("rho", STATIC_RHOS, default=0.9, label="spectral radius rho",
                live=lambda: W.FloatSlider(value=0.9, min=0.1, max=2.0, step=0.05, description="rho",
                                           continuous_update=True)),
        Control("T", STATIC_TS, default=50, label="T", kind="buttons",
                live=lambda: W.IntSlider(value=50, min=2, max=200, description="T", continuous_update=True)),
        Control("setup", STATIC_SETUPS, label="model", kind="buttons", live=SetupPicker),
    ], title="Watch gradient norms vanish: ||dL/dh_k|| for a loss at the last step")
