"""lstmlib.rnn_figures: figures build, the unrolled explorable updates and rejects bad input, static frames."""
import numpy as np
import pytest

from lstmlib.viz import rnn_figures as rf
from lstmlib.lectures.charrnn import CharRNNConfig, train_char_rnn
from lstmlib.widgets import unrolled

H = np.arange(8.0).reshape(4, 2) / 10
XL, YL = ["a", "b", "c", "d"], ["b", "c", "d", "e"]


def test_unrolled_figure_greys_out_the_future():
    fig = rf.unrolled_figure(XL, H, YL, step=1)
    h_trace = fig.data[-1]
    assert list(h_trace.text) == ["0.00<br>0.10", "0.20<br>0.30", "?", "?"]   # inside the square, a line each
    assert h_trace.marker.color[2] == rf._DIM and h_trace.marker.color[0] != rf._DIM
    loop = rf.unrolled_figure(XL, H, YL, step=2, view="loop")
    assert len(loop.data[-1].x) == 1 and loop.data[-1].text == ("0.40<br>0.50",)
    wide = rf.unrolled_figure(XL, np.arange(16.0).reshape(4, 4) / 10, YL, step=0)   # H = 4: a vector below
    assert wide.data[-1].text[0] == "[0.00, 0.10, 0.20, 0.30]"


def test_unrolled_explorable_updates_and_static_frames():
    ex = unrolled.unrolled_explorable(XL, H, YL)
    assert ex.update(step=2, view="loop") is True and ex.last_error is None
    assert ex.update(step=9) is False and "step must be" in ex.last_error
    assert ex.update(step=0, view="sideways") is False and "view must be" in ex.last_error
    ex.update(step=3, view="unrolled")
    spec, script = ex.static_figure()
    assert len(spec["frames"]) == 4 * 2 and "plotly_sliderchange" in script
    for k in range(8):                                        # every state re-renders without an error
        assert ex.update(step=k % 4, view=["unrolled", "loop"][k % 2]) and ex.last_error is None


def test_bad_input():
    with pytest.raises(ValueError, match="x_labels must be a list of 4"):
        rf.unrolled_figure(["a"], H, YL, 0)
    with pytest.raises(ValueError, match="h must have 2 dimensions"):
        unrolled.unrolled_explorable(XL, np.zeros(4), YL)
    with pytest.raises(ValueError, match="curves must be a non-empty dict"):
        rf.curves_figure({})
    with pytest.raises(ValueError, match="x must have 3 values"):
        rf.curves_figure({"a": [1, 2, 3]}, x=[1, 2])
    with pytest.raises(ValueError, match="runs must be"):
        rf.loss_figure([])


def test_curves_and_loss_figures():
    fig = rf.curves_figure({"a": [1.0, 0.1, 0.0], "b": [1, 2, 3]}, log=True)
    assert fig.layout.yaxis.type == "log" and np.isnan(fig.data[0].y[2])
    run = train_char_rnn("abcabcabcabc" * 5, 30, rng=np.random.default_rng(0), config=CharRNNConfig(H=4, seq_length=5))
    fig = rf.loss_figure({"run": run}, every=10)
    assert list(fig.data[0].x) == [1, 11, 21]
