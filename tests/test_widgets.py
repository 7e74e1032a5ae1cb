"""The interactive-everywhere mechanism (lstmlib.widgets) and the figure plumbing (lstmlib.figures)."""
from __future__ import annotations

import json
import re

import numpy as np
import plotly.graph_objects as go
import pytest

from lstmlib.viz import figures
from lstmlib.widgets.explorable import Control, explorable, MAX_STATES


def line(a, b):
    if a < 0:
        raise ValueError(f"a must be >= 0, got {a}")
    x = np.arange(5.0)
    return go.Figure([go.Scatter(x=x, y=a * x + b), go.Scatter(x=x, y=x)], layout=dict(title=f"a={a}"))


def make():
    return explorable(line, [Control("a", [0, 1, 2]), Control("b", {"zero": 0.0, "one": 1.0}, kind="buttons")])


def test_update_rerenders_and_times():
    ex = make()
    assert ex.update(a=2, b=1.0)
    assert ex.values == {"a": 2, "b": 1.0}
    assert len(ex.timings) == 1
    assert list(ex.figure().data[0].y) == [1, 3, 5, 7, 9]


def test_bad_input_becomes_a_message_not_a_traceback():
    ex = make()
    assert ex.update(a=-1) is False
    assert ex.last_error == "a must be >= 0, got -1"
    assert ex.update(a=1) and ex.last_error is None


def test_live_widget_reacts_to_its_controls():
    ex = make()
    box = ex.widget()
    slider = [w for w in box.children if getattr(w, "description", "") == "a"][0]
    slider.value = "2"
    assert ex.values["a"] == 2
    buttons = [w for w in box.children if getattr(w, "description", "") == "b"][0]
    buttons.value = "one"
    assert ex.values["b"] == 1.0


def test_live_widget_shows_the_error_message():
    ex = explorable(lambda a: line(a, 0.0), [Control("a", [1, -1])])
    box = ex.widget()
    box.children[0].value = "-1"
    assert "a must be &gt;= 0, got -1" in ex._msg.value


def test_static_figure_has_a_frame_per_state_with_only_varying_parts():
    spec, script = make().static_figure()
    assert len(spec["frames"]) == 3 * 2
    assert {f["name"] for f in spec["frames"]} == {f"{i}|{j}" for i in range(3) for j in range(2)}
    frame = spec["frames"][0]
    assert frame["traces"] == [0]                  # the second trace never changes
    assert set(frame["data"][0]) == {"y"}          # nor does x
    assert "title" in frame["layout"]
    assert len(spec["layout"]["sliders"]) == 1 and len(spec["layout"]["updatemenus"]) == 1
    assert "plotly_sliderchange" in script and "[0, 0]" in script


def _shown_frame(spec, script, clicks):
    """What the static page shows after ``clicks``, emulating its script: start from the script's
    initial state; a slider step or button sets state[pos] = j from its "pos:j"; show frame "i|j"."""
    state = json.loads(re.search(r"var state = (\[[^\]]*\]);", script).group(1))
    for kind, index, label in clicks:
        if kind == "slider":
            value = next(s["value"] for s in spec["layout"]["sliders"][index]["steps"] if s["label"] == label)
        else:
            value = next(b["args"][0] for b in spec["layout"]["updatemenus"][index]["buttons"] if b["label"] == label)
        pos, j = map(int, value.split(":"))
        state[pos] = j
    return next(f for f in spec["frames"] if f["name"] == "|".join(map(str, state)))


def test_static_controls_show_the_frame_of_the_chosen_values():
    ex = explorable(line, [Control("a", [0, 1, 2], default=1),
                           Control("b", {"zero": 0.0, "one": 1.0}, kind="buttons")])
    spec, script = ex.static_figure()
    assert spec["layout"]["sliders"][0]["active"] == 1 and spec["layout"]["updatemenus"][0]["active"] == 0
    for a in (0, 1, 2):
        for label, b in (("zero", 0.0), ("one", 1.0)):
            frame = _shown_frame(spec, script, [("slider", 0, str(a)), ("buttons", 0, label)])
            expected = figures.rounded(line(a, b))
            assert frame["traces"] == [0] and frame["data"][0]["y"] == expected["data"][0]["y"], (a, label)
            assert frame["layout"]["title"] == expected["layout"]["title"]
    default = figures.rounded(line(1, 0.0))["data"][0]["y"]       # before any click: the default state
    assert _shown_frame(spec, script, [])["data"][0]["y"] == spec["data"][0]["y"] == default


