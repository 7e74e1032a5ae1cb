"""The flagship X/O widget: updates, bad input shown as a message, static frames, live pixel grid."""
import numpy as np
import pytest

from lstmlib.core import conv
from lstmlib.widgets.xo import (FilterBox, PixelGrid, parse_filter, render_xo, xo_explorer, xo_images,
                                xo_live_config, xo_state)
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
    np.testing.assert_allclose(pooled, conv.max_pool(conv.relu(m)))


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
    assert np.array(fig.data[3].z, dtype=float)[3, 3] == pytest.approx(5 / 9)
    np.testing.assert_array_equal(parse_filter("diagonal /"), data.lecture_filters()["diagonal /"])


def test_book_build_shows_the_browser_widget(monkeypatch):
    import json, html as H, re
    monkeypatch.setenv("LSTMLIB_BOOK", "1")
    bundle = xo_explorer()._repr_mimebundle_()
    page = bundle["text/html"]
    assert 'class="lstmlib-live" data-widget="xo"' in page and "plotly" not in page.lower()
    cfg = json.loads(H.unescape(re.search(r'data-config="([^"]*)"', page).group(1)))
    assert cfg == xo_live_config()
    assert set(cfg["images"]) == set(xo_images()) and len(cfg["filters"]) == 3


@pytest.mark.parametrize("S, P, n", [(1, 0, 7), (1, 1, 9), (1, 2, 11), (2, 0, 4), (2, 1, 5), (3, 0, 3)])
def test_stride_and_padding(S, P, n):
    x, f = xo_images()["X"], data.lecture_filters()["X"]
    st = xo_state(x, "X", n * n - 1, S, P)
    assert st["n"] == n and st["padded"].shape == (9 + 2 * P,) * 2
    np.testing.assert_array_equal(st["map"], conv.conv2d_mean(x, f, S, P))
    np.testing.assert_array_equal(st["pool"], conv.max_pool(conv.relu(conv.conv2d_mean(x, f, S, P))))
    fig = render_xo(x, "X", 0, S, P)
    assert f"W' = 1 + (9 - 3 + 2*{P})/{S} = {n}" in fig.layout.title.text
    assert np.array(fig.data[3].z, dtype=float).shape == (n, n)          # the full grid, empty cells NaN
    with pytest.raises(ValueError, match="position"):
        xo_state(x, "X", n * n, S, P)


def test_refused_stride_is_a_message_and_the_slider_follows():
    ex = xo_explorer()
    box = ex.widget()
    assert ex.update(stride=3, padding=1) is False and "not" in ex.last_error
    assert ex.update(padding=0) is True
    slider = next(c for c in box.children if c.__class__.__name__ == "IntSlider")
    assert slider.max == 8 and slider.value == 0                           # 3x3 positions at S=3
    assert ex.update(stride=1) and slider.max == 48


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
