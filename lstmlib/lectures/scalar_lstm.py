"""A scalar LSTM (D = H = 1) with hand-set weights, unrolled; the CS 615 concatenated form.
"""
from __future__ import annotations

import numpy as np
from lstmlib.core.base import sigmoid
from lstmlib.core.lstm import GATES, LSTMParams, LSTMStep, LSTMTrace, lstm_forward
from lstmlib.core.validate import as_float_array, check_instance, check_shape

__all__ = ["scalar_lstm", "unrolled", "cs615_weights", "cs615_step", "HAND_SET", "SINGH_NAMES",
           "SINGH_TRAINING_PARAMETERS", "parse_sequence"]


# A hand-set scalar cell (the lecture gives no numbers): the forget gate is mostly open, the
# input gate opens for positive inputs, the candidate follows x, the output gate leans open.
HAND_SET = {"W_xf": -1.0, "W_hf": 0.5, "b_f": 2.0,
            "W_xi": 3.0, "W_hi": 0.5, "b_i": -1.0,
            "W_xg": 2.0, "W_hg": -1.0, "b_g": 0.0,
            "W_xo": 1.0, "W_ho": 1.0, "b_o": 0.5}


# Singh's names -> the book's (his candidate is C~ with weights W_xc, W_hc, beta_c).
SINGH_NAMES = {"W_xf": "W_xf", "W_hf": "W_hf", "beta_f": "b_f", "W_xi": "W_xi", "W_hi": "W_hi",
               "beta_i": "b_i", "W_xc": "W_xg", "W_hc": "W_hg", "beta_c": "b_g", "W_xo": "W_xo",
               "W_ho": "W_ho", "beta_o": "b_o", "W_2": "W_hy", "beta_2": "b_y"}


# The parameters Singh's "Training the LSTM" slides list (17 names, typed from the slide, in its order).
# W_h1, W_1 and beta_1 are the RNN cell's recurrent weight, input weight and bias from his earlier
# slides: no LSTM equation uses them, so the cell with its output layer has 14 (see the errata).
SINGH_TRAINING_PARAMETERS = ("W_h1", "W_1", "W_2", "W_xf", "W_xi", "W_xo", "W_hf", "W_hi", "W_ho", "W_xc", "W_hc",
                             "beta_1", "beta_2", "beta_f", "beta_i", "beta_o", "beta_c")


MAX_STEPS = 12


def parse_sequence(seq) -> np.ndarray:
    """A sequence of 1..12 finite numbers in [-10, 10] from a list or from text like "1, -0.5, 2"."""
    if isinstance(seq, str):
        parts = [p.strip() for p in seq.replace(";", ",").split(",")]
        if not any(parts):
            raise ValueError("type at least one number, e.g. 1, 0, 0")
        try:
            seq = [float(p) for p in parts if p != ""]
        except ValueError:
            bad = next(p for p in parts if not _is_number(p))
            raise ValueError(f"every entry must be a number separated by commas, got {bad!r}") from None
    x = as_float_array(seq, "sequence", 1, "(T,)")
    if x.size > MAX_STEPS:
        raise ValueError(f"the sequence may have at most {MAX_STEPS} numbers, got {x.size}")
    if np.any(np.abs(x) > 10):
        raise ValueError(f"keep the inputs in [-10, 10], got {x[np.abs(x) > 10][0]:g}")
    return x


def _is_number(s: str) -> bool:
    try:
        float(s)
        return True
    except ValueError:
        return False


def scalar_lstm(**weights) -> LSTMParams:
    """A scalar LSTM (D = H = 1) from numbers; missing gate weights come from ``HAND_SET``.

    Accepts the book's names (W_xf, b_f, ..., W_hy, b_y) or Singh's (beta_f, W_xc, W_2, beta_2, ...).
    W_hy and b_y (the output layer, Singh's W_2 and beta_2) are optional but go together.
    """
    values = dict(HAND_SET)
    for name, v in weights.items():
        book = SINGH_NAMES.get(name, name)
        if book not in SINGH_NAMES.values():
            raise ValueError(f"unknown weight {name!r}; expected one of {sorted(SINGH_NAMES.values())} "
                             f"or Singh's names {sorted(SINGH_NAMES)}")
        try:
            values[book] = float(v)
        except (TypeError, ValueError):
            raise ValueError(f"weight {name} must be a number, got {v!r}") from None
    arrays = {n: np.array([[v]]) if n.startswith("W") else np.array([v]) for n, v in values.items()}
    return LSTMParams(**arrays)


def unrolled(params: LSTMParams, seq) -> LSTMTrace:
    """The trace of a scalar LSTM over a sequence (T,) from h_{-1} = c_{-1} = 0."""
    check_instance(params, "params", LSTMParams)
    if params.D != 1 or params.H != 1:
        raise ValueError(f"the stepper draws scalar cells (D = H = 1), got D={params.D}, H={params.H}")
    x = parse_sequence(seq)
    return lstm_forward(params, x[:, None, None])


def cs615_weights(params: LSTMParams) -> dict:
    """CS 615's stacked weights W_f, W_i, W_C, W_o, each (D + H, H): rows of W_x* on top of W_h*,
    so that [x, h] W_* = x W_x* + h W_h*. (CS 615 writes no biases; b_* stay separate.)"""
    check_instance(params, "params", LSTMParams)
    lecture = {"f": "W_f", "i": "W_i", "g": "W_C", "o": "W_o"}
    return {lecture[q]: np.vstack([getattr(params, f"W_x{q}"), getattr(params, f"W_h{q}")]) for q in GATES}


def cs615_step(params: LSTMParams, x_t, h_prev, c_prev) -> LSTMStep:
    """One step in CS 615's form: z = [x_t, h_{t-1}] (N, D + H), f = sigma(z W_f + b_f), ...;
    returns the LSTMStep (f, i, g, o, c, h, ...) that ``lstm_step`` returns too."""
    x_t = as_float_array(x_t, "x_t", 2, "(N, D)")
    h_prev = as_float_array(h_prev, "h_prev", 2, "(N, H)")
    c_prev = as_float_array(c_prev, "c_prev", 2, "(N, H)")
    check_shape(x_t, "x_t", (None, params.D), "(N, D)")
    check_shape(h_prev, "h_prev", (x_t.shape[0], params.H), "(N, H)")
    check_shape(c_prev, "c_prev", h_prev.shape, "(N, H)")
    Wc = cs615_weights(params)
    z = np.hstack([x_t, h_prev])                                   # [x, h]: concatenate along features
    a_f = z @ Wc["W_f"] + params.b_f
    a_i = z @ Wc["W_i"] + params.b_i
    a_g = z @ Wc["W_C"] + params.b_g
    a_o = z @ Wc["W_o"] + params.b_o
    f, i, g, o = sigmoid(a_f), sigmoid(a_i), np.tanh(a_g), sigmoid(a_o)
    c = f * c_prev + i * g
    tanh_c = np.tanh(c)
    return LSTMStep(f=f, i=i, g=g, o=o, c=c, h=o * tanh_c, a_f=a_f, a_i=a_i, a_g=a_g, a_o=a_o, tanh_c=tanh_c)
