"""The flagship 'watch gradient norms vanish' widget."""
import numpy as np
import pytest

from lstmlib.core.bptt import last_step_gradient_norms
from lstmlib.widgets.gradients import (STATIC_RHOS, STATIC_SETUPS, STATIC_TS, SetupPicker, gradient_explorer,
                                       parse_setup, render_gradients)
from lstmlib.lectures.vanishing import gradient_norm_curve, network


def test_linear_rnn_curve_is_the_prediction():
    n = gradient_norm_curve("RNN", 0.8, 20, "linear")
    np.testing.assert_allclose(n, 0.8 ** (19.0 - np.arange(20)), rtol=1e-10)
    fig = render_gradients(0.8, 20, ("RNN", "linear", 0.0))
    np.testing.assert_allclose(np.array(fig.data[0].y, float), np.array(fig.data[1].y, float), rtol=1e-10)
    assert fig.layout.yaxis.type == "log"


def test_curve_is_lstmlib_bptt_and_lstm_forget_bias_helps():
    x = np.random.default_rng(1000).standard_normal((400, 1, 1))[:30]
    np.testing.assert_allclose(gradient_norm_curve("GRU", 0.9, 30),
                               last_step_gradient_norms(network("GRU", 0.9), x))
    assert network("LSTM", 0.9, "tanh", 3.0).b_f[0] == 3.0
    closed = gradient_norm_curve("LSTM", 0.9, 50, forget_bias=0.0)[0]
    open_ = gradient_norm_curve("LSTM", 0.9, 50, forget_bias=3.0)[0]
    assert open_ > 1e4 * closed


def test_updates_good_and_bad():
    ex = gradient_explorer()
    assert ex.update(rho=1.1, T=100) and ex.last_error is None
    assert ex.update(setup=("LSTM", "tanh", 2.5))
    assert not ex.update(rho=-0.5) and "rho" in ex.last_error
    assert not ex.update(rho=0.9, T=1) and "T must be" in ex.last_error
    assert not ex.update(T=20, setup=("CNN", "tanh", 0.0)) and "model" in ex.last_error
    assert not ex.update(setup=("LSTM", "tanh", "open")) and "forget_bias" in ex.last_error
    assert ex.update(setup="GRU") and ex.last_error is None


def test_exploding_values_do_not_break_the_figure():
    fig = render_gradients(0.1, 400, ("RNN", "linear", 0.0))   # 0.1^399 underflows to 0
    assert fig.data[1].y[0] is None and fig.data[0].y[0] is None
    assert "0 (underflow)" in fig.layout.title.text
    big = render_gradients(3.0, 400, ("RNN", "linear", 0.0))
    assert big.data[0].y[0] is None and "overflow" in big.layout.title.text   # ||.||^2 > 1e308
    assert render_gradients(3.0, 200, ("RNN", "linear", 0.0)).data[0].y[0] == pytest.approx(3.0 ** 199, rel=1e-8)


def test_static_frames():
    fig, script = gradient_explorer().static_figure()
    assert len(fig["frames"]) == len(STATIC_RHOS) * len(STATIC_TS) == 12
    assert len(fig["data"]) == len(STATIC_SETUPS) + 1                      # every model overlaid, and rho^k
    assert fig["layout"]["legend"]["y"] < 0                                  # the legend sits under the plot
    assert "plotly_sliderchange" in script


def test_setup_picker_value():
    w = SetupPicker()
    assert w.value == ("RNN", "tanh", 0.0)
    w.model.value = "LSTM"
    w.forget_bias.value = 2.0
    assert w.value == ("LSTM", "tanh", 2.0)
    assert parse_setup(w.value) == ("LSTM", "tanh", 2.0)
    with pytest.raises(ValueError, match="setup must be"):
        parse_setup("LSTM")


def test_overlay_draws_each_setup_with_its_own_curve():
    fig = render_gradients(0.9, 30, "LSTM, b_f = 3", compare=["RNN, tanh", ("GRU", "tanh", 0.0)])
    assert len(fig.data) == 4
    np.testing.assert_allclose(np.array(fig.data[3].y, float), gradient_norm_curve("GRU", 0.9, 30), rtol=1e-3)
    np.testing.assert_allclose(np.array(fig.data[0].y, float),
                               gradient_norm_curve("LSTM", 0.9, 30, forget_bias=3.0), rtol=1e-3)
    assert "3 networks" in fig.layout.title.text
    with pytest.raises(ValueError, match="compare"):
        render_gradients(0.9, 30, compare="GRU")


def test_compare_picker_drives_the_live_widget():
    from lstmlib.widgets.gradients import ComparePicker
    ex = gradient_explorer()
    box = ex.widget()
    picker = next(c for c in box.children if isinstance(c, ComparePicker))
    picker.boxes["GRU"].value = False
    assert "GRU" not in ex.values["compare"] and ex.last_error is None
    assert len(ex.figure().data) == 2 + len(ex.values["compare"])


def test_y_axis_is_shared_over_rho_so_the_curves_tilt_on_a_fixed_scale():
    """Default: for one T the y range is the same at every rho of the static slider and covers every curve
    there; "fitted" fits the curves drawn; anything else is refused with the choices."""
    ranges = {tuple(render_gradients(rho, 50).layout.yaxis.range) for rho in STATIC_RHOS}
    assert len(ranges) == 1
    lo, hi = ranges.pop()
    for rho in STATIC_RHOS:
        for setup in STATIC_SETUPS.values():
            c = gradient_norm_curve(*setup[:1], rho, 50, setup[1], setup[2])
            c = c[np.isfinite(c) & (c > 0)]
            assert lo < np.log10(c.min()) and np.log10(c.max()) < hi
    f_lo, f_hi = render_gradients(0.9, 50, y_axis="fitted").layout.yaxis.range
    assert lo < f_lo and f_hi < hi
    big_lo, big_hi = render_gradients(2.0, 50).layout.yaxis.range       # a live rho beyond the static ones
    assert big_hi > hi and np.log10(2.0 ** 49) < big_hi
    fig, _ = gradient_explorer().static_figure()
    assert len({tuple(f["layout"]["yaxis"]["range"]) for f in fig["frames"]}) == len(STATIC_TS)
    with pytest.raises(ValueError, match="y_axis must be one of"):
        render_gradients(0.9, 50, y_axis="log")
    ex = gradient_explorer()
    assert ex.update(y_axis="fitted") and not ex.update(y_axis="tight") and "y_axis" in ex.last_error
