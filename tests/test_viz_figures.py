"""The figures that moved out of the notebooks into lstmlib.viz: image grids, attention maps, the
sampling grid, per-word bars, coloured text, and one unit of an LSTM or GRU over time."""
import numpy as np
import pytest

from lstmlib import data, viz
from lstmlib.core.lstm import LSTMParams, lstm_forward
from lstmlib.lectures import pulse_gru
from lstmlib.viz import images


def _titles(fig):
    return [a.text for a in fig.layout.annotations]


def test_image_grid_one_panel_per_image_with_its_title():
    fig = viz.image_grid({"X": data.x_image(), "O": data.o_image()}, title="two", values=True, fmt=".0f",
                         zmin=-1, zmax=1)
    assert len(fig.data) == 2 and _titles(fig) == ["X", "O"] and fig.layout.title.text == "two"
    np.testing.assert_array_equal(fig.data[1].z, data.o_image())
    assert fig.data[0].texttemplate == "%{z:.0f}" and fig.data[0].zmin == -1 and fig.data[0].zmax == 1
    # every panel square (its y axis tied to its own x axis), row 0 on top, no tick labels
    for k, (xa, ya) in enumerate([("xaxis", "yaxis"), ("xaxis2", "yaxis2")]):
        assert fig.layout[ya].scaleanchor == ("x" if k == 0 else "x2")
        assert fig.layout[ya].autorange == "reversed" and fig.layout[xa].showticklabels is False


def test_image_grid_wraps_into_rows_of_at_most_max_cols():
    split = data.digits(rng=np.random.default_rng(0))
    fig = viz.image_grid(split.x_train[:8], [str(v) for v in split.y_train[:8]], zmin=0, zmax=1)  # (8, 1, 8, 8)
    assert len(fig.data) == 8 and fig.data[0].texttemplate is None          # no values unless asked
    assert {fig.data[k].xaxis for k in range(8)} == {"x"} | {f"x{k}" for k in range(2, 9)}
    tops = sorted({round(fig.layout[f"yaxis{'' if k == 1 else k}"].domain[1], 6) for k in range(1, 9)})
    assert len(tops) == 2 == 8 // images.MAX_COLS                           # two rows of four
    one_row = viz.image_grid(split.x_train[:8, 0], cols=8)
    assert len({one_row.layout[f"yaxis{'' if k == 1 else k}"].domain for k in range(1, 9)}) == 1
    assert viz.image_grid(split.x_train[:3, 0]).layout.height < fig.layout.height


def test_long_titles_wrap_and_make_room():
    short = viz.image_grid(np.zeros((2, 8, 8)), ["a", "b"])
    long = viz.image_grid(np.zeros((2, 8, 8)), ["true 3, said 8 (0.97)", "b"])
    assert _titles(long)[0] == "true 3, said<br>8 (0.97)" and _titles(long)[1] == "b"
    assert viz.image_grid(np.zeros((1, 2, 2)), ["true 3<br>said 8 (0.97)"]).layout.annotations[0].text == \
        "true 3<br>said 8 (0.97)"                                            # breaks given are kept
    assert long.layout.margin.t > short.layout.margin.t


@pytest.mark.parametrize("call, message", [
    (lambda: viz.image_grid([]), "non-empty"),
    (lambda: viz.image_grid("X"), "non-empty"),
    (lambda: viz.image_grid(np.zeros((2, 3))), r"images\[0\] must have 2 dimensions \(H, W\)"),
    (lambda: viz.image_grid(np.zeros((2, 3, 3)), ["only one"]), "2 strings"),
    (lambda: viz.image_grid({"X": np.zeros((3, 3))}, ["X"]), "not both"),
    (lambda: viz.image_grid(np.zeros((2, 3, 3)), cols=0), "cols"),
    (lambda: viz.image_grid([np.full((3, 3), np.nan)]), "finite"),
    (lambda: viz.image_grid([np.zeros((3, 3))], zmin=1, zmax=-1), "zmin must be below zmax"),
])
def test_image_grid_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_attention_maps_fixed_number_of_panels():
    rng = np.random.default_rng(0)
    canvas, alphas = rng.random((16, 16)), rng.random((3, 16))
    fig = viz.attention_maps(canvas, alphas, ["a", "5", "<end>"], slots=7, title="a 5")
    assert len(fig.data) == 8 and _titles(fig)[:4] == ["input", "a", "5", "&lt;end&gt;"]   # not an HTML tag
    assert fig.data[0].colorscale[0][1] == "rgb(255,255,255)" and fig.data[0].zmin is None   # grey input
    np.testing.assert_array_equal(fig.data[-1].z, np.zeros((16, 16)))       # empty slots stay empty
    # the word's panel: half the canvas plus its attention map stretched over 4x4 pixel blocks
    a = np.kron(alphas[1].reshape(4, 4), np.ones((4, 4)))
    np.testing.assert_allclose(fig.data[2].z, (0.5 * canvas + a / a.max()).round(2))
    with pytest.raises(ValueError, match="square grid"):
        viz.attention_maps(canvas, rng.random((3, 15)), ["a", "5", "<end>"])
    with pytest.raises(ValueError, match="3 words"):
        viz.attention_maps(canvas, alphas, ["a", "5"])
    with pytest.raises(ValueError, match="slots"):
        viz.attention_maps(canvas, alphas, ["a", "5", "<end>"], slots=2)


