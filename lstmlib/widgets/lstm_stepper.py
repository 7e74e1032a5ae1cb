"""Flagship widget of Part III: step through an unrolled LSTM's gates.

A scalar LSTM (D = H = 1, Singh's cell with weights W_x*, W_h* and biases b_*, his beta_*)
reads a short sequence x_0, ..., x_{T-1}. The figure draws the unrolled cells in a row with
the cell-state pipe c above and the hidden state h below; inside every cell the values of
f, i, g (the lectures' C~), o, and under the diagram the six equations of step t with the
numbers substituted:

    f_t = sigma(x_t W_xf + h_{t-1} W_hf + b_f)      i_t, o_t alike
    g_t = tanh (x_t W_xg + h_{t-1} W_hg + b_g)
    c_t = f_t c_{t-1} + i_t g_t,   h_t = o_t tanh(c_t)

Live: type any sequence of 1 to 12 numbers separated by commas (bad input -> a message),
pick the cell (hand-set or trained), move t. Static book: the same in the reader's browser
(``book/_static/lstmlib-live.js``, widget "lstm_stepper"): type the sequence, edit the cell's
twelve weights, move t; tests/test_live_js.py checks its numbers against ``unrolled`` to 1e-12.

Also here: the hand-set cell, the CS 615 form [x, h] W (weights stacked by rows), and a
scalar LSTM trained on "remember the first element" with ``torch_bridge``.
"""
from __future__ import annotations

import re

import ipywidgets as W
import numpy as np
import plotly.graph_objects as go
import traitlets

from lstmlib.viz.figures import PALETTE, SIGNIFICANT
from lstmlib.core.lstm import GATES, LSTMParams
from lstmlib.widgets.explorable import Control, Explorable, explorable, live_widget_html
from lstmlib.lectures.scalar_lstm import scalar_lstm, unrolled
from lstmlib.viz.lstm_figures import step_equations
from lstmlib.lectures.scalar_lstm import MAX_STEPS, parse_sequence

__all__ = ["render_lstm_steps", "PRESET_SEQUENCES", "lstm_stepper", "stepper_live_config"]


PRESET_SEQUENCES = {"1, 0, 0, 0": [1.0, 0.0, 0.0, 0.0], "1, -1, 0.5, 2": [1.0, -1.0, 0.5, 2.0],
                    "-1, 0.2, -0.3, 0.1": [-1.0, 0.2, -0.3, 0.1]}


def _html(line: str) -> str:
    """Subscripts for plotly: f_1 -> f<sub>1</sub>, W_xf -> W<sub>xf</sub>."""
    return re.sub(r"\b([A-Za-z])_(-?\w+)", r"\1<sub>\2</sub>", line)


def render_lstm_steps(params: LSTMParams, sequence=(1.0, 0.0, 0.0, 0.0), t: int = 0, name: str = "") -> go.Figure:
    """The unrolled cells with every value up to step t, and step t's equations."""
    trace = unrolled(params, sequence)
    T = trace.h.shape[0]
    if isinstance(t, bool) or not isinstance(t, (int, np.integer)) or t < 0:
        raise ValueError(f"t must be an integer >= 0, got {t!r}")
    note = f" (t = {t} is past the end; showing t = {T - 1})" if t >= T else ""
    t = min(int(t), T - 1)
    val = lambda a, k: float(a[k].ravel()[0])
    shapes, ann = [], []
    grey = "#bbbbbb"
    # the two pipes: c above the cells, h below
    for y0, q in ((1.25, "c"), (-0.25, "h")):
        shapes.append(dict(type="line", x0=-0.9, x1=t + 0.5, y0=y0, y1=y0, line=dict(color=PALETTE[q], width=4)))
        if t < T - 1:
            shapes.append(dict(type="line", x0=t + 0.5, x1=T - 0.5, y0=y0, y1=y0,
                               line=dict(color=grey, width=2, dash="dot")))
        ann.append(dict(x=-0.75, y=y0 + 0.1, text=f"{q}<sub>-1</sub> = 0", showarrow=False,
                        font=dict(color=PALETTE[q])))
    for k in range(T):
        done, now = k <= t, k == t
        shapes.append(dict(type="rect", x0=k - 0.4, x1=k + 0.4, y0=0.0, y1=1.0,
                           line=dict(color="#222222" if now else (grey if not done else "#666666"),
                                     width=4 if now else 1.5),
                           fillcolor="rgba(255, 235, 200, 0.6)" if now else "rgba(240, 240, 240, 0.5)"))
        ann.append(dict(x=k, y=-0.55, text=f"x<sub>{k}</sub> = {val(trace.x, k):.2f}", showarrow=False,
                        font=dict(color=PALETTE["x"])))
        for row, q in enumerate(GATES):
            text = f"{q}<sub>{k}</sub> = {val(getattr(trace, q), k):.3f}" if done else f"{q}<sub>{k}</sub> = ?"
            ann.append(dict(x=k, y=0.85 - 0.2 * row, text=text, showarrow=False,
                            font=dict(color=PALETTE[q] if done else grey)))
        for y0, q in ((1.25, "c"), (-0.25, "h")):
            text = f"{q}<sub>{k}</sub> = {val(getattr(trace, q), k):.3f}" if done else f"{q}<sub>{k}</sub> = ?"
            ann.append(dict(x=k + 0.5, y=y0 + 0.1, text=text, showarrow=False,
                            font=dict(color=PALETTE[q] if done else grey)))
    eqs = "<br>".join(_html(s) for s in step_equations(params, trace, t))
    ann.append(dict(x=-0.9, y=-0.78, xanchor="left", yanchor="top", align="left", text=eqs, showarrow=False,
                    font=dict(family="monospace", size=11), bgcolor="rgba(255, 235, 200, 0.35)"))
    hover = [f"step {k}: " + ", ".join(f"{q} = {val(getattr(trace, q), k):.4f}" for q in (*GATES, "c", "h"))
             for k in range(T)]
    fig = go.Figure(go.Scatter(x=list(range(T)), y=[0.5] * T, mode="markers", hovertext=hover, hoverinfo="text",
                               marker=dict(size=30, opacity=0), showlegend=False))
    width = max(T, 4)
    fig.update_layout(
        title=dict(text=f"{name + ': ' if name else ''}step t = {t}{note}", font=dict(size=14)),
        shapes=shapes, annotations=ann, height=560, plot_bgcolor="white", font=dict(size=12),
        margin=dict(l=10, r=10, t=40, b=10),
        xaxis=dict(visible=False, range=[-1.0, width + 0.25]),        # room for the last c_k, h_k labels
        yaxis=dict(visible=False, range=[-2.45, 1.5]))
    return fig


