"""One diagram per recurrent cell, in one visual language (after Olah's "Understanding LSTM Networks").

The state that is carried along (the cell state c of the LSTM family, h of the GRU) runs as a thick
line along the top; h_{t-1} and x_t meet on a bus along the bottom and feed the layers above it.

* a **layer** (rectangle) is a weight layer and its activation: ``σ`` (a gate) or ``tanh``;
* a **pointwise** node (circle) acts element by element: ``×``, ``+``, ``1−`` or ``tanh``;
* every label is a symbol of the book's notation, tied to a field of the cell's trace (``f``, ``c``,
  ``n`` = h̃ ...) or parameters (``p_f`` ...), at time t or t-1.

``cell_diagram_spec(cell)`` returns the diagram as data (what the tests read); ``cell_diagram(cell)``
draws it with plotly shapes and annotations (no images). Cells: ``CELLS``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import plotly.graph_objects as go

from lstmlib.core.validate import check_choice
from lstmlib.viz.figures import PALETTE

__all__ = ["CELLS", "Symbol", "Node", "Wire", "Label", "CellDiagram", "cell_diagram_spec", "cell_diagram",
           "annotation_boxes"]

CELLS = ("rnn", "lstm", "gru", "peephole", "coupled", "no_forget")
TITLES = {"rnn": "Vanilla RNN", "lstm": "LSTM", "gru": "GRU", "peephole": "Peephole LSTM",
          "coupled": "LSTM with coupled input and forget gates", "no_forget": "LSTM without a forget gate"}
# the notation's letter for each trace field (GRU's candidate n is written h-tilde)
_LETTER = {"n": ("h&#771;", r"\tilde{h}")}
LABEL_SIZE, OP_SIZE = 12, 13
LAYER_W, LAYER_H, RADIUS = 1.1, 0.7, 0.3
GREY = "#555555"


@dataclass(frozen=True)
class Symbol:
    """A quantity of the notation: ``field`` of the trace (or params), at ``step`` "t", "t-1" or None."""
    field: str
    step: str | None = "t"

    @property
    def tex(self) -> str:
        """As the notation page writes it, e.g. f_t, c_{t-1}, \\tilde{h}_t, p_f."""
        base = _LETTER.get(self.field, (None, self.field))[1]
        if self.step is None:
            return base
        return f"{base}_t" if self.step == "t" else f"{base}_{{{self.step}}}"

    @property
    def html(self) -> str:
        """As plotly draws it: f<sub>t</sub>, c<sub>t-1</sub>, p<sub>f</sub>."""
        if self.step is None:
            head, _, sub = self.field.partition("_")
            return f"{head}<sub>{sub}</sub>" if sub else head
        return f"{_LETTER.get(self.field, (self.field,))[0]}<sub>{self.step}</sub>"


@dataclass(frozen=True)
class Node:
    """A layer (kind "layer", op "σ" or "tanh") or a pointwise operation (kind "pointwise",
    op "×", "+", "1−" or "tanh") centred at (x, y); ``output``: the trace field it computes, if named."""
    name: str
    kind: str
    op: str
    x: float
    y: float
    output: str | None = None
    colour: str = GREY


@dataclass(frozen=True)
class Wire:
    """A polyline through ``points``; kind "state" (the carried line), "bus", "gate" or "peephole"."""
    name: str
    points: tuple
    kind: str = "gate"
    colour: str = GREY


@dataclass(frozen=True)
class Label:
    """A symbol written at (x, y), next to the wire that carries it."""
    symbol: Symbol
    x: float
    y: float
    colour: str = GREY


@dataclass(frozen=True)
class CellDiagram:
    """A cell drawn as data: nodes, wires and labels, in a box x in xrange, y in yrange."""
    cell: str
    title: str
    nodes: tuple
    wires: tuple
    labels: tuple
    xrange: tuple = (0.0, 12.4)
    yrange: tuple = (-0.7, 6.9)

    def node(self, name: str) -> Node:
        return next(n for n in self.nodes if n.name == name)

    def gates(self) -> list:
        """The sigmoid layers: one per gate of the equations."""
        return [n for n in self.nodes if n.kind == "layer" and n.op == "σ"]


# ---------------------------------------------------------------- the LSTM family
_C, _H, _X = PALETTE["c"], PALETTE["h"], PALETTE["x"]


def _bus(right: float) -> list:
    """h_{t-1} along the bottom, x_t joining it from below."""
    return [Wire("h_prev", ((0.3, 1.0), (right, 1.0)), "bus", _H), Wire("x", ((1.5, -0.2), (1.5, 1.0)), "bus", _X)]


def _bus_labels() -> list:
    return [Label(Symbol("h", "t-1"), 0.45, 1.35, _H), Label(Symbol("x"), 1.0, -0.25, _X)]


def _lstm_parts() -> tuple[list, list, list]:
    P = PALETTE
    nodes = [Node("forget", "pointwise", "×", 3.0, 6.0, None, P["f"]),
             Node("add", "pointwise", "+", 6.0, 6.0, "c", _C),
             Node("input", "pointwise", "×", 6.0, 4.6, None, P["i"]),
             Node("tanh_c", "pointwise", "tanh", 10.5, 4.8, "tanh_c", _C),
             Node("output", "pointwise", "×", 10.5, 3.4, "h", P["o"]),
             Node("f", "layer", "σ", 3.0, 2.4, "f", P["f"]),
             Node("i", "layer", "σ", 5.0, 2.4, "i", P["i"]),
             Node("g", "layer", "tanh", 7.0, 2.4, "g", P["g"]),
             Node("o", "layer", "σ", 9.0, 2.4, "o", P["o"])]
    wires = [Wire("c", ((0.3, 6.0), (11.9, 6.0)), "state", _C),
             *_bus(9.0),
             *(Wire(f"bus_{q}", ((x, 1.0), (x, 2.05)), "bus", GREY) for q, x in
               (("f", 3.0), ("i", 5.0), ("g", 7.0), ("o", 9.0))),
             Wire("f_out", ((3.0, 2.75), (3.0, 5.7)), "gate", P["f"]),
             Wire("i_out", ((5.0, 2.75), (5.0, 4.6), (5.7, 4.6)), "gate", P["i"]),
             Wire("g_out", ((7.0, 2.75), (7.0, 4.6), (6.3, 4.6)), "gate", P["g"]),
             Wire("ig_out", ((6.0, 4.9), (6.0, 5.7)), "gate", P["i"]),
             Wire("c_copy", ((10.5, 6.0), (10.5, 5.1)), "state", _C),
             Wire("tanh_c_out", ((10.5, 4.5), (10.5, 3.7)), "gate", _C),
             Wire("o_out", ((9.0, 2.75), (9.0, 3.4), (10.2, 3.4)), "gate", P["o"]),
             Wire("h_out", ((10.8, 3.4), (11.3, 3.4), (11.3, 1.0), (11.9, 1.0)), "bus", _H)]
    labels = [Label(Symbol("c", "t-1"), 0.55, 6.4, _C), Label(Symbol("c"), 11.6, 6.4, _C),
              Label(Symbol("h"), 11.75, 1.35, _H), *_bus_labels(),
              Label(Symbol("f"), 3.35, 3.5, P["f"]), Label(Symbol("i"), 4.65, 3.5, P["i"]),
              Label(Symbol("g"), 7.35, 3.5, P["g"]), Label(Symbol("o"), 8.65, 3.5, P["o"])]
    return nodes, wires, labels


def _drop(items, *names):
    return [v for v in items if getattr(v, "name", None) not in names]


def _lstm_family(cell: str) -> tuple[list, list, list]:
    nodes, wires, labels = _lstm_parts()
    if cell == "peephole":                 # the gates also read the cell: p_f, p_i on c_{t-1}, p_o on c_t
        pf, pi, po = PALETTE["f"], PALETTE["i"], PALETTE["o"]
        wires += [Wire("p_f", ((2.0, 6.0), (2.0, 2.4), (2.45, 2.4)), "peephole", pf),
                  Wire("p_i", ((2.0, 5.2), (4.2, 5.2), (4.2, 2.4), (4.45, 2.4)), "peephole", pi),
                  Wire("p_o", ((9.9, 6.0), (9.9, 2.4), (9.55, 2.4)), "peephole", po)]
        labels += [Label(Symbol("p_f", None), 1.65, 4.0, pf), Label(Symbol("p_i", None), 4.05, 5.5, pi),
                   Label(Symbol("p_o", None), 9.55, 4.9, po)]
    elif cell == "coupled":                # i_t = 1 - f_t: no input-gate layer
        nodes = _drop(nodes, "i") + [Node("one_minus", "pointwise", "1−", 5.0, 3.6, "i", PALETTE["i"])]
        wires = _drop(wires, "bus_i", "i_out") + [
            Wire("f_branch", ((3.0, 3.6), (4.7, 3.6)), "gate", PALETTE["f"]),
            Wire("i_out", ((5.0, 3.9), (5.0, 4.6), (5.7, 4.6)), "gate", PALETTE["i"])]
        labels = [lb for lb in labels if lb.symbol.field != "i"] + [Label(Symbol("i"), 4.6, 4.25, PALETTE["i"])]
    elif cell == "no_forget":              # f_t = 1: c_{t-1} passes to the + untouched
        nodes = _drop(nodes, "forget", "f")
        wires = _drop(wires, "bus_f", "f_out")
        labels = [lb for lb in labels if lb.symbol.field != "f"]
    return nodes, wires, labels


# ---------------------------------------------------------------- RNN and GRU
def _rnn() -> tuple[list, list, list]:
    nodes = [Node("a", "layer", "tanh", 6.0, 2.4, "h", _H)]
    wires = [*_bus(6.0), Wire("bus_a", ((6.0, 1.0), (6.0, 2.05)), "bus", GREY),
             Wire("h_out", ((6.0, 2.75), (6.0, 3.4), (11.3, 3.4), (11.3, 1.0), (11.9, 1.0)), "bus", _H)]
    labels = [*_bus_labels(), Label(Symbol("a"), 6.4, 1.45, GREY), Label(Symbol("h"), 11.75, 1.35, _H)]
    return nodes, wires, labels


def _gru() -> tuple[list, list, list]:
    r, z, n = PALETTE["f"], PALETTE["i"], PALETTE["g"]
    nodes = [Node("keep", "pointwise", "×", 5.0, 6.0, None, z),
             Node("add", "pointwise", "+", 8.0, 6.0, "h", _H),
             Node("one_minus", "pointwise", "1−", 6.5, 4.6, None, z),
             Node("mix", "pointwise", "×", 8.0, 4.6, None, n),
             Node("r", "layer", "σ", 3.0, 2.4, "r", r),
             Node("z", "layer", "σ", 5.0, 2.4, "z", z),
             Node("n", "layer", "tanh", 8.0, 2.4, "n", n)]
    wires = [Wire("h", ((0.3, 6.0), (11.9, 6.0)), "state", _H),
             Wire("h_down", ((0.9, 6.0), (0.9, 1.0)), "bus", _H),
             Wire("x", ((1.5, -0.2), (1.5, 1.0)), "bus", _X), Wire("h_prev", ((0.9, 1.0), (8.0, 1.0)), "bus", _H),
             *(Wire(f"bus_{q}", ((x, 1.0), (x, 2.05)), "bus", GREY) for q, x in (("r", 3.0), ("z", 5.0), ("n", 8.0))),
             Wire("r_out", ((3.0, 2.75), (3.0, 3.3), (7.2, 3.3), (7.2, 2.4), (7.45, 2.4)), "gate", r),
             Wire("z_out", ((5.0, 2.75), (5.0, 5.7)), "gate", z),
             Wire("z_branch", ((5.0, 4.6), (6.2, 4.6)), "gate", z),
             Wire("one_minus_out", ((6.8, 4.6), (7.7, 4.6)), "gate", z),
             Wire("n_out", ((8.0, 2.75), (8.0, 4.3)), "gate", n),
             Wire("mix_out", ((8.0, 4.9), (8.0, 5.7)), "gate", n)]
    labels = [Label(Symbol("h", "t-1"), 0.55, 6.4, _H), Label(Symbol("h"), 11.7, 6.4, _H),
              Label(Symbol("x"), 1.0, -0.25, _X), Label(Symbol("r"), 3.4, 3.65, r),
              Label(Symbol("z"), 4.6, 3.65, z), Label(Symbol("n"), 8.4, 3.65, n)]
    return nodes, wires, labels


def cell_diagram_spec(cell: str) -> CellDiagram:
    """The diagram of ``cell`` (one of CELLS) as data: nodes, wires and labels."""
    check_choice(cell, "cell", CELLS)
    nodes, wires, labels = {"rnn": _rnn, "gru": _gru}.get(cell, lambda: _lstm_family(cell))()
    yrange = (-0.7, 4.1) if cell == "rnn" else (-0.7, 6.9)
    return CellDiagram(cell, TITLES[cell], tuple(nodes), tuple(wires), tuple(labels), yrange=yrange)


# ---------------------------------------------------------------- drawing
def cell_diagram(cell: str, width: int = 640) -> go.Figure:
    """Draw ``cell`` (one of CELLS) with plotly shapes and annotations; fixed aspect ratio, ``width`` px wide
    by default (the book scales it down; the text stays legible at 390 px)."""
    spec = cell_diagram_spec(cell)
    shapes, ann = [], []
    widths = {"state": 4, "bus": 2.5, "gate": 2, "peephole": 1.5}
    for w in spec.wires:
        path = "M " + " L ".join(f"{x},{y}" for x, y in w.points)
        shapes.append(dict(type="path", path=path, line=dict(color=w.colour, width=widths[w.kind],
                                                             dash="dot" if w.kind == "peephole" else None)))
    for n in spec.nodes:
        if n.kind == "layer":
            box = dict(type="rect", x0=n.x - LAYER_W / 2, x1=n.x + LAYER_W / 2, y0=n.y - LAYER_H / 2,
                       y1=n.y + LAYER_H / 2, fillcolor="#fff4cc")
        elif n.op == "tanh":
            box = dict(type="rect", x0=n.x - 0.55, x1=n.x + 0.55, y0=n.y - RADIUS, y1=n.y + RADIUS, fillcolor="#fde0ef")
        else:
            box = dict(type="circle", x0=n.x - RADIUS, x1=n.x + RADIUS, y0=n.y - RADIUS, y1=n.y + RADIUS,
                       fillcolor="#fde0ef")
        shapes.append(dict(box, line=dict(color=n.colour, width=2), layer="above"))
        ann.append(dict(x=n.x, y=n.y, text=n.op, showarrow=False, font=dict(size=OP_SIZE, color="#222222")))
    for lb in spec.labels:
        ann.append(dict(x=lb.x, y=lb.y, text=lb.symbol.html, showarrow=False,
                        font=dict(size=LABEL_SIZE, color=lb.colour)))
    (x0, x1), (y0, y1) = spec.xrange, spec.yrange
    margin = dict(l=5, r=5, t=40, b=5)
    height = round((width - 10) * (y1 - y0) / (x1 - x0)) + 45
    fig = go.Figure(go.Scatter(x=[x0, x1], y=[y0, y1], mode="markers", marker=dict(opacity=0),
                               hoverinfo="skip", showlegend=False))
    fig.update_layout(shapes=shapes, annotations=ann, width=width, height=height, margin=margin,
                      plot_bgcolor="white", title=dict(text=spec.title, font=dict(size=14)),
                      xaxis=dict(visible=False, range=list(spec.xrange), fixedrange=True),
                      yaxis=dict(visible=False, range=list(spec.yrange), scaleanchor="x", scaleratio=1,
                                 fixedrange=True))
    return fig


def annotation_boxes(fig: go.Figure, width_px: int = 390) -> list:
    """Rough boxes (x0, x1, y0, y1) in data units of the figure's annotations when drawn ``width_px`` wide:
    about 0.6 font sizes per character (subscripts 0.7 of that) and 1.2 font sizes high."""
    xr = fig.layout.xaxis.range
    m = fig.layout.margin
    unit = (width_px - m.l - m.r) / (xr[1] - xr[0])          # pixels per data unit
    boxes = []
    for a in fig.layout.annotations:
        size = a.font.size
        main = re.sub(r"<sub>.*?</sub>", "", a.text)
        main = re.sub(r"&#\d+;", "", main)
        subs = "".join(re.findall(r"<sub>(.*?)</sub>", a.text))
        w = 0.6 * size * (len(main) + 0.7 * len(subs)) / unit
        h = 1.2 * size * (1.25 if subs else 1.0) / unit
        boxes.append((a.x - w / 2, a.x + w / 2, a.y - h / 2, a.y + h / 2))
    return boxes