def test_sampling_grid_figure():
    g = np.stack(np.meshgrid(np.linspace(-1, 1, 4), np.linspace(-1, 1, 4)), axis=-1)   # (4, 4, 2)
    fig = viz.sampling_grid_figure(np.eye(8), g, np.ones((4, 4)), title="identity")
    assert [t.type for t in fig.data] == ["heatmap", "scatter", "scatter", "heatmap"]
    assert len(fig.data[1].x) == 16 and list(fig.data[2].y) == [-1.0] * 4    # the output's top row
    with pytest.raises(ValueError, match="output's shape"):
        viz.sampling_grid_figure(np.eye(8), g, np.ones((3, 4)))


def test_prefix_bars_and_coloured_text():
    fig = viz.prefix_bars(["not", "good"], [0.4, 0.2], title="t")
    np.testing.assert_allclose(fig.data[0].y, [-0.1, -0.3])
    assert fig.data[0].base == 0.5 and list(fig.layout.xaxis.ticktext) == ["not", "good"]
    with pytest.raises(ValueError, match="2 tokens"):
        viz.prefix_bars(["not"], [0.4, 0.2])
    html = viz.coloured_text([2.0, -1.0, 0.0, 4.0], "a<\nb", width=3)
    assert html.count("<span") == 3 and "&lt;" in html and "&#8629;<br>" in html
    assert "rgba(33,102,172,0.5)" in html and "rgba(178,24,43,0.25)" in html   # scaled by max |v| = 4
    with pytest.raises(ValueError, match="width"):
        viz.coloured_text([1.0], "a", width=0)


def test_cell_walk_and_gru_figures():
    params = LSTMParams.init(3, 4, rng=np.random.default_rng(0))
    trace = lstm_forward(params, np.random.default_rng(1).normal(size=(5, 1, 3)))
    words = ["Amanda", "read", ".", "later", "she"]
    fig = viz.cell_walk_figure(words, trace, unit=2, t=3)
    np.testing.assert_allclose(fig.data[0].y, trace.c[:, 0, 2])
    assert list(fig.data[2].x) == ["f", "i", "g", "o", "c", "h"]
    np.testing.assert_allclose(fig.data[2].y[1], trace.i[3, 0, 2])
    assert "'later'" in _titles(fig)[1]
    with pytest.raises(ValueError, match=r"t must be an integer in \[0, 4\]"):
        viz.cell_walk_figure(words, trace, unit=2, t=5)
    with pytest.raises(ValueError, match="5 words"):
        viz.cell_walk_figure(words[:4], trace, unit=0, t=0)
    with pytest.raises(ValueError, match="trace"):
        viz.gru_unit_figure(trace)
    gru = pulse_gru(-4.0, 4.0)
    fig = viz.gru_unit_figure(gru, title="pulse")
    assert [t.name for t in fig.data] == ["input x_t", "update gate z_t", "reset gate r_t", "candidate h~_t",
                                          "state h_t"]
    np.testing.assert_allclose(fig.data[0].y, np.eye(12)[2])


