"""The flagship 'step through an unrolled LSTM' widget, the CS 615 form and the trained scalar cell."""
import re

import numpy as np
import pytest

from lstmlib.core.lstm import LSTMParams, lstm_step
from lstmlib.lectures.scalar_lstm import HAND_SET, cs615_step, cs615_weights, scalar_lstm, unrolled
from lstmlib.widgets.lstm_stepper import PRESET_SEQUENCES, lstm_stepper, parse_sequence, render_lstm_steps
from lstmlib.data.toy import first_element_task
from lstmlib.viz.lstm_figures import step_equations
from lstmlib.torchside.memory import train_scalar_lstm


def test_scalar_lstm_names():
    p = scalar_lstm(beta_f=1.5, W_xc=0.25, W_2=2.0, beta_2=-1.0)
    assert p.D == p.H == p.K == 1
    assert p.b_f[0] == 1.5 and p.W_xg[0, 0] == 0.25 and p.W_hy[0, 0] == 2.0 and p.b_y[0] == -1.0
    assert p.W_xi[0, 0] == HAND_SET["W_xi"]
    with pytest.raises(ValueError, match="unknown weight"):
        scalar_lstm(W_q=1.0)


def test_equations_match_lstm_step():
    p = scalar_lstm()
    tr = unrolled(p, "1, -1, 0.5")
    s = lstm_step(p, tr.x[2], tr.h[1], tr.c[1])
    lines = step_equations(p, tr, 2)
    for q, line in zip(("f", "i", "g", "o", "c", "h"), lines):
        assert line.startswith(f"{q}_2 =")
        assert float(re.findall(r"= (-?\d+\.\d+)$", line)[0]) == pytest.approx(getattr(s, q)[0, 0], abs=5e-4)
    # the substituted numbers recompute the result
    f_line = lines[0]
    assert "0.500·(-1.00)" in f_line and "σ(" in f_line
    with pytest.raises(ValueError, match="t must be"):
        step_equations(p, tr, 3)


@pytest.mark.parametrize("bad, msg", [("1, x", "number"), ("", "at least one"), (",".join(["1"] * 13), "at most"),
                                      ("11", "\\[-10, 10\\]"), ([[1, 2]], "dimension")])
def test_bad_sequences(bad, msg):
    with pytest.raises(ValueError, match=msg):
        parse_sequence(bad)
    ex = lstm_stepper()
    assert ex.update(sequence=bad) is False and ex.last_error
    assert ex.update(sequence="1, 2, 3") and ex.last_error is None


def test_updates_and_t_past_the_end():
    ex = lstm_stepper()
    for t in range(4):
        assert ex.update(t=t) and ex.last_error is None
    assert ex.update(sequence="0.5, 0.5", t=3)
    assert "showing t = 1" in ex.figure().layout.title.text
    assert not ex.update(t=-1)


def test_render_shows_every_value_up_to_t():
    p = scalar_lstm()
    fig = render_lstm_steps(p, [1.0, 0.0, 0.0], 1)
    texts = [a.text for a in fig.layout.annotations]
    tr = unrolled(p, [1.0, 0.0, 0.0])
    assert f"c<sub>1</sub> = {tr.c[1, 0, 0]:.3f}" in texts
    assert "f<sub>2</sub> = ?" in texts
    with pytest.raises(ValueError, match="scalar cells"):
        render_lstm_steps(LSTMParams.init(2, 1, rng=np.random.default_rng(0)), [1.0], 0)


def test_static_frames():
    ex = lstm_stepper({"a": scalar_lstm(), "b": scalar_lstm(b_f=-2.0)})
    fig, _ = ex.static_figure()
    assert len(fig["frames"]) == len(PRESET_SEQUENCES) * 2 * 4
    with pytest.raises(ValueError, match="same length"):
        lstm_stepper(sequences={"a": [1, 2], "b": [1, 2, 3]})


def test_cs615_concatenated_form_equals_separate_weights():
    p = LSTMParams.init(3, 4, rng=np.random.default_rng(0))
    rng = np.random.default_rng(1)
    x, h, c = rng.standard_normal((2, 3)), rng.standard_normal((2, 4)), rng.standard_normal((2, 4))
    W = cs615_weights(p)
    assert W["W_f"].shape == (7, 4)
    np.testing.assert_allclose(np.hstack([x, h]) @ W["W_f"], x @ p.W_xf + h @ p.W_hf)
    a, b = cs615_step(p, x, h, c), lstm_step(p, x, h, c)
    for q in ("f", "i", "g", "o", "c", "h", "a_f", "a_i", "a_g", "a_o", "tanh_c"):
        np.testing.assert_allclose(getattr(a, q), getattr(b, q), atol=1e-14)


def test_first_element_task_and_short_training():
    x, y = first_element_task(5, 4, rng=np.random.default_rng(0))
    assert x.shape == (4, 5, 1) and np.all(np.abs(x[0]) == 1) and np.all(np.abs(x[1:]) <= 0.3)
    np.testing.assert_array_equal(y, x[0])
    params, history = train_scalar_lstm(epochs=1)
    assert params.D == params.H == params.K == 1 and len(history) == 20


def test_pipes_and_valves():
    from lstmlib.viz.lstm_figures import pipes_and_valves
    fig = pipes_and_valves(f=1.0, i=0.25, o=0.5)
    texts = " ".join(a.text for a in fig.layout.annotations)
    assert "forget valve<br>f = 1.00" in texts and "memory valve<br>i = 0.25" in texts
    with pytest.raises(ValueError, match="f must be in"):
        pipes_and_valves(f=1.5)


def test_book_build_shows_the_browser_stepper(monkeypatch):
    import html as H
    import json
    import re
    from lstmlib.lectures.scalar_lstm import scalar_lstm
    from lstmlib.widgets.lstm_stepper import lstm_stepper, stepper_live_config, PRESET_SEQUENCES
    monkeypatch.setenv("LSTMLIB_BOOK", "1")
    cell = scalar_lstm(W_hg=2.2222222, W_hy=1.0, b_y=0.0)
    page = lstm_stepper({"a": scalar_lstm(), "b": cell})._repr_mimebundle_()["text/html"]
    assert 'data-widget="lstm_stepper"' in page
    cfg = json.loads(H.unescape(re.search(r'data-config="([^"]*)"', page).group(1)))
    assert cfg == stepper_live_config({"a": scalar_lstm(), "b": cell}, PRESET_SEQUENCES)
    assert cfg["models"]["b"]["W_hg"] == 2.222 and cfg["models"]["b"]["W_hy"] == 1.0   # 4 significant digits
    assert "W_hy" not in cfg["models"]["a"] and cfg["sequence"] == "1, 0, 0, 0"