def test_static_html_is_small_and_has_no_plotly_js():
    spec, script = make().static_figure()
    html = figures.to_static_html(spec, post_script=script, div_id="d1")
    assert 'id="d1"' in html and "Plotly.newPlot" in html
    assert len(html) < 20_000           # no inlined plotly.js (4.8 MB)


def test_book_mode_displays_the_static_figure(monkeypatch):
    monkeypatch.setenv("LSTMLIB_BOOK", "1")
    bundle = make()._repr_mimebundle_()
    assert "text/html" in bundle and "plotly_sliderchange" in bundle["text/html"]


def test_live_mode_displays_the_widget(monkeypatch):
    monkeypatch.setenv("LSTMLIB_BOOK", "0")
    bundle = make()._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle


@pytest.mark.parametrize("bad, message", [
    (dict(render=None, controls=[Control("a", [1])]), "render must be callable"),
    (dict(render=line, controls=[]), "non-empty list"),
    (dict(render=line, controls=[Control("a", [1]), Control("a", [2])]), "unique"),
    (dict(render=line, controls=[Control("a", range(100)), Control("b", range(100))]), "MAX_STATES"),
])
def test_explorable_rejects_bad_arguments(bad, message):
    with pytest.raises(ValueError, match=message):
        explorable(**bad)


@pytest.mark.parametrize("kwargs, message", [
    (dict(name="not valid", options=[1]), "identifier"),
    (dict(name="a", options=[]), "at least one option"),
    (dict(name="a", options=[1], kind="knob"), "kind"),
])
def test_control_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Control(**kwargs)


def test_control_default_must_be_an_option():
    with pytest.raises(ValueError, match="not one of its options"):
        Control("a", [1, 2], default=3).default_index


def test_rounding_keeps_four_significant_digits():
    spec = figures.rounded(go.Figure(go.Scatter(y=np.array([np.pi, 1e-9 * np.e, np.nan]))))
    assert spec["data"][0]["y"] == [3.142, 2.718e-09, None]
    json.dumps(spec)


@pytest.mark.parametrize("tie", [1.5625, 1.953125, -0.03125, 56051.5, 0.44445])
def test_rounding_of_a_tie_does_not_depend_on_the_last_bit(tie):
    """A value on a rounding tie, and its neighbours one or a few ulps away (BLAS-kernel noise), round alike."""
    noisy = [tie, *(np.nextafter(tie, s * np.inf) for s in (-1, 1)), tie * (1 + 4e-15), tie * (1 - 4e-15)]
    assert len({figures.rounded(go.Figure(go.Scatter(y=[v])))["data"][0]["y"][0] for v in noisy}) == 1


def test_max_states_is_enforced_at_the_boundary():
    at_limit = explorable(line, [Control("a", list(range(MAX_STATES)))])   # exactly at the limit is fine
    assert at_limit.values == {"a": 0}
    with pytest.raises(ValueError, match=f"would need {MAX_STATES + 1} precomputed states"):
        explorable(line, [Control("a", list(range(MAX_STATES + 1)))])
    # a control left out of the static figure does not count
    explorable(line, [Control("a", list(range(MAX_STATES))), Control("b", [0.0, 1.0], static=False)])


def test_numeric_buttons_are_labelled_with_their_control():
    ex = explorable(line, [Control("a", [1, 2], kind="buttons", label="T"), Control("b", {"zero": 0.0}, kind="buttons")])
    spec, _ = ex.static_figure()
    labels = [[b["label"] for b in m["buttons"]] for m in spec["layout"]["updatemenus"]]
    assert labels == [["T = 1", "T = 2"], ["zero"]]
