"""lstmlib.viz.cell_diagrams: each cell's diagram has the nodes its equations need, labels in the book's
notation tied to the code's field names, variants that differ from the LSTM by exactly their change, and
text that does not overlap at 390 px."""
import dataclasses
import itertools
from collections import Counter
from pathlib import Path

import pytest

from lstmlib.core.gru import GRUParams, GRUTrace
from lstmlib.core.lstm import LSTMParams, LSTMTrace
from lstmlib.core.rnn import RNNParams, RNNTrace
from lstmlib.core.variants import CoupledLSTMParams, NoForgetLSTMParams, PeepholeLSTMParams
from lstmlib.viz.cell_diagrams import CELLS, Symbol, annotation_boxes, cell_diagram, cell_diagram_spec

NOTATION = (Path(__file__).resolve().parents[1] / "book" / "front" / "notation.md").read_text()
MODEL = {"rnn": (RNNParams, RNNTrace), "lstm": (LSTMParams, LSTMTrace), "gru": (GRUParams, GRUTrace),
         "peephole": (PeepholeLSTMParams, LSTMTrace), "coupled": (CoupledLSTMParams, LSTMTrace),
         "no_forget": (NoForgetLSTMParams, LSTMTrace)}


def _ops(spec):
    return Counter((n.kind, n.op) for n in spec.nodes)


@pytest.mark.parametrize("cell, gates", [("rnn", 0), ("lstm", 3), ("gru", 2), ("peephole", 3), ("coupled", 2),
                                         ("no_forget", 2)])
def test_sigmoid_gates(cell, gates):
    spec = cell_diagram_spec(cell)
    assert len(spec.gates()) == gates
    params = MODEL[cell][0]
    if cell not in ("rnn", "gru"):
        assert sorted(n.output for n in spec.gates()) == sorted(q for q in params.gates if q != "g")


def test_the_nodes_each_equation_needs():
    assert _ops(cell_diagram_spec("rnn")) == {("layer", "tanh"): 1}
    lstm = _ops(cell_diagram_spec("lstm"))           # f c, i g, +, tanh(c), o tanh(c)
    assert lstm == {("layer", "σ"): 3, ("layer", "tanh"): 1, ("pointwise", "×"): 3, ("pointwise", "+"): 1,
                    ("pointwise", "tanh"): 1}
    gru = _ops(cell_diagram_spec("gru"))             # z h_{t-1}, (1 - z) h~, +
    assert gru == {("layer", "σ"): 2, ("layer", "tanh"): 1, ("pointwise", "×"): 2, ("pointwise", "+"): 1,
                   ("pointwise", "1−"): 1}
    peep = cell_diagram_spec("peephole")
    assert sorted(w.name for w in peep.wires if w.kind == "peephole") == ["p_f", "p_i", "p_o"]
    assert {lb.symbol.field for lb in peep.labels} >= {"p_f", "p_i", "p_o"}


@pytest.mark.parametrize("cell", CELLS)
def test_every_symbol_is_a_field_of_the_code_and_written_in_the_notation(cell):
    params, trace = MODEL[cell]
    fields = {f.name for f in dataclasses.fields(trace)} | {f.name for f in dataclasses.fields(params)}
    spec = cell_diagram_spec(cell)
    for lb in spec.labels:
        assert lb.symbol.field in fields, (cell, lb.symbol)
        assert lb.symbol.tex in NOTATION, (cell, lb.symbol.tex)
    for n in spec.nodes:
        assert n.output is None or n.output in fields, (cell, n)
    texts = {a.text for a in cell_diagram(cell).layout.annotations}
    assert {lb.symbol.html for lb in spec.labels} <= texts


def test_symbol_rendering():
    assert (Symbol("c", "t-1").tex, Symbol("c", "t-1").html) == ("c_{t-1}", "c<sub>t-1</sub>")
    assert Symbol("n").tex == r"\tilde{h}_t" and Symbol("p_o", None).html == "p<sub>o</sub>"