def test_pulse_gru_holds_or_drops_the_pulse():
    # the chapter's story: b_z = -4 takes the pulse in; b_r = 4 keeps it, b_r = -4 drops it a step later
    held, dropped, frozen = pulse_gru(-4.0, 4.0).h[:, 0, 0], pulse_gru(-4.0, -4.0).h[:, 0, 0], pulse_gru(4.0, 0.0).h
    assert held[2] > 0.97 and held[-1] > 0.9 and dropped[2] > 0.97 and abs(dropped[3]) < 0.1
    assert abs(frozen[2, 0, 0] - 0.018 * np.tanh(3)) < 0.01 and np.ptp(frozen[3:]) < 1e-3
    with pytest.raises(ValueError, match="b_z"):
        pulse_gru(float("nan"), 0.0)
    with pytest.raises(ValueError, match="at must be a step"):
        pulse_gru(0.0, 0.0, steps=2, at=2)


def test_gate_walk_figure_shows_the_lectures_three_gates_and_the_next_word():
    rng = np.random.default_rng(0)
    p = LSTMParams.init(5, 4, K=5, rng=rng)
    words = ["Harry", "met", "Sally"]
    tr = lstm_forward(p, rng.normal(size=(3, 1, 5)))
    fig = viz.gate_walk_figure(words, tr, ["Harry", "Sally", "James", "met", "."], 1)
    heat, bars = fig.data
    assert list(heat.y[:3]) == ["memory (f)", "ignoring (i)", "selection (o)"]
    np.testing.assert_allclose(heat.z[0], tr.f[1, 0]) and np.testing.assert_allclose(heat.z[2], tr.o[1, 0])
    assert abs(sum(bars.y) - 1) < 1e-12 and list(bars.x)[4] == "."
    assert "[met]" in fig.layout.title.text and "Sally" not in fig.layout.title.text
    with pytest.raises(ValueError, match="t must be an integer"):
        viz.gate_walk_figure(words, tr, ["a", "b", "c", "d", "e"], 3)
    with pytest.raises(ValueError, match="tokens must name the 5 outputs"):
        viz.gate_walk_figure(words, tr, ["a"], 0)


def _runs():
    return [dict(model=m, lr=lr, seed=s, losses=[2.0 - s * 0.1, 1.0, 0.5 + 0.1 * (m == "b")], test_acc=0.9 + 0.01 * s)
            for m in ("a", "b") for lr in (0.01, 0.1) for s in range(3)]


def test_curves_by_lr_one_panel_per_learning_rate_with_median_and_band():
    fig = viz.curves_by_lr(_runs(), title="t")
    assert _titles(fig) == ["lr = 0.01", "lr = 0.1"]
    lines = [t for t in fig.data if t.mode == "lines"]
    bands = [t for t in fig.data if t.fill == "toself"]
    assert len(lines) == len(bands) == 4                       # 2 models x 2 learning rates
    np.testing.assert_allclose(lines[0].y, [1.9, 1.0, 0.5])    # the median over the 3 seeds
    np.testing.assert_allclose(bands[0].y, [2.0, 1.0, 0.5, 0.5, 1.0, 1.8])    # max forward, min back
    assert fig.layout.yaxis.type == "log"


def test_accuracy_by_seed_marks_every_run_and_the_median():
    fig = viz.accuracy_by_seed(_runs())
    points = [t for t in fig.data if t.marker.symbol is None]
    medians = [t for t in fig.data if t.marker.symbol == "line-ew-open"]
    assert sum(len(t.y) for t in points) == 12 and len(medians) == 4
    np.testing.assert_allclose(medians[0].y, [0.91])


@pytest.mark.parametrize("bad, message", [([], "non-empty list"), ([dict(model="a")], "missing"),
                                          ("runs", "non-empty list")])
def test_run_figures_bad_input(bad, message):
    with pytest.raises(ValueError, match=message):
        viz.curves_by_lr(bad)
    with pytest.raises(ValueError, match=message):
        viz.accuracy_by_seed(bad)


@pytest.mark.parametrize("draw", [viz.curves_by_lr, viz.accuracy_by_seed])
def test_run_figures_keep_the_legend_under_the_axis_titles(draw):
    """The legend hangs from the figure's bottom edge, in a margin with a row per model (on a phone each long
    entry takes a row), not at a negative y over the axis titles and tick labels."""
    fig = draw(_runs())
    lg = fig.layout.legend
    assert (lg.yref, lg.y, lg.yanchor) == ("container", 0, "bottom")
    assert fig.layout.margin.b >= 70 + 22 * 2
