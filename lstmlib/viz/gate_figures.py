"""One unit of a gated cell over time: an LSTM unit's cell along a sentence with its gates at one
step, and a GRU unit's gates and state along a sequence. Colours follow ``PALETTE``.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lstmlib.core.gru import GRUTrace
from lstmlib.core.lstm import LSTMTrace
from lstmlib.core.validate import check_instance
from lstmlib.viz.figures import PALETTE

__all__ = ["cell_walk_figure", "gru_unit_figure", "LECTURE_GATES", "gate_walk_figure"]

_QUANTITIES = ("f", "i", "g", "o", "c", "h")     # what the LSTM walk shows at one step, in this order


def _index(value, name: str, size: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not 0 <= value < size:
        raise ValueError(f"{name} must be an integer in [0, {size - 1}], got {value!r}")
    return int(value)


def cell_walk_figure(words, trace: LSTMTrace, unit: int, t: int, *, sample: int = 0,
                     value_range: float = 3) -> go.Figure:
    """One LSTM unit through a sentence: its cell c along the words (step t marked), and below
    the six quantities f, i, g, o, c, h of that unit at step t, as bars.

    words: the T words; trace: ``lstm_forward``'s trace with arrays (T, N, H); unit: which of
    the H units; sample: which of the N sequences. Both panels span [-value_range, value_range].
    """
    check_instance(trace, "trace", LSTMTrace)
    T, N, H = trace.c.shape
    if isinstance(words, str) or len(words) != T:
        raise ValueError(f"words must be a list of {T} words, one per step of the trace, got {words!r:.80}")
    unit, t, sample = _index(unit, "unit", H), _index(t, "t", T), _index(sample, "sample", N)
    fig = make_subplots(rows=2, cols=1, row_heights=[0.5, 0.5], vertical_spacing=0.18,
                        subplot_titles=[f"cell c of unit {unit} along the sentence",
                                        f"unit {unit} at step t = {t}: '{words[t]}'"])
    steps = np.arange(T)
    c = trace.c[:, sample, unit]
    fig.add_trace(go.Scatter(x=steps, y=c, mode="lines+markers", name="c_t", line=dict(color=PALETTE["c"])),
                  row=1, col=1)
    fig.add_trace(go.Scatter(x=[t], y=[c[t]], mode="markers", name="now",
                             marker=dict(color="black", size=14, symbol="circle-open")), row=1, col=1)
    values = [getattr(trace, q)[t, sample, unit] for q in _QUANTITIES]
    fig.add_trace(go.Bar(x=list(_QUANTITIES), y=values, marker_color=[PALETTE[q] for q in _QUANTITIES],
                         text=[f"{v:+.2f}" for v in values], textposition="outside", showlegend=False),
                  row=2, col=1)
    fig.update_xaxes(tickvals=list(steps), ticktext=[str(w) for w in words], row=1, col=1)
    fig.update_yaxes(range=[-value_range, value_range], row=1, col=1)
    fig.update_yaxes(range=[-value_range, value_range], row=2, col=1)
    fig.update_layout(height=560, showlegend=False, margin=dict(t=60))
    return fig


def gru_unit_figure(trace: GRUTrace, *, unit: int = 0, sample: int = 0, title: str = "") -> go.Figure:
    """One GRU unit along a sequence: its input x_t (the first input feature), update gate z_t,
    reset gate r_t, candidate h~_t and state h_t, from ``gru_forward``'s trace (arrays (T, N, H))."""
    check_instance(trace, "trace", GRUTrace)
    T, N, H = trace.h.shape
    unit, sample = _index(unit, "unit", H), _index(sample, "sample", N)
    t = list(range(T))
    fig = go.Figure()
    fig.add_scatter(x=t, y=trace.x[:, sample, 0], name="input x_t", line=dict(color=PALETTE["x"], dash="dot"))
    for q, name, colour in (("z", "update gate z_t", "f"), ("r", "reset gate r_t", "i"),
                            ("n", "candidate h~_t", "g")):
        fig.add_scatter(x=t, y=getattr(trace, q)[:, sample, unit], name=name, line=dict(color=PALETTE[colour]))
    fig.add_scatter(x=t, y=trace.h[:, sample, unit], name="state h_t", line=dict(color=PALETTE["h"], width=4))
    fig.update_layout(xaxis_title="t", yaxis=dict(range=[-0.1, 1.1]), height=360, title=title)
    return fig


# The lecture's names for the LSTM's three gates (Bhandare, after Rohrer): the forget gate decides what the
# memory keeps, the input gate what is ignored of the new candidates, the output gate what is selected.
LECTURE_GATES = (("f", "memory (f)"), ("i", "ignoring (i)"), ("o", "selection (o)"))


def gate_walk_figure(words, trace: LSTMTrace, tokens, t: int) -> go.Figure:
    """Step t of an LSTM reading ``words``, in the lecture's terms: the sentence so far, the three
    gates memory f_t, ignoring i_t and selection o_t with the candidate g_t, the cell c_t and h_t
    (one column per unit, values printed), and the next-word probabilities softmax(y_t) over ``tokens``.

    trace: ``lstm_forward``'s trace of one sequence (N = 1) with outputs y (T, 1, K).
    """
    check_instance(trace, "trace", LSTMTrace)
    T, N, H = trace.c.shape
    if N != 1 or trace.y is None:
        raise ValueError(f"trace must hold one sequence (N = 1) with outputs y, got N = {N}, "
                         f"y {'missing' if trace.y is None else 'present'}")
    if isinstance(words, str) or len(words) != T:
        raise ValueError(f"words must be a list of {T} words, one per step of the trace, got {words!r:.80}")
    tokens = list(tokens)
    if len(tokens) != trace.y.shape[2]:
        raise ValueError(f"tokens must name the {trace.y.shape[2]} outputs, got {len(tokens)}")
    t = _index(t, "t", T)
    rows = [(name, getattr(trace, q)[t, 0]) for q, name in LECTURE_GATES] + \
        [("candidate (g)", trace.g[t, 0]), ("cell (c)", trace.c[t, 0]), ("output (h)", trace.h[t, 0])]
    z = np.array([v for _, v in rows])                                    # (6, H)
    y = trace.y[t, 0]
    p = np.exp(y - y.max())
    p /= p.sum()
    read = " ".join(f"<b>[{w}]</b>" if k == t else w for k, w in enumerate(words[:t + 1]))
    fig = make_subplots(rows=2, cols=1, row_heights=[0.62, 0.38], vertical_spacing=0.16,
                        subplot_titles=[f"step {t}: read \u201c{words[t]}\u201d", "next word: softmax(y_t)"])
    fig.add_trace(go.Heatmap(z=z, x=[f"unit {k}" for k in range(H)], y=[name for name, _ in rows],
                             zmin=-1, zmax=1, colorscale="RdBu", showscale=False,
                             text=np.round(z, 2), texttemplate="%{text:.2f}", hoverinfo="skip"), row=1, col=1)
    fig.add_trace(go.Bar(x=tokens, y=p, marker_color=PALETTE["y"], text=[f"{v:.2f}" for v in p],
                         textposition="outside", cliponaxis=False, showlegend=False), row=2, col=1)
    fig.update_yaxes(autorange="reversed", row=1, col=1)
    fig.update_yaxes(range=[0, 1.2], showticklabels=False, row=2, col=1)
    fig.update_layout(height=520, margin=dict(l=10, r=10, t=90, b=20), title=dict(text=read, font=dict(size=13)))
    return fig