def _parts(spec):
    return ({n.name: n for n in spec.nodes}, {w.name: w for w in spec.wires},
            {(lb.symbol, lb.x, lb.y) for lb in spec.labels})


@pytest.mark.parametrize("cell, removed_nodes, added_nodes, removed_wires, added_wires", [
    ("peephole", set(), set(), set(), {"p_f", "p_i", "p_o"}),
    ("coupled", {"i"}, {"one_minus"}, {"bus_i", "i_out"}, {"f_branch", "i_out"}),
    ("no_forget", {"f", "forget"}, set(), {"bus_f", "f_out"}, set()),
])
def test_a_variant_differs_from_the_lstm_by_exactly_its_change(cell, removed_nodes, added_nodes,
                                                               removed_wires, added_wires):
    ln, lw, _ = _parts(cell_diagram_spec("lstm"))
    vn, vw, _ = _parts(cell_diagram_spec(cell))
    assert set(ln) - set(vn) == removed_nodes and set(vn) - set(ln) == added_nodes
    for name in set(ln) & set(vn):
        assert ln[name] == vn[name], name                          # same node, same place
    changed = {n for n in set(lw) & set(vw) if lw[n] != vw[n]}
    assert (set(lw) - set(vw)) | changed == removed_wires
    assert (set(vw) - set(lw)) | changed == added_wires
    if cell == "coupled":
        one_minus = vn["one_minus"]
        assert (one_minus.kind, one_minus.op, one_minus.output) == ("pointwise", "1−", "i")


def _overlap(a, b):
    return a[0] < b[1] and b[0] < a[1] and a[2] < b[3] and b[2] < a[3]


@pytest.mark.parametrize("cell", CELLS)
def test_legible_at_390_px(cell):
    fig, spec = cell_diagram(cell), cell_diagram_spec(cell)
    assert fig.layout.yaxis.scaleanchor == "x" and fig.layout.yaxis.scaleratio == 1
    boxes = annotation_boxes(fig, 390)
    for (i, a), (j, b) in itertools.combinations(enumerate(boxes), 2):
        assert not _overlap(a, b), (cell, fig.layout.annotations[i].text, fig.layout.annotations[j].text)
    (x0, x1), (y0, y1) = spec.xrange, spec.yrange
    for a, box in zip(fig.layout.annotations, boxes):
        assert x0 <= box[0] and box[1] <= x1 and y0 <= box[2] and box[3] <= y1, (cell, a.text)
    labels = boxes[len(spec.nodes):]                                # node texts come first
    for n in spec.nodes:
        w, h = (0.55, 0.35) if n.kind == "layer" or n.op == "tanh" else (0.3, 0.3)
        for lb, box in zip(spec.labels, labels):
            assert not _overlap(box, (n.x - w, n.x + w, n.y - h, n.y + h)), (cell, n.name, lb.symbol)
    for n, box in zip(spec.nodes, boxes):                           # an operator fits inside its node
        w = 0.55 if n.kind == "layer" or n.op == "tanh" else 0.3
        assert box[1] - box[0] <= 2 * w, (cell, n.name)


def test_unknown_cell():
    with pytest.raises(ValueError, match="cell"):
        cell_diagram_spec("transformer")


@pytest.mark.parametrize("cell", CELLS)
def test_each_layer_output_is_labelled_next_to_its_wire(cell):
    """Every gate or candidate (a layer's output: f, i, g, o, r, z, h~) is labelled just above or beside its
    layer, with its own symbol; so is the 1 - f node that gives i_t in the coupled cell."""
    spec = cell_diagram_spec(cell)
    for n in spec.nodes:
        if n.output is None or n.output in ("c", "h", "tanh_c"):
            continue
        near = [lb for lb in spec.labels if abs(lb.x - n.x) < 0.6 and 0 < lb.y - n.y < 1.3]
        assert [lb.symbol for lb in near] == [Symbol(n.output)], (cell, n.name, near)
