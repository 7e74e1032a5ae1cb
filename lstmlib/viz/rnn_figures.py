"""Plotly figures of Part II (recurrent networks): the unrolled RNN with a time slider,
curves over time on a log axis, and the char-RNN's loss.

Colours follow ``lstmlib.figures.PALETTE``: x grey, h teal, y brown.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from lstmlib.viz.figures import PALETTE
from lstmlib.core.validate import as_float_array, check_choice

__all__ = ["unrolled_figure", "curves_figure", "loss_figure"]

_ROWS = {"x": 0.0, "h": 1.0, "y": 2.0}
_DIM = "#e6e6e6"


def _labels(labels, T, name):
    if isinstance(labels, str) or len(labels) != T:
        raise ValueError(f"{name} must be a list of {T} labels (one per time step), got {labels!r:.80}")
    return [str(s) for s in labels]


def unrolled_figure(x_labels, h, y_labels, step: int, view: str = "unrolled") -> go.Figure:
    """The RNN unrolled over T steps, computed up to ``step``.

    x_labels, y_labels: T labels of inputs and outputs; h (T, H): hidden states written in
    the h nodes. Steps after ``step`` are greyed out. view "loop" draws the folded network:
    one copy of the cell with the recurrent loop, at step ``step``.
    """
    h = as_float_array(h, "h", 2, "(T, H)")
    T = h.shape[0]
    xl, yl = _labels(x_labels, T, "x_labels"), _labels(y_labels, T, "y_labels")
    check_choice(view, "view", ["unrolled", "loop"])
    if isinstance(step, bool) or not isinstance(step, (int, np.integer)) or not 0 <= step < T:
        raise ValueError(f"step must be an integer in [0, {T - 1}], got {step!r}")
    cols = list(range(T)) if view == "unrolled" else [step]
    pos = {t: (t if view == "unrolled" else 0) for t in cols}
    on = lambda t, colour: colour if t <= step else _DIM
    # A small state is written inside its square, one component a line (a phone has ~50 px per step);
    # a larger one below it, as a vector.
    inside = h.shape[1] <= 3
    h_text = [("<br>".join(f"{v:.2f}" for v in h[t]) if inside else "[" + ", ".join(f"{v:.2f}" for v in h[t]) + "]")
              if t <= step else "?" for t in cols]
    ex, ey = [], []
    for t in cols:
        for a, b in [("x", "h"), ("h", "y")]:
            ex += [pos[t], pos[t], None]
            ey += [_ROWS[a] + 0.15, _ROWS[b] - 0.15, None]
        if view == "unrolled" and t + 1 < T:
            ex += [pos[t] + 0.15, pos[t] + 0.85, None]
            ey += [1.0, 1.0, None]
    if view == "loop":                                       # the recurrent loop on the folded cell
        a = np.linspace(-0.8 * np.pi, 0.8 * np.pi, 30)
        ex += list(0.28 + 0.18 * np.cos(a)) + [None]
        ey += list(1.0 + 0.22 * np.sin(a)) + [None]
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=ex, y=ey, mode="lines", line=dict(color="#999999", width=2),
                             hoverinfo="skip", showlegend=False, name="weights"))
    for row, labels, colour, name in [("x", xl, PALETTE["x"], "input x_t"),
                                      ("y", yl, PALETTE["y"], "output y_t")]:
        fig.add_trace(go.Scatter(x=[pos[t] for t in cols], y=[_ROWS[row]] * len(cols), mode="markers+text",
                                 marker=dict(size=34, color=[on(t, colour) for t in cols]),
                                 text=[labels[t] if (row == "x" or t <= step) else "?" for t in cols],
                                 textposition="middle center", textfont=dict(color="#222222"), name=name))
    fig.add_trace(go.Scatter(x=[pos[t] for t in cols], y=[1.0] * len(cols), mode="markers+text",
                             marker=dict(size=46, symbol="square", color=[on(t, PALETTE["h"]) for t in cols]),
                             text=h_text, textposition="middle center" if inside else "bottom center",
                             textfont=dict(size=10, color="#222222") if inside else None, name="hidden h_t"))
    span = (-0.6, T - 0.4) if view == "unrolled" else (-0.9, 0.9)
    fig.update_xaxes(range=span, tickvals=[pos[t] for t in cols], ticktext=[f"t={t}" for t in cols],
                     showgrid=False, zeroline=False)
    fig.update_yaxes(range=[-0.5, 2.5], tickvals=[0, 1, 2], ticktext=["x", "h", "y"], showgrid=False,
                     zeroline=False)
    # The legend sits in the bottom margin, between the t= labels and anything a widget puts below
    # the figure (explorable's slider starts margin.b pixels under the plot).
    fig.update_layout(height=400, margin=dict(l=40, r=20, t=50, b=80),
                      title=f"{'Unrolled' if view == 'unrolled' else 'Folded'} RNN, step t = {step}",
                      legend=dict(orientation="h", x=0, y=-0.1, yanchor="top"))
    return fig


def curves_figure(curves: dict, *, title: str = "", xaxis: str = "t", yaxis: str = "", log: bool = True,
                  x=None) -> go.Figure:
    """Lines over time: {label: values (T,)}; log-scale y axis by default (zeros are skipped there)."""
    if not isinstance(curves, dict) or not curves:
        raise ValueError("curves must be a non-empty dict {label: values}")
    fig = go.Figure()
    for label, v in curves.items():
        v = as_float_array(v, f"curves[{label!r}]", 1, "(T,)")
        xs = np.arange(v.size) if x is None else as_float_array(x, "x", 1)
        if xs.size != v.size:
            raise ValueError(f"x must have {v.size} values to match curves[{label!r}], got {xs.size}")
        y = np.where(v > 0, v, np.nan) if log else v
        fig.add_trace(go.Scatter(x=xs, y=y, mode="lines+markers", name=str(label), marker=dict(size=4)))
    fig.update_layout(title=title, height=380, margin=dict(l=60, r=20, t=50, b=50),
                      xaxis_title=xaxis, yaxis_title=yaxis)
    if log:
        fig.update_yaxes(type="log", exponentformat="power")
    return fig


def loss_figure(runs: dict, *, every: int = 10) -> go.Figure:
    """Smoothed training loss of char-RNN runs, {label: CharRNNRun}, one point every ``every`` updates."""
    if not isinstance(runs, dict) or not runs:
        raise ValueError("runs must be a non-empty dict {label: CharRNNRun}")
    fig = go.Figure()
    for label, run in runs.items():
        s = np.asarray(run.smooth_losses)
        it = np.arange(1, s.size + 1)[::every]
        fig.add_trace(go.Scatter(x=it, y=s[::every], mode="lines", name=str(label)))
    fig.update_layout(title="Smoothed loss (nats per chunk)", height=360, xaxis_title="iteration",
                      yaxis_title="smoothed loss", margin=dict(l=60, r=20, t=50, b=50))
    return fig
