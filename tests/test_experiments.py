"""Tests of lstmlib.experiments: runners, forecasting helpers, gender stream, memory unit."""
import numpy as np
import pytest
import torch

from lstmlib.torchside import memory as ex
from lstmlib.data import build_vocab, traffic_lecture
from lstmlib.core.lstm import LSTMParams, lstm_forward
from lstmlib.torchside.bridge import model_to_params
from lstmlib import data
from lstmlib.torchside import forecasting
from lstmlib.torchside import bridge as torch_bridge


def test_set_forget_bias_reaches_numpy_b_f():
    model = ex.make_model("lstm", 3, 4, 2, seed=1, forget_bias=2.5)
    params = model_to_params(model)
    np.testing.assert_allclose(params.b_f, 2.5)
    p = ex.with_forget_bias(LSTMParams.init(2, 3, rng=np.random.default_rng(0)), -1.0)
    np.testing.assert_allclose(p.b_f, -1.0)


def test_make_model_is_repeatable_and_rejects_bad_input():
    a, b = ex.make_model("gru", 2, 3, 2, seed=4), ex.make_model("gru", 2, 3, 2, seed=4)
    for pa, pb in zip(a.parameters(), b.parameters()):
        assert torch.equal(pa, pb)
    with pytest.raises(ValueError, match="kind"):
        ex.make_model("transformer", 2, 3, 2)
    with pytest.raises(ValueError, match="forget_bias applies"):
        ex.make_model("rnn", 2, 3, 2, forget_bias=1.0)
    with pytest.raises(ValueError, match="finite"):
        torch_bridge.set_forget_bias(ex.make_model("lstm", 2, 3, 2), float("nan"))


def test_run_memory_task_short_lstm_solves_and_repeats():
    a = ex.run_memory_task("lstm", 5, steps=150, H=8, seed=0, forget_bias=1.0, n_test=200)
    b = ex.run_memory_task("lstm", 5, steps=150, H=8, seed=0, forget_bias=1.0, n_test=200)
    assert a.history.shape == (150,) and np.array_equal(a.history, b.history)
    assert a.score == b.score and a.solved
    table = ex.success_table([a, b])
    assert table[("lstm", 5)] == (2, 2, a.score)


def test_adding_task_scores_mse():
    r = ex.run_memory_task("rnn", 6, task="adding", steps=5, H=4, n_test=50)
    assert r.task == "adding" and r.score > 0 and r.solved == (r.score < 0.01)
    with pytest.raises(ValueError, match="task"):
        ex.run_memory_task("rnn", 6, task="copy", steps=5)
    with pytest.raises(ValueError, match="non-empty"):
        ex.sweep([], [5], [0])


def test_first_step_below():
    h = np.r_[np.ones(30), np.zeros(30)]
    # the window of 10 ending at step 35 holds steps 26..35: 4 ones, 6 zeros, mean 0.4 < 0.5
    assert ex.first_step_below(h, 0.5, window=10) == 35
    assert ex.first_step_below(h, -1.0, window=10) is None


def test_recurrent_macs_match_the_matrix_shapes():
    D, H = 10, 16
    for kind, G in [("rnn", 1), ("gru", 3), ("lstm", 4)]:
        model = ex.make_model(kind, D, H, 2)
        w = model.rnn.weight_ih_l0.numel() + model.rnn.weight_hh_l0.numel()   # one weight = one multiply-add
        assert ex.recurrent_macs(kind, D, H) == w == G * (D + H) * H


def test_naive_baselines_on_the_lecture_numbers():
    _, v = traffic_lecture()
    assert forecasting.naive_last(v) == 366.0
    assert forecasting.naive_trend(v, 2) == pytest.approx(366.0 + (366.0 - 485.0))
    slope, icpt = np.polyfit(np.arange(3), v[-3:], 1)
    assert forecasting.naive_trend(v, 3) == pytest.approx(icpt + 3 * slope)
    preds = forecasting.rolling_predictions(v, np.arange(1, 9), forecasting.naive_last)
    np.testing.assert_array_equal(preds, v[:8])
    with pytest.raises(ValueError, match="origins"):
        forecasting.rolling_predictions(v, [0], forecasting.naive_last)