class _SequenceBox(W.VBox):
    """Live control: a menu of preset sequences and a text box of comma-separated numbers.
    Its ``value`` trait is the text."""
    value = traitlets.Unicode()

    def __init__(self, default: str):
        self.preset = W.Dropdown(options=list(PRESET_SEQUENCES), value=default, description="preset")
        self.text = W.Text(value=default, description="x =", continuous_update=False,
                           layout=W.Layout(width="360px"))
        self.preset.observe(lambda ch: setattr(self.text, "value", ch["new"]), names="value")
        self.text.observe(lambda ch: setattr(self, "value", ch["new"]), names="value")
        super().__init__([self.preset, self.text])
        self.value = self.text.value


def lstm_stepper(models: dict | None = None, sequences: dict | None = None) -> Explorable:
    """The explorable 'step through an unrolled LSTM's gates'.

    models: {label: scalar LSTMParams} (default: the hand-set cell); sequences: {label: list}
    preset inputs for the static book (default ``PRESET_SEQUENCES``; all must have the same length).
    """
    models = {"hand-set cell": scalar_lstm()} if models is None else dict(models)
    sequences = PRESET_SEQUENCES if sequences is None else dict(sequences)
    if not models or not all(isinstance(p, LSTMParams) for p in models.values()):
        raise ValueError("models must be a non-empty dict of label -> LSTMParams")
    lengths = {len(parse_sequence(s)) for s in sequences.values()}
    if len(lengths) != 1:
        raise ValueError(f"preset sequences must all have the same length, got lengths {sorted(lengths)}")
    T = lengths.pop()
    names = {id(p): label for label, p in models.items()}

    def render(sequence, model, t):
        return render_lstm_steps(model, sequence, t, name=names.get(id(model), ""))

    first = next(iter(sequences))
    ex = explorable(render, [
        Control("sequence", sequences, kind="buttons", label="input",
                live=lambda: _SequenceBox(first if first in PRESET_SEQUENCES else next(iter(PRESET_SEQUENCES)))),
        Control("model", models, kind="buttons", label="cell"),
        Control("t", list(range(T)), label="t",
                live=lambda: W.IntSlider(value=0, min=0, max=MAX_STEPS - 1, description="t", continuous_update=True)),
    ], title="Step through an unrolled LSTM: f, i, g, o, c, h at every step")
    ex.live_html = lambda: live_widget_html(
        "lstm_stepper", stepper_live_config(models, sequences), title=ex.title,
        description="A scalar LSTM reading a short sequence: the gates, the cell state and the hidden state at "
                    "every step, and the equations of one step with the numbers in. This widget needs JavaScript.")
    return ex


def _weights(params: LSTMParams) -> dict:
    """The scalar weights by name, rounded to the book's 4 significant digits (``lstmlib.viz.figures``):
    the browser widget computes with these, so its stored page is the same on every CPU."""
    names = [f"{w}{q}" for q in GATES for w in ("W_x", "W_h", "b_")]
    if params.W_hy is not None:
        names += ["W_hy", "b_y"]
    return {n: float(f"{float(getattr(params, n).ravel()[0]):.{SIGNIFICANT}g}") for n in names}


def stepper_live_config(models: dict, sequences: dict) -> dict:
    """The settings of the browser version of the stepper (``lstmlib-live.js``, widget "lstm_stepper"):
    each cell's weights (``_weights``), the preset sequences as text, the palette."""
    texts = {label: ", ".join(f"{v:g}" for v in parse_sequence(seq)) for label, seq in sequences.items()}
    return dict(models={label: _weights(p) for label, p in models.items()}, sequences=texts,
                sequence=next(iter(texts.values())), max_steps=MAX_STEPS,
                colours={q: PALETTE[q] for q in ("f", "i", "g", "o", "c", "h", "x", "y")})


# ---------------------------------------------------------------- the CS 615 form


# ---------------------------------------------------------------- a trained scalar cell


# ---------------------------------------------------------------- the pipes-and-valves picture
