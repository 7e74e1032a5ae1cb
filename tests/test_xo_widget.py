"""The flagship X/O widget: updates, bad input shown as a message, static frames, live pixel grid."""
import numpy as np
import pytest

from lstmlib.core import conv
from lstmlib.widgets.xo import (STATIC_POSITIONS, FilterBox, PixelGrid, parse_filter, render_xo, xo_explorer,
                                xo_images)
from lstmlib import data


def test_updates_positions_images_filters():
    ex = xo_explorer()
    for p in (0, 10, 48):
        assert ex.update(position=p) and ex.last_error is None
    assert ex.update(image=data.o_image(), filt="X", position=24)
    assert ex.update(image=xo_images()["tricky X"], filt="1 0 0; 0 1 0; 0 0 1")
    fig = ex.figure(position=48)
    pooled = np.array(fig.data[5].z, dtype=float)
    m = conv.conv2d_mean(xo_images()["tricky X"], np.eye(3))
    np.testing.assert_allclose(pooled, np.round(conv.max_pool(conv.relu(m)), 3))


@pytest.mark.parametrize("bad", ["1 2; 3 4", "1 2 3; 4 five 6; 7 8 9", "", np.ones((2, 3)), [[1, None, 1]] * 3])
def test_bad_filter_sets_last_error_without_raising(bad):
    ex = xo_explorer()
    assert ex.update(filt=bad) is False
    assert ex.last_error and "filter" in ex.last_error
    assert ex.update(filt="X") is True and ex.last_error is None


def test_bad_image_and_position():
    ex = xo_explorer()
    assert not ex.update(image=np.ones((8, 9)))
    assert not ex.update(image="Y")
    assert ex.update(image="X") and ex.last_error is None
    assert not ex.update(position=49) and "position" in ex.last_error


def test_render_shows_the_window_and_its_mean():
    fig = render_xo("X", "diagonal \\", 24)                 # row 3, column 3: the slide's window
    np.testing.assert_array_equal(fig.data[2].z, [[1, 1, -1], [1, 1, 1], [-1, 1, 1]])
    assert "5/9 = 0.56" in fig.layout.title.text
    assert np.array(fig.data[3].z, dtype=float)[3, 3] == pytest.approx(0.556)
    np.testing.assert_array_equal(parse_filter("diagonal /"), data.lecture_filters()["diagonal /"])


def test_static_figure_frames():
    fig, script = xo_explorer().static_figure()
    assert len(fig["frames"]) == 4 * 3 * len(STATIC_POSITIONS)
    assert "plotly_sliderchange" in script


def test_live_grid_toggles_a_pixel():
    g = PixelGrid()
    assert g.value[1][1] == 1.0 and g.value[0][0] == -1.0
    seen = []
    g.observe(lambda ch: seen.append(ch["new"]), names="value")
    g.buttons[0][0].value = True
    assert g.value[0][0] == 1.0 and len(seen) == 1
    g.preset.value = "O"
    np.testing.assert_array_equal(np.array(g.value), data.o_image())
    assert len(seen) == 2                                     # one update for a whole preset


def test_live_widget_wires_controls():
    ex = xo_explorer()
    box = ex.widget()
    grid = next(c for c in box.children if isinstance(c, PixelGrid))
    fbox = next(c for c in box.children if isinstance(c, FilterBox))
    grid.buttons[4][4].value = False                          # erase the centre of the X
    assert ex.values["image"][4][4] == -1.0 and ex.last_error is None
    fbox.text.value = "1 1; 1"
    assert ex.last_error is not None
    fbox.preset.value = "X"
    assert ex.last_error is None
