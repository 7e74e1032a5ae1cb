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
forget-gate bias b_f, GRU), several overlaid at once. Live: sliders for rho and T, any b_f,
check boxes for the models to compare. Static book: 6 values of rho x 2 of T = 12 precomputed
states, all five models overlaid (click a legend entry to hide or show a curve).

The y axis is shared over rho by default: for a given T it spans every curve at every rho of
``STATIC_RHOS``, so moving rho tilts the curves on a fixed scale instead of rescaling the axis
(and the static book's slider redraws only the curves). ``y_axis="fitted"`` fits it to the curves
drawn.
"""
from __future__ import annotations

import functools

import ipywidgets as W
import numpy as np
import plotly.graph_objects as go
import traitlets

from lstmlib.viz.figures import PALETTE
from lstmlib.widgets.explorable import Control, Explorable, explorable
from lstmlib.lectures.vanishing import MODELS, _check_T, _check_rho, gradient_norm_curve
from lstmlib.lectures.vanishing import parse_setup
from lstmlib.lectures.vanishing import STATIC_SETUPS

__all__ = ["STATIC_RHOS", "STATIC_TS", "Y_AXES", "render_gradients", "SetupPicker", "ComparePicker", "gradient_explorer"]

STATIC_RHOS = [0.5, 0.8, 0.9, 1.0, 1.1, 1.25]
STATIC_TS = [20, 50]
Y_AXES = {"shared over rho": "shared", "fitted to the curves": "fitted"}


def _decades(curves) -> tuple[float, float]:
    """log10 of the smallest and the largest finite positive value in the arrays ``curves``."""
    vals = np.concatenate([c[np.isfinite(c) & (c > 0)] for c in curves])
    return float(np.log10(vals.min())), float(np.log10(vals.max()))


def _prediction(rho: float, T: int) -> np.ndarray:
    with np.errstate(over="ignore", under="ignore"):
        return rho ** (T - 1.0 - np.arange(T))


@functools.lru_cache(maxsize=64)
def _shared_decades(T: int, setups: tuple) -> tuple[float, float]:
    """The decades every curve of ``setups`` and the prediction cover at T steps, over all of STATIC_RHOS."""
    return _decades([gradient_norm_curve(m, rho, T, a, bf) for rho in STATIC_RHOS for (m, a, bf) in setups]
                    + [_prediction(rho, T) for rho in STATIC_RHOS])


def _positive_or_none(v):
    return [float(a) if np.isfinite(a) and a > 0 else None for a in v]


def _setup_name(model, activation, bf) -> str:
    return {"RNN": f"RNN ({activation})", "LSTM": f"LSTM (b_f = {bf:g})", "GRU": "GRU"}[model]


def _first_txt(first) -> str:
    return f"{first:.2e}" if np.isfinite(first) and first > 0 else ("0 (underflow)" if first == 0 else "overflow")


_COLOURS = {"RNN": (PALETTE["h"], "#e377c2"), "LSTM": (PALETTE["c"], PALETTE["f"]), "GRU": (PALETTE["g"],)}


def render_gradients(rho: float = 0.9, T: int = 50, setup=("RNN", "tanh", 0.0), compare=(),
                     y_axis: str = "shared") -> go.Figure:
    """||dL/dh_k|| against k (log axis) beside rho^(T-1-k), for ``setup`` and every setup in ``compare``.

    setup: (model, activation, forget_bias) or a label of ``STATIC_SETUPS``; compare: more of them,
    drawn on the same axes (traces: setup, the prediction, then compare in order). The legend sits
    under the plot, off the curves; clicking an entry hides or shows that curve.
    y_axis: "shared" (the range covers these curves at every rho of ``STATIC_RHOS`` and at this rho)
    or "fitted" (the range covers the curves drawn).
    """
    rho, T = _check_rho(rho), _check_T(T)
    if y_axis not in Y_AXES.values():
        raise ValueError(f"y_axis must be one of {sorted(Y_AXES.values())}, got {y_axis!r}")
    if isinstance(compare, (str, bytes)) or not isinstance(compare, (tuple, list)):
        raise ValueError(f"compare must be a list of setups (labels or (model, activation, forget_bias)), "
                         f"got {compare!r}")
    setups = [parse_setup(setup)] + [parse_setup(c) for c in compare]
    k = np.arange(T)
    pred = _prediction(rho, T)
    traces, curves, used = [], [], {}
    for n, (model, activation, bf) in enumerate(setups):
        norms = gradient_norm_curve(model, rho, T, activation, bf)
        curves.append(norms)
        shade = _COLOURS[model][used.get(model, 0) % len(_COLOURS[model])]
        used[model] = used.get(model, 0) + 1
        # markers on the first curve only: the overlaid ones are lines (a redraw of five curves with
        # markers took twice as long in the static book, benchmarks/bench_redraw.py)
        traces.append(go.Scatter(x=k, y=_positive_or_none(norms), mode="lines+markers" if n == 0 else "lines",
                                 name=f"{_setup_name(model, activation, bf)}: ||dL/dh_0|| = {_first_txt(norms[0])}",
                                 line=dict(color=shade, width=3 if n == 0 else 2,
                                           dash=None if activation == "tanh" else "dot"),
                                 marker=dict(size=5)))
        if n == 0:
            traces.append(go.Scatter(x=k, y=_positive_or_none(pred), mode="lines", name="prediction rho^(T-1-k)",
                                     line=dict(color=PALETTE["x"], dash="dash")))
    lo, hi = _decades(curves + [pred])
    if y_axis == "shared":
        s_lo, s_hi = _shared_decades(T, tuple(setups))
        lo, hi = min(lo, s_lo), max(hi, s_hi)
    name = _setup_name(*setups[0])
    if compare:                     # the legend gives each network's ||dL/dh_0||
        text = f"{len(setups)} networks, rho = {rho:g}, T = {T}<br>prediction rho^(T-1) = {pred[0]:.2e}"
    else:
        text = (f"{name}, rho = {rho:g}, T = {T}<br>||dL/dh_0|| = {_first_txt(curves[0][0])}, "
                f"rho^(T-1) = {pred[0]:.2e}")
    fig = go.Figure(traces)
    fig.update_layout(
        title=dict(text=text, font=dict(size=14), pad=dict(t=14)),
        xaxis=dict(title="k (time step)", range=[-0.5, T - 0.5]),
        yaxis=dict(title="||dL/dh_k||  (log scale)", type="log", range=[lo - 0.5, hi + 0.5], exponentformat="e"),
        height=420 + 22 * len(traces), margin=dict(l=70, r=20, t=70, b=70 + 22 * len(traces)),
        legend=dict(orientation="v", x=0, xanchor="left", y=-0.18, yanchor="top", bgcolor="rgba(0,0,0,0)"))
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


class ComparePicker(W.VBox):
    """Live control: which of the ``STATIC_SETUPS`` to overlay (check boxes). Its ``value`` trait is
    the tuple of the checked labels."""
    value = traitlets.Any()

    def __init__(self, checked=None):
        checked = list(STATIC_SETUPS)[1:] if checked is None else list(checked)
        self.boxes = {lab: W.Checkbox(value=lab in checked, description=lab, indent=False,
                                      layout=W.Layout(width="auto"))
                      for lab in STATIC_SETUPS}
        for b in self.boxes.values():
            b.observe(self._changed, names="value")
        super().__init__([W.HTML("compare with:"), W.HBox(list(self.boxes.values()),
                                                          layout=W.Layout(flex_flow="row wrap"))])
        self._changed(None)

    def _changed(self, change):
        self.value = tuple(lab for lab, b in self.boxes.items() if b.value)


def gradient_explorer() -> Explorable:
    """The explorable 'watch gradient norms vanish' (see the module docstring).

    Static book: rho x T sliders/buttons over 12 precomputed states, the five ``STATIC_SETUPS``
    overlaid (legend entries toggle curves). Live: any rho, T, your own model (``SetupPicker``)
    and check boxes for the others (``ComparePicker``).
    """
    labels = list(STATIC_SETUPS)
    return explorable(render_gradients, [
        Control("rho", STATIC_RHOS, default=0.9, label="spectral radius rho",
                live=lambda: W.FloatSlider(value=0.9, min=0.1, max=2.0, step=0.05, description="rho",
                                           continuous_update=True)),
        Control("T", STATIC_TS, default=50, label="T", kind="buttons",
                live=lambda: W.IntSlider(value=50, min=2, max=200, description="T", continuous_update=True)),
        Control("setup", STATIC_SETUPS, label="model", kind="buttons", live=SetupPicker, static=False),
        Control("compare", {"the other four": tuple(labels[1:])}, label="compare", static=False,
                live=ComparePicker),
        Control("y_axis", Y_AXES, label="y axis", kind="buttons", static=False),
    ], title="Watch gradient norms vanish: ||dL/dh_k|| for a loss at the last step")
