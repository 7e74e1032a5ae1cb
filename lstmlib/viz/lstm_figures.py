"""Figures of the LSTM: the step equations with numbers, the pipes-and-valves picture.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from lstmlib.core.lstm import GATES, LSTMParams, LSTMTrace
from lstmlib.viz.figures import PALETTE

__all__ = ["step_equations", "pipes_and_valves"]


def _w(params, name) -> float:
    return float(getattr(params, name).ravel()[0])


def _n(v: float, d: int = 3) -> str:
    """A number for an equation: negative ones in parentheses."""
    s = f"{v:.{d}f}"
    return f"({s})" if v < 0 or s.startswith("-") else s


def step_equations(params: LSTMParams, trace: LSTMTrace, t: int) -> list[str]:
    """The equations of step t with numbers substituted, one string per line (plain text)."""
    T = trace.h.shape[0]
    if isinstance(t, bool) or not isinstance(t, (int, np.integer)) or not 0 <= t < T:
        raise ValueError(f"t must be an integer from 0 to {T - 1}, got {t!r}")
    v = lambda a: float(a[t].ravel()[0])
    x = float(trace.x[t].ravel()[0])
    h_prev = float(trace.h_prev[t].ravel()[0])
    c_prev = float(trace.c_prev[t].ravel()[0])
    act = {"f": "σ", "i": "σ", "g": "tanh", "o": "σ"}
    lines = []
    for q in GATES:
        a = v(getattr(trace, f"a_{q}"))
        lines.append(f"{q}_{t} = {act[q]}(x_{t} W_x{q} + h_{t - 1} W_h{q} + b_{q}) = "
                     f"{act[q]}({_n(x)}·{_n(_w(params, f'W_x{q}'), 2)} + {_n(h_prev)}·{_n(_w(params, f'W_h{q}'), 2)}"
                     f" + {_n(_w(params, f'b_{q}'), 2)}) = {act[q]}({a:.3f}) = {v(getattr(trace, q)):.3f}")
    lines.append(f"c_{t} = f_{t} c_{t - 1} + i_{t} g_{t} = {_n(v(trace.f))}·{_n(c_prev)} + "
                 f"{_n(v(trace.i))}·{_n(v(trace.g))} = {v(trace.c):.3f}")
    lines.append(f"h_{t} = o_{t} tanh(c_{t}) = {_n(v(trace.o))}·tanh({_n(v(trace.c))}) = "
                 f"{_n(v(trace.o))}·{_n(v(trace.tanh_c))} = {v(trace.h):.3f}")
    if trace.y is not None:
        lines.append(f"y_{t} = h_{t} W_hy + b_y = {_n(v(trace.h))}·{_n(_w(params, 'W_hy'), 2)} + "
                     f"{_n(_w(params, 'b_y'), 2)} = {v(trace.y):.3f}")
    return lines


def pipes_and_valves(f: float | None = None, i: float | None = None, o: float | None = None) -> go.Figure:
    """The LSTM cell drawn as the SuperDataScience guide describes it: a memory pipe (c) along
    the top with a forget valve (x) and a T-joint (+), a memory valve feeding the joint, and an
    output valve; [h_{t-1}, x_t] concatenated on a bus along the bottom. Optional gate values
    f, i, o (in [0, 1]) are written on the valves, and each valve's pipe gets thicker with them."""
    for name, v in (("f", f), ("i", i), ("o", o)):
        if v is not None and not 0 <= v <= 1:
            raise ValueError(f"{name} must be in [0, 1] (a sigmoid output), got {v!r}")
    width = lambda v: 2 + 6 * (1.0 if v is None else v)
    shapes, ann = [], []

    def line(x0, y0, x1, y1, colour, w=3, dash=None):
        shapes.append(dict(type="line", x0=x0, y0=y0, x1=x1, y1=y1, line=dict(color=colour, width=w, dash=dash)))

    def node(x, y, text, colour, kind="circle", r=0.28, label=None, label_dy=0.0):
        rx = r * (1.6 if kind == "rect" else 1)              # boxes are wider than valves
        shapes.append(dict(type=kind, x0=x - rx, x1=x + rx,
                           y0=y - r, y1=y + r, line=dict(color=colour, width=2), fillcolor="white"))
        ann.append(dict(x=x, y=y, text=text, showarrow=False, font=dict(size=14, color=colour)))
        if label:
            ann.append(dict(x=x, y=y + label_dy, text=label, showarrow=False, font=dict(size=11, color="#444444")))

    c, h, x = PALETTE["c"], PALETTE["h"], PALETTE["x"]
    line(0.3, 5, 3, 5, c, width(None))                       # memory pipe in
    line(3, 5, 5.6, 5, c, width(f))                          # after the forget valve
    line(5.6, 5, 10, 5, c, 8)                                # out
    line(0.3, 1, 9.2, 1, "#555555", 4)                       # the bus [h_{t-1}, x_t]
    line(1.2, 0.1, 1.2, 1, x, 3)                             # x_t joins the bus (concatenate)
    for gx, q in ((3, "f"), (4.9, "i"), (6.3, "g"), (8.1, "o")):
        line(gx, 1, gx, 2.2, PALETTE[q], 2)                  # copies of the bus into each layer
    line(3, 2.2, 3, 5, PALETTE["f"], 2)                      # forget gate -> forget valve
    line(4.9, 2.2, 4.9, 3.6, PALETTE["i"], 2)
    line(4.9, 3.6, 5.6, 3.6, PALETTE["i"], 2)                # input gate -> memory valve
    line(6.3, 2.2, 6.3, 3.6, PALETTE["g"], 2)
    line(6.3, 3.6, 5.6, 3.6, PALETTE["g"], 2)                # candidate -> memory valve
    line(5.6, 3.6, 5.6, 5, PALETTE["i"], width(i))           # memory valve -> T-joint
    line(9.0, 5, 9.0, 3.0, c, 3, "dot")                      # copy of the memory, through tanh
    line(8.1, 2.2, 8.1, 3.0, PALETTE["o"], 2)
    line(8.1, 3.0, 9.0, 3.0, PALETTE["o"], 2)
    line(9.0, 3.0, 10, 3.0, h, width(o))                     # output valve -> h_t
    fmt = lambda q, v: "" if v is None else f"<br>{q} = {v:.2f}"
    node(3, 5, "×", PALETTE["f"], label="forget valve" + fmt("f", f), label_dy=0.75)
    node(5.6, 5, "+", c, label="T-joint", label_dy=0.55)
    node(5.6, 3.6, "×", PALETTE["i"], label="memory valve" + fmt("i", i), label_dy=-0.75)
    node(9.0, 4.0, "tanh", c, kind="rect", r=0.25)
    node(9.0, 3.0, "×", PALETTE["o"], label=None)
    ann.append(dict(x=9.45, y=2.3, text="output valve" + fmt("o", o), showarrow=False,    # right of the o layer
                    font=dict(size=11, color="#444444")))
    for gx, q, t in ((3, "f", "σ"), (4.9, "i", "σ"), (6.3, "g", "tanh"), (8.1, "o", "σ")):
        node(gx, 2.2, t, PALETTE[q], kind="rect", r=0.25)
        ann.append(dict(x=gx + 0.35, y=1.5, text=f"<b>{q}</b>", showarrow=False, font=dict(color=PALETTE[q])))
    for xx, yy, text, colour in ((0.3, 5.35, "c<sub>t-1</sub>", c), (10, 5.35, "c<sub>t</sub>", c),
                                 (0.3, 1.35, "h<sub>t-1</sub>", h), (1.2, -0.15, "x<sub>t</sub>", x),
                                 (10, 3.35, "h<sub>t</sub>", h),
                                 (1.35, 0.6, "concatenate [h<sub>t-1</sub>, x<sub>t</sub>]", "#444444"),
                                 (9.6, 4.55, "copy", c), (7.6, 5.5, "memory pipe<br>(cell state)", c)):
        ann.append(dict(x=xx, y=yy, text=text, showarrow=False, font=dict(size=12, color=colour),
                        xanchor="left" if text.startswith("concatenate") else "center"))
    fig = go.Figure(go.Scatter(x=[0, 10.3], y=[-0.4, 6], mode="markers", marker=dict(opacity=0),
                               hoverinfo="skip", showlegend=False))
    # Fixed aspect ratio at 680 px; the book scales it down to a narrower column (lstmlib-plots.js).
    fig.update_layout(shapes=shapes, annotations=ann, width=680, height=round(660 * 6.6 / 10.7) + 50,
                      plot_bgcolor="white", margin=dict(l=10, r=10, t=40, b=10), title="The LSTM cell as pipes and valves",
                      xaxis=dict(visible=False, range=[-0.2, 10.5], fixedrange=True),
                      yaxis=dict(visible=False, range=[-0.5, 6.1], scaleanchor="x", scaleratio=1, fixedrange=True))
    return fig
