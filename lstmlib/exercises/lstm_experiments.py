"""Exercises of Part III, chapters 5-8 (what the LSTM buys). Each function computes its answer with lstmlib."""
from __future__ import annotations

from lstmlib.exercises import exercise
from lstmlib.torchside import memory as ex
from lstmlib.data import harry_sally_invalid_sentences, traffic_lecture
from lstmlib.exercises.lstm_cell import _cell_carry, _cell_path_gains
from lstmlib.torchside import forecasting


@exercise("p3b-forget-survival", "With f_t = sigma(b_f) at every step, c_49 keeps sigma(b_f)**49 of c_0.", rtol=1e-3)
def _forget_survival():
    return _cell_carry(3.0, 49)


@exercise("p3b-forget-bias-needed", "Solve sigma(b)**49 = 0.5 for sigma(b), then invert the sigmoid: b = log(s / (1 - s)).",
          rtol=1e-3)
def _forget_bias_needed():
    low, high = 0.0, 20.0                                # _cell_carry(b, 49) grows with b: bisect for 1/2
    for _ in range(60):
        mid = (low + high) / 2
        low, high = (mid, high) if _cell_carry(mid, 49) < 0.5 else (low, mid)
    return (low + high) / 2


@exercise("p3b-trend3", "Fit a straight line to the last three values by least squares and extend it one hour; for three equally spaced points the slope is (last - first) / 2 and the line passes through their mean.",
          rtol=1e-4)
def _trend3():
    return forecasting.naive_trend(traffic_lecture()[1], 3)


@exercise("p3b-decision", "Build the interval around the last-value forecast from its past errors; act only when the whole interval lies above (add capacity) or below (reduce it) the current level.")
def _decision():
    v = traffic_lecture()[1]
    errors = v[1:] - forecasting.rolling_predictions(v, range(1, 8), forecasting.naive_last)
    low, high = forecasting.residual_interval(forecasting.naive_last(v), errors, 0.8)
    return forecasting.capacity_decision(v[-1], float(low), float(high))


@exercise("p3b-lstm-params", "torch keeps two bias vectors per gate: 4H(D + H) weights + 8H biases, plus H K + K "
          "for the output layer.")
def _lstm_params():
    from lstmlib.torchside.cnn import count_parameters
    return count_parameters(ex.make_model("lstm", 11, 8, 2))


@exercise("p3b-one-word-memory", "A model that remembers only the previous word accepts any chain of allowed word pairs. List those chains of at most 4 tokens that end with '.', and keep the ones the grammar rejects.")
def _one_word_memory():
    return len(harry_sally_invalid_sentences(4))


@exercise("p3b-macs-ratio", "recurrent_macs counts G (D + H) H multiply-adds; G is 4 for the LSTM, 1 for the RNN.")
def _macs_ratio():
    return ex.recurrent_macs("lstm", 10, 32) / ex.recurrent_macs("rnn", 10, 32)


@exercise("p3b-carousel", "Along the cell path alone, dc_T/dc_0 is the product of the forget gates: 0.9 ** 50.",
          rtol=1e-4)
def _carousel():
    import numpy as np
    return float(_cell_path_gains(np.log(0.9 / 0.1), 50)[-1])        # sigma(log(9)) = 0.9
