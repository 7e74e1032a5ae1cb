"""The numbers that Part III, chapters 5-8 state in their prose, and the errata of _errata-part3b.md."""
import dataclasses

import numpy as np
import pytest

from lstmlib.torchside import memory as ex
from lstmlib.core.bptt import last_step_gradient_norms
from lstmlib.torchside.cnn import count_parameters
from lstmlib.data import harry_sally_invalid_sentences, remember_first, traffic_lecture, wwwusage
from lstmlib.core.lstm import LSTMParams, lstm_forward
from lstmlib.core.rnn import RNNParams
from lstmlib.torchside import forecasting

SETTINGS = dict(H=16, steps=500, lr=1e-2, n_distractors=8)


# ------------------------------------------------------------------ chapter 5
def _cell_left(b_f, steps):
    """c after ``steps`` steps of lstm_forward from c_0 = 1, forget gate sigma(b_f) (nothing feeds it),
    input gate shut: the fraction of c_0 the cell still holds."""
    w = {n: np.zeros(s) for n, s in LSTMParams.shapes(1, 1).items()}
    w.update(b_f=np.array([b_f]), b_i=np.array([-50.0]), W_xg=np.ones((1, 1)), W_xo=np.ones((1, 1)))
    x = np.random.default_rng(0).uniform(-1, 1, (steps, 1, 1))
    return lstm_forward(LSTMParams(**w), x, c0=np.ones((1, 1))).c[-1, 0, 0]


def test_forget_bias_survival_fractions():
    assert _cell_left(0.0, 49) == pytest.approx(1.78e-15, rel=1e-2)
    assert _cell_left(1.0, 49) == pytest.approx(2.16e-7, rel=1e-2)
    assert _cell_left(3.0, 49) == pytest.approx(0.0925, rel=1e-2)
    assert _cell_left(3.0, 99) == pytest.approx(0.0081, rel=1e-2)


def test_lstm_remembers_at_50_steps_where_the_rnn_guesses():
    lstm = ex.run_memory_task("lstm", 50, seed=1, forget_bias=3.0, **SETTINGS)
    rnn = ex.run_memory_task("rnn", 50, seed=0, **SETTINGS)
    assert lstm.score >= 0.99 and ex.first_step_below(lstm.history, 0.1) < 100
    assert 0.4 < rnn.score < 0.6


# ------------------------------------------------------------------ chapter 6
def test_traffic_baselines_errors_and_decisions():
    _, v = traffic_lecture()
    assert forecasting.naive_trend(v, 2) == pytest.approx(247.0)
    assert forecasting.naive_trend(v, 3) == pytest.approx(169.667, abs=1e-3)
    last = forecasting.rolling_predictions(v, np.arange(1, 8), forecasting.naive_last)
    trend = forecasting.rolling_predictions(v, np.arange(2, 8), lambda s: forecasting.naive_trend(s, 2))
    assert forecasting.rmse(v[1:], last) == pytest.approx(133.3, abs=0.05)
    assert forecasting.rmse(v[2:], trend) == pytest.approx(99.1, abs=0.05)
    lo, hi = forecasting.residual_interval(366.0, v[1:] - last, 0.8)
    assert (round(lo), round(hi)) == (185, 480)
    assert forecasting.capacity_decision(366.0, lo, hi) == "hold"
    lo, hi = forecasting.residual_interval(247.0, v[2:] - trend, 0.8)
    assert (round(lo), round(hi)) == (118, 318)
    assert forecasting.capacity_decision(366.0, lo, hi) == "reduce"


def test_wwwusage_baselines():
    w = wwwusage()
    o = np.arange(80, 100)
    assert forecasting.rmse(w[o], forecasting.rolling_predictions(w, o, forecasting.naive_last)) == pytest.approx(7.21, abs=0.005)
    assert forecasting.rmse(w[o], forecasting.rolling_predictions(w, o, lambda s: forecasting.naive_trend(s, 2))) == pytest.approx(3.73, abs=0.005)


# ------------------------------------------------------------------ chapter 7
def test_one_word_memory_sentences():
    assert harry_sally_invalid_sentences(4) == ["Harry.", "James.", "Sally.", "Harry met Harry.",
                                                "James met James.", "Sally met Sally."]


# ------------------------------------------------------------------ chapter 8 and the errata
def test_erratum_lstm_costs_four_times_the_multiply_adds():
    """CS 615 'LSTM Benefits': not more efficient; 4x the matrix work and ~4x the parameters."""
    D, H = 10, 64
    assert [ex.recurrent_macs(k, D, H) for k in ("rnn", "gru", "lstm")] == [4736, 14208, 18944]
    assert [count_parameters(ex.make_model(k, D, H, 2)) for k in ("rnn", "gru", "lstm")] == [4994, 14722, 19586]
    assert ex.recurrent_macs("lstm", D, H) == 4 * ex.recurrent_macs("rnn", D, H)


def _gradient_setup():
    x, _ = remember_first(32, 100, n_classes=2, n_distractors=8, rng=np.random.default_rng(1))
    rnn = RNNParams.init(10, 16, rng=np.random.default_rng(0))
    lstm = LSTMParams.init(10, 16, rng=np.random.default_rng(0))
    return x, rnn, lstm


def test_erratum_bounded_activations_do_not_prevent_vanishing():
    """CS 615 'LSTM Benefits': the tanh RNN vanishes; the cell path with f near 1 is what helps."""
    x, rnn, lstm = _gradient_setup()
    g_rnn = last_step_gradient_norms(rnn, x)
    g_lstm0 = last_step_gradient_norms(ex.with_forget_bias(lstm, 0.0), x)
    g_lstm3 = last_step_gradient_norms(ex.with_forget_bias(lstm, 3.0), x)
    assert g_rnn[-1] == pytest.approx(1.0)
    assert g_rnn[0] < 1e-26 and g_lstm0[0] < 1e-20          # both vanish over 99 steps
    assert g_lstm3[0] > 1e-4                                  # the carousel keeps the gradient
    assert g_lstm3[0] / g_rnn[0] > 1e20


def test_lstm_gradients_can_still_explode():
    x, rnn, lstm = _gradient_setup()
    lstm3 = ex.with_forget_bias(lstm, 3.0)
    big = dataclasses.replace(lstm3, **{f"W_h{q}": 6 * getattr(lstm3, f"W_h{q}") for q in "figo"})
    assert last_step_gradient_norms(big, x)[0] > 100
    assert last_step_gradient_norms(dataclasses.replace(rnn, W_hh=6 * rnn.W_hh), x)[0] > 1e15


def test_adding_problem_lstm_solves_t30_rnn_does_not():
    lstm = ex.run_memory_task("lstm", 30, task="adding", steps=1000, lr=1e-2, forget_bias=3.0)
    rnn = ex.run_memory_task("rnn", 30, task="adding", steps=1000, lr=1e-2)
    assert lstm.solved and not rnn.solved and rnn.score > 0.1