def test_residual_interval_and_coverage():
    errors = np.arange(-10.0, 11.0)             # 21 values: the 5% and 95% quantiles are -9 and 9
    lo, hi = forecasting.residual_interval(100.0, errors, 0.9)
    assert (lo, hi) == (91.0, 109.0)
    assert forecasting.coverage([90, 95, 100, 110], 91.0, 109.0) == 0.5
    assert forecasting.rmse([1.0, 3.0], [1.0, 1.0]) == pytest.approx(np.sqrt(2.0))
    with pytest.raises(ValueError, match="level"):
        forecasting.residual_interval(0.0, errors, 1.5)


def test_capacity_decision():
    assert forecasting.capacity_decision(366, 100, 300) == "reduce"
    assert forecasting.capacity_decision(366, 400, 500) == "add"
    assert forecasting.capacity_decision(366, 300, 400) == "hold"
    with pytest.raises(ValueError, match="low must be <= high"):
        forecasting.capacity_decision(366, 400, 300)


def test_forecaster_shapes_and_repeatability():
    v = np.sin(np.arange(30) / 3.0) * 10 + 50
    f1 = forecasting.fit_forecaster(v[:25], 4, n_models=2, steps=20)
    f2 = forecasting.fit_forecaster(v[:25], 4, n_models=2, steps=20)
    p1 = forecasting.forecast(f1, v, np.arange(25, 31))
    assert p1.shape == (2, 6)
    np.testing.assert_array_equal(p1, forecasting.forecast(f2, v, np.arange(25, 31)))
    # the forecast of values[o] starts from values[o - 1]: a zero model would predict persistence
    assert forecasting.forecast(f1, v).shape == (2, 1)
    with pytest.raises(ValueError, match="origins"):
        forecasting.forecast(f1, v, [3])
    with pytest.raises(ValueError, match="at least"):
        forecasting.fit_forecaster(v[:5], 4)


def test_gender_stream_targets_follow_each_subject():
    seqs, targets = data.gender_stream(20, rng=np.random.default_rng(0), n_sentences=2)
    from lstmlib.data import FEMALE_NAMES, MALE_NAMES
    for s, t in zip(seqs, targets):
        assert len(s) == len(t)
        starts = [0] + [k + 1 for k, w in enumerate(s[:-1]) if w == "later"]
        assert len(starts) == 2
        for a in starts:
            assert t[a] == (1 if s[a] in FEMALE_NAMES else 0) and s[a] in FEMALE_NAMES + MALE_NAMES
    vocab = build_vocab([w for s in seqs for w in s])
    batches = ex.length_batches(vocab, seqs, targets, batch=4)
    assert sum(x.shape[1] for x, _ in batches) == 20
    for x, t in batches:
        assert x.shape[:2] == t.shape and x.shape[2] == len(vocab)
    with pytest.raises(ValueError, match="equal length"):
        ex.length_batches(vocab, seqs, targets[:3])


def test_memory_unit_finds_the_separating_unit():
    rng = np.random.default_rng(0)
    labels = np.r_[np.zeros(50, int), np.ones(50, int)]
    c = rng.normal(size=(100, 5))
    c[:, 3] += 4 * labels
    unit, sep = ex.memory_unit(c, labels)
    assert unit == 3 and sep.shape == (5,) and sep[3] > 3
    with pytest.raises(ValueError, match="both 0 and 1"):
        ex.memory_unit(c, np.zeros(100, int))


def test_numpy_trace_of_a_trained_model_matches_torch():
    model = ex.make_model("lstm", 3, 4, 2, seed=0, forget_bias=1.0)
    x = np.random.default_rng(1).normal(size=(6, 2, 3))
    trace = lstm_forward(model_to_params(model), x)
    y = model_to_params(model)
    np.testing.assert_allclose(trace.h[-1] @ y.W_hy + y.b_y, ex.predict_last(model, x), atol=1e-5)


def test_predict_all_ends_with_predict_last():
    model = ex.make_model("rnn", 2, 3, 4, seed=0)
    x = np.random.default_rng(0).normal(size=(5, 2, 2))
    y = ex.predict_all(model, x)
    assert y.shape == (5, 2, 4)
    np.testing.assert_array_equal(y[-1], ex.predict_last(model, x))
    with pytest.raises(ValueError, match="x"):
        ex.predict_all(model, np.zeros((5, 2)))


def test_time_forward_backward_rejects_bad_input():
    # what it measures is wall-clock time, which benchmarks/ reads; here only its input checks
    with pytest.raises(ValueError, match="repeats"):
        ex.time_forward_backward("lstm", repeats=0)
    with pytest.raises(ValueError, match="kind"):
        ex.time_forward_backward("transformer")
