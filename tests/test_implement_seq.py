"""Implement-it checkers of Parts II and III (lstmlib.exercises.implement_seq): two different correct
implementations of each exercise pass; typical wrong ones fail with a message that names the wrong output
and where, and a hint that names the mistake; a stub that raises NotImplementedError gets a message."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from lstmlib.core.bptt import clip_arrays_by_global_norm
from lstmlib.core.lstm import lstm_step
from lstmlib.exercises import (check_clip_by_global_norm, check_forget_bias, check_lstm_forward,
                               check_memory_unit, check_next_token_batch, check_rnn_forward, check_rnn_jacobians,
                               check_rolling_trend_errors)
from implement_asserts import assert_fails  # noqa: E402


def stub(*args):
    raise NotImplementedError


@pytest.mark.parametrize("checker", [check_next_token_batch, check_rnn_forward, check_rnn_jacobians,
                                     check_lstm_forward, check_forget_bias, check_rolling_trend_errors,
                                     check_memory_unit, check_clip_by_global_norm])
def test_a_stub_is_reported_not_raised(checker):
    res = checker(stub)
    assert not res.passed and "not implemented yet" in res.message and "stub" in res.message
    bad = checker(42)
    assert not bad.passed and "pass your function itself" in bad.message


# ------------------------------------------------------------------ II.1: next-token batch
def batch_loops(indices, T, K):
    starts = list(range(0, len(indices) - T, T))
    x = np.zeros((T, len(starts), K))
    targets = np.zeros((T, len(starts)), dtype=int)
    for m, s in enumerate(starts):
        for t in range(T):
            x[t, m, indices[s + t]] = 1.0
            targets[t, m] = indices[s + t + 1]
    return x, targets


def batch_reshape(indices, T, K):
    M = (len(indices) - 1) // T
    inp = indices[:M * T].reshape(M, T).T            # (T, M)
    tgt = indices[1:M * T + 1].reshape(M, T).T
    return np.eye(K)[inp], tgt


def batch_not_shifted(indices, T, K):
    x, _ = batch_loops(indices, T, K)
    return x, x.argmax(-1)


def batch_first(indices, T, K):
    x, t = batch_loops(indices, T, K)
    return x.transpose(1, 0, 2), t.T


def batch_width_from_data(indices, T, K):
    x, t = batch_loops(indices, T, int(indices.max()) + 1)
    return x, t


def batch_too_many_windows(indices, T, K):            # L // T windows: the last one runs past the text
    M = len(indices) // T
    padded = np.r_[indices, indices[:1]]
    inp = padded[:M * T].reshape(M, T).T
    tgt = padded[1:M * T + 1].reshape(M, T).T
    return np.eye(K)[inp], tgt


def batch_backwards(indices, T, K):
    x, _ = batch_loops(indices, T, K)
    inp = x.argmax(-1)
    starts = np.arange(inp.shape[1]) * T
    rows = starts[None, :] + np.arange(T)[:, None]
    return x, indices[rows - 1]


def test_next_token_batch_accepts_two_correct_implementations():
    assert check_next_token_batch(batch_loops).passed and check_next_token_batch(batch_reshape).passed


@pytest.mark.parametrize("wrong, needles", [
    (batch_not_shifted, ["targets at index", "expected", "got", "FOLLOWS"]),
    (batch_backwards, ["targets at index", "forwards in time"]),
    (batch_first, ["x at index", "time-first", "you built x[m, t]"]),
    (batch_width_from_data, ["First wrong case: K = 10 but only tokens 0 to 3 occur", "x has shape (5, 5, 4), "
                             "expected (5, 5, 10)", "K, not the largest index"]),
    (batch_too_many_windows, ["First wrong case: one time step (T = 1)", "x has shape (1, 6, 3), expected (1, 5, 3)",
                              "start + T <= L - 1"]),
])
def test_next_token_batch_rejects_typical_mistakes(wrong, needles):
    assert_fails(check_next_token_batch(wrong), *needles)


# ------------------------------------------------------------------ II.3: RNN forward over a sequence
def rnn_loop(params, x, h_init):
    hs, h = [], h_init
    for x_t in x:
        h = np.tanh(x_t @ params.W_xh + h @ params.W_hh + params.b_h)
        hs.append(h)
    h = np.stack(hs)
    return h, h @ params.W_hy + params.b_y


def rnn_stacked(params, x, h_init):             # per step y as well, weights stacked, preallocated
    T, N, _ = x.shape
    W = np.vstack([params.W_xh, params.W_hh])
    h = np.zeros((T, N, params.H))
    y = np.zeros((T, N, params.b_y.size))
    prev = h_init
    for t in range(T):
        h[t] = np.tanh(np.hstack([x[t], prev]) @ W + params.b_h)
        y[t] = np.einsum("nh,hk->nk", h[t], params.W_hy) + params.b_y
        prev = h[t]
    return h, y


def rnn_not_carried(params, x, h_init):
    h = np.stack([np.tanh(x_t @ params.W_xh + h_init @ params.W_hh + params.b_h) for x_t in x])
    return h, h @ params.W_hy + params.b_y


def rnn_states_received(params, x, h_init):
    hs, h = [], h_init
    for x_t in x:
        hs.append(h)
        h = np.tanh(x_t @ params.W_xh + h @ params.W_hh + params.b_h)
    h = np.stack(hs)
    return h, h @ params.W_hy + params.b_y


def rnn_y_from_previous(params, x, h_init):
    h, _ = rnn_loop(params, x, h_init)
    before = np.concatenate([h_init[None], h[:-1]])
    return h, before @ params.W_hy + params.b_y


def rnn_no_output_bias(params, x, h_init):
    h, _ = rnn_loop(params, x, h_init)
    return h, h @ params.W_hy


def rnn_squashed_output(params, x, h_init):
    h, y = rnn_loop(params, x, h_init)
    return h, np.tanh(y)


def rnn_from_zeros(params, x, h_init):
    return rnn_loop(params, x, np.zeros_like(h_init))


def rnn_naive_tanh(params, x, h_init):          # exp overflows on large pre-activations
    hs, h = [], h_init
    for x_t in x:
        a = x_t @ params.W_xh + h @ params.W_hh + params.b_h
        h = (np.exp(a) - np.exp(-a)) / (np.exp(a) + np.exp(-a))
        hs.append(h)
    h = np.stack(hs)
    return h, h @ params.W_hy + params.b_y


def test_rnn_forward_accepts_two_correct_implementations():
    assert check_rnn_forward(rnn_loop).passed and check_rnn_forward(rnn_stacked).passed


@pytest.mark.parametrize("wrong, needles", [
    (rnn_not_carried, ["First wrong case: T = 5", "h at index", "must be carried"]),
    (rnn_states_received, ["First wrong case: the chapter's hand-set dinner network", "h at index (0, 0,",
                           "off by one in time", "RETURNS"]),
    (rnn_y_from_previous, ["y at index (0, 0,", "reads the NEW state"]),
    (rnn_no_output_bias, ["y at index", "has a bias too"]),
    (rnn_squashed_output, ["y is 0.7633 times the expected value", "linear"]),
    (rnn_from_zeros, ["First wrong case: T = 5", "not from zeros"]),
    (rnn_naive_tanh, ["First wrong case: large pre-activations", "h contains NaN", "np.tanh"]),
    (lambda p, x, h: rnn_loop(p, x, h)[0], ["must return the tuple (h, y)"]),
])
def test_rnn_forward_rejects_typical_mistakes(wrong, needles):
    assert_fails(check_rnn_forward(wrong), *needles)


# ------------------------------------------------------------------ II.6: RNN Jacobians
def jac_broadcast(W_hh, h):
    return (1 - h ** 2)[..., :, None] * W_hh.T


def jac_loops(W_hh, h):
    T, N, H = h.shape
    J = np.zeros((T, N, H, H))
    for t in range(T):
        for n in range(N):
            J[t, n] = np.diag(1 - h[t, n] ** 2) @ W_hh.T
    return J


def jac_no_transpose(W_hh, h):
    return (1 - h ** 2)[..., :, None] * W_hh


def jac_previous_slope(W_hh, h):               # uses h_{t-1} (zeros before the first step)
    hp = np.concatenate([np.zeros_like(h[:1]), h[:-1]])
    return (1 - hp ** 2)[..., :, None] * W_hh.T


def jac_no_slope(W_hh, h):
    return np.broadcast_to(W_hh.T, h.shape + (h.shape[-1],)).copy()


def jac_columns(W_hh, h):
    return W_hh.T * (1 - h ** 2)[..., None, :]


def jac_tanh_again(W_hh, h):
    return (1 - np.tanh(h) ** 2)[..., :, None] * W_hh.T


def test_rnn_jacobians_accept_two_correct_implementations():
    assert check_rnn_jacobians(jac_broadcast).passed and check_rnn_jacobians(jac_loops).passed


@pytest.mark.parametrize("wrong, needles", [
    (jac_no_transpose, ["J at index", "expected", "got", "W_hh transposed"]),
    (jac_previous_slope, ["J at index", "off by one in time"]),
    (jac_no_slope, ["J at index", "slope is missing"]),
    (jac_columns, ["J at index", "from the LEFT"]),
    (jac_tanh_again, ["J at index", "without applying tanh again"]),
])
def test_rnn_jacobians_reject_typical_mistakes(wrong, needles):
    assert_fails(check_rnn_jacobians(wrong), *needles)


# ------------------------------------------------------------------ III.3: LSTM forward over a sequence
def fwd_steps(params, x, h_init, c_init):
    hs, cs = [], []
    h, c = h_init, c_init
    for x_t in x:
        s = lstm_step(params, x_t, h, c)
        h, c = s.h, s.c
        hs.append(h)
        cs.append(c)
    return np.stack(hs), np.stack(cs)


def sig(a):
    return 0.5 * (1 + np.tanh(a / 2))


def fwd_own_cell(params, x, h_init, c_init):     # no lstm_step, preallocated outputs
    T, N, _ = x.shape
    h = np.empty((T, N, params.H))
    c = np.empty_like(h)
    hp, cp = h_init, c_init
    for t in range(T):
        a = {q: x[t] @ getattr(params, f"W_x{q}") + hp @ getattr(params, f"W_h{q}") + getattr(params, f"b_{q}")
             for q in "figo"}
        c[t] = sig(a["f"]) * cp + sig(a["i"]) * np.tanh(a["g"])
        h[t] = sig(a["o"]) * np.tanh(c[t])
        hp, cp = h[t], c[t]
    return h, c


def fwd_reset_c(params, x, h_init, c_init):
    hs, cs, h = [], [], h_init
    for x_t in x:
        s = lstm_step(params, x_t, h, c_init)
        h = s.h
        hs.append(s.h)
        cs.append(s.c)
    return np.stack(hs), np.stack(cs)


def fwd_from_zeros(params, x, h_init, c_init):
    return fwd_steps(params, x, np.zeros_like(h_init), np.zeros_like(c_init))


def fwd_states_received(params, x, h_init, c_init):
    hs, cs, h, c = [], [], h_init, c_init
    for x_t in x:
        hs.append(h)
        cs.append(c)
        s = lstm_step(params, x_t, h, c)
        h, c = s.h, s.c
    return np.stack(hs), np.stack(cs)


def fwd_naive_sigmoid(params, x, h_init, c_init):   # exp(a) / (1 + exp(a)): inf / inf for large a
    T, N, _ = x.shape
    h, c = np.empty((T, N, params.H)), np.empty((T, N, params.H))
    hp, cp = h_init, c_init
    s = lambda a: np.exp(a) / (1 + np.exp(a))
    for t in range(T):
        a = {q: x[t] @ getattr(params, f"W_x{q}") + hp @ getattr(params, f"W_h{q}") + getattr(params, f"b_{q}")
             for q in "figo"}
        c[t] = s(a["f"]) * cp + s(a["i"]) * np.tanh(a["g"])
        h[t] = s(a["o"]) * np.tanh(c[t])
        hp, cp = h[t], c[t]
    return h, c


def fwd_shared_buffer(params, x, h_init, c_init):
    h, c = h_init.copy(), c_init.copy()
    hs, cs = [], []
    for x_t in x:
        s = lstm_step(params, x_t, h, c)
        h[...] = s.h
        c[...] = s.c
        hs.append(h)
        cs.append(c)
    return np.stack(hs), np.stack(cs)


def test_lstm_forward_accepts_two_correct_implementations():
    assert check_lstm_forward(fwd_steps).passed and check_lstm_forward(fwd_own_cell).passed


@pytest.mark.parametrize("wrong, needles", [
    (fwd_reset_c, ["First wrong case: T = 5", "wrong outputs: h, c", "c_{t-1} must be carried"]),
    (fwd_from_zeros, ["h at index (0,", "not from zeros"]),
    (fwd_states_received, ["h at index (0,", "off by one in time"]),
    (fwd_shared_buffer, ["h at index", "same array object"]),
    (fwd_naive_sigmoid, ["First wrong case: large pre-activations", "contains NaN", "exp(a) overflows"]),
    (lambda p, x, h, c: fwd_steps(p, x, h, c)[::-1], ["swapped: return (h, c)"]),
    (lambda p, x, h, c: fwd_steps(p, x, h, c)[0], ["must return the tuple (h, c)"]),
])
def test_lstm_forward_rejects_typical_mistakes(wrong, needles):
    assert_fails(check_lstm_forward(wrong), *needles)


# ------------------------------------------------------------------ III.5: torch's forget-gate bias
def bias_zero_hh(lstm, b_f):
    H = lstm.hidden_size
    with torch.no_grad():
        lstm.bias_ih_l0[H:2 * H] = b_f
        lstm.bias_hh_l0[H:2 * H] = 0.0


def bias_split(lstm, b_f):                       # keeps bias_hh, compensates in bias_ih; returns the module
    H = lstm.hidden_size
    with torch.no_grad():
        ih, hh = lstm.bias_ih_l0.chunk(4), lstm.bias_hh_l0.chunk(4)
        ih[1].copy_(b_f - hh[1])
    return lstm


def bias_lstmlib_order(lstm, b_f):
    H = lstm.hidden_size
    with torch.no_grad():
        lstm.bias_ih_l0[:H] = b_f
        lstm.bias_hh_l0[:H] = 0.0


def bias_tf_order(lstm, b_f):
    H = lstm.hidden_size
    with torch.no_grad():
        lstm.bias_ih_l0[2 * H:3 * H] = b_f
        lstm.bias_hh_l0[2 * H:3 * H] = 0.0


def bias_both(lstm, b_f):
    H = lstm.hidden_size
    with torch.no_grad():
        lstm.bias_ih_l0[H:2 * H] = b_f
        lstm.bias_hh_l0[H:2 * H] = b_f


def bias_ih_only(lstm, b_f):
    H = lstm.hidden_size
    with torch.no_grad():
        lstm.bias_ih_l0[H:2 * H] = b_f


def bias_added(lstm, b_f):
    H = lstm.hidden_size
    with torch.no_grad():
        lstm.bias_ih_l0[H:2 * H] += b_f


def bias_all_gates(lstm, b_f):
    with torch.no_grad():
        lstm.bias_ih_l0.fill_(b_f)
        lstm.bias_hh_l0.zero_()


def bias_no_grad_missing(lstm, b_f):
    H = lstm.hidden_size
    lstm.bias_ih_l0[H:2 * H] = b_f
    lstm.bias_hh_l0[H:2 * H] = 0.0


def bias_touches_weights(lstm, b_f):
    bias_zero_hh(lstm, b_f)
    with torch.no_grad():
        lstm.weight_hh_l0.zero_()


def test_forget_bias_accepts_two_correct_implementations():
    assert check_forget_bias(bias_zero_hh).passed and check_forget_bias(bias_split).passed


@pytest.mark.parametrize("wrong, needles", [
    (bias_lstmlib_order, ["wrong outputs: b_i, b_f", "b_i at index", "SECOND block"]),
    (bias_tf_order, ["b_f at index", "TensorFlow's"]),
    (bias_both, ["b_f is 2 times the expected value", "set both"]),
    (bias_ih_only, ["b_f at index", "TWO biases"]),
    (bias_added, ["b_f at index", "do not add"]),
    (bias_all_gates, ["wrong outputs: b_i, b_g, b_o", "only the forget gate's rows"]),
    (bias_no_grad_missing, ["your function raised RuntimeError", "torch.no_grad()"]),
    (bias_touches_weights, ["changed weight_hh_l0", "only the biases"]),
])
def test_forget_bias_rejects_typical_mistakes(wrong, needles):
    assert_fails(check_forget_bias(wrong), *needles)


def test_forget_bias_leaves_no_state_between_calls():
    """Each case builds a fresh model: a wrong run cannot make a later right one fail, or the reverse."""
    assert not check_forget_bias(bias_added).passed
    assert check_forget_bias(bias_zero_hh).passed and check_forget_bias(bias_zero_hh).passed


# ------------------------------------------------------------------ III.6: rolling trend errors
def trend_polyfit(values, k):
    out = []
    for o in range(k, len(values)):
        slope, intercept = np.polyfit(np.arange(k), values[o - k:o], 1)
        out.append(values[o] - (intercept + slope * k))
    return np.array(out)


def trend_closed_form(values, k):                # least squares by hand, all windows at once
    win = np.lib.stride_tricks.sliding_window_view(values[:-1], k)      # (L - k, k)
    s = np.arange(k) - (k - 1) / 2
    slope = (win * s).sum(axis=1) / (s ** 2).sum()
    forecast = win.mean(axis=1) + slope * (k - (k - 1) / 2)
    return values[k:] - forecast


def trend_sign(values, k):
    return -trend_polyfit(values, k)


def trend_last_change(values, k):
    return np.array([values[o] - (2 * values[o - 1] - values[o - 2]) for o in range(k, len(values))])


def trend_at_last_point(values, k):
    out = []
    for o in range(k, len(values)):
        slope, intercept = np.polyfit(np.arange(k), values[o - k:o], 1)
        out.append(values[o] - (intercept + slope * (k - 1)))
    return np.array(out)


def trend_peeks(values, k):
    out = []
    for o in range(k, len(values)):
        slope, intercept = np.polyfit(np.arange(k), values[o - k + 1:o + 1], 1)
        out.append(values[o] - (intercept + slope * k))
    return np.array(out)


def trend_one_origin_late(values, k):
    return trend_polyfit(values, k)[1:]


def test_rolling_trend_errors_accept_two_correct_implementations():
    assert check_rolling_trend_errors(trend_polyfit).passed and check_rolling_trend_errors(trend_closed_form).passed


@pytest.mark.parametrize("wrong, needles", [
    (trend_sign, ["errors has the wrong sign everywhere", "actual minus forecast"]),
    (trend_last_change, ["First wrong case: the lecture's eight traffic values, k = 3", "errors at index",
                         "for k = 2 only"]),
    (trend_at_last_point, ["errors at index", "position k - 1"]),
    (trend_peeks, ["errors at index", "off by one in time"]),
    (trend_one_origin_late, ["errors has shape (5,), expected (6,)", "L - k of them"]),
])
def test_rolling_trend_errors_reject_typical_mistakes(wrong, needles):
    assert_fails(check_rolling_trend_errors(wrong), *needles)


# ------------------------------------------------------------------ III.7: the memory unit
def sep_numpy(c, labels):
    a, b = c[labels == 1], c[labels == 0]
    sep = np.abs(a.mean(0) - b.mean(0)) / (np.sqrt((a.var(0) + b.var(0)) / 2) + 1e-8)
    return int(np.argmax(sep)), sep


def sep_loops(c, labels):                        # unit by unit, variances by hand
    H = c.shape[1]
    sep = np.zeros(H)
    for j in range(H):
        one, zero = c[labels == 1, j], c[labels == 0, j]
        v1 = ((one - one.mean()) ** 2).mean()
        v0 = ((zero - zero.mean()) ** 2).mean()
        sep[j] = abs(one.mean() - zero.mean()) / (((v1 + v0) / 2) ** 0.5 + 1e-8)
    return sep.argmax(), sep


def sep_ddof1(c, labels):
    a, b = c[labels == 1], c[labels == 0]
    sep = np.abs(a.mean(0) - b.mean(0)) / (np.sqrt((a.var(0, ddof=1) + b.var(0, ddof=1)) / 2) + 1e-8)
    return int(np.argmax(sep)), sep


def sep_mean_std(c, labels):
    a, b = c[labels == 1], c[labels == 0]
    sep = np.abs(a.mean(0) - b.mean(0)) / ((a.std(0) + b.std(0)) / 2 + 1e-8)
    return int(np.argmax(sep)), sep


def sep_overall_std(c, labels):
    a, b = c[labels == 1], c[labels == 0]
    sep = np.abs(a.mean(0) - b.mean(0)) / (c.std(0) + 1e-8)
    return int(np.argmax(sep)), sep


def sep_signed(c, labels):
    a, b = c[labels == 1], c[labels == 0]
    sep = (a.mean(0) - b.mean(0)) / (np.sqrt((a.var(0) + b.var(0)) / 2) + 1e-8)
    return int(np.argmax(sep)), sep


def sep_no_epsilon(c, labels):
    a, b = c[labels == 1], c[labels == 0]
    with np.errstate(divide="ignore", invalid="ignore"):
        sep = np.abs(a.mean(0) - b.mean(0)) / np.sqrt((a.var(0) + b.var(0)) / 2)
    return int(np.nanargmax(sep)), sep


def sep_no_epsilon_nan(c, labels):              # no epsilon, and the ratio is only wrong where it blows up
    a, b = c[labels == 1], c[labels == 0]
    pooled = np.sqrt((a.var(0) + b.var(0)) / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        sep = np.where(pooled > 0, np.abs(a.mean(0) - b.mean(0)) / (pooled + 1e-8),
                       np.abs(a.mean(0) - b.mean(0)) / pooled)
    return int(np.nanargmax(sep)), sep


def sep_wrong_axis(c, labels):
    a, b = c[labels == 1], c[labels == 0]
    return 0, np.abs(a.mean() - b.mean()) / (np.sqrt((a.var() + b.var()) / 2) + 1e-8)


def test_memory_unit_accepts_two_correct_implementations():
    assert check_memory_unit(sep_numpy).passed and check_memory_unit(sep_loops).passed


@pytest.mark.parametrize("wrong, needles", [
    (sep_ddof1, ["separation at index", "ddof=0"]),
    (sep_mean_std, ["separation at index", "MEAN VARIANCE"]),
    (sep_overall_std, ["separation at index", "within each label"]),
    (sep_signed, ["separation at index", "absolute value"]),
    (sep_no_epsilon, ["separation at index", "adds 1e-8"]),
    (sep_no_epsilon_nan, ["First wrong case: one sample per label", "separation contains NaN or infinity",
                          "adds 1e-8"]),
    (sep_wrong_axis, ["separation has shape ()", "expected (8,)", "axis 0"]),
])
def test_memory_unit_rejects_typical_mistakes(wrong, needles):
    assert_fails(check_memory_unit(wrong), *needles)


# ------------------------------------------------------------------ III.8: clipping by global norm
def clip_plain(grads, max_norm):
    norm = np.sqrt(sum((g ** 2).sum() for g in grads))
    scale = max_norm / norm if norm > max_norm else 1.0
    return [g * scale for g in grads], norm


def clip_concatenated(grads, max_norm):           # one flat vector, np.linalg.norm, then split back
    flat = np.concatenate([np.ravel(g) for g in grads])
    norm = np.linalg.norm(flat)
    flat = flat * min(1.0, max_norm / max(norm, 1e-300))
    out, start = [], 0
    for g in grads:
        out.append(flat[start:start + np.size(g)].reshape(np.shape(g)))
        start += np.size(g)
    return out, norm


def clip_per_array(grads, max_norm):
    norm = np.sqrt(sum((g ** 2).sum() for g in grads))
    return [g * min(1.0, max_norm / np.linalg.norm(g)) if np.linalg.norm(g) > 0 else g for g in grads], norm


def clip_value(grads, max_norm):
    return [np.clip(g, -max_norm, max_norm) for g in grads], np.sqrt(sum((g ** 2).sum() for g in grads))


def clip_always(grads, max_norm):
    norm = np.sqrt(sum((g ** 2).sum() for g in grads))
    return [g * max_norm / norm for g in grads], norm


def clip_nan_on_zeros(grads, max_norm):          # direction times the clipped length: 0 / 0 for zeros
    norm = np.sqrt(sum((g ** 2).sum() for g in grads))
    return [g / norm * min(norm, max_norm) for g in grads], norm


def clip_zero_division(grads, max_norm):
    norm = float(np.sqrt(sum((g ** 2).sum() for g in grads)))
    return [g * min(1.0, max_norm / norm) for g in grads], norm


def clip_norm_after(grads, max_norm):
    out, norm = clip_plain(grads, max_norm)
    return out, min(norm, max_norm)


def clip_in_place(grads, max_norm):
    norm = np.sqrt(sum((g ** 2).sum() for g in grads))
    for g in grads:
        g *= min(1.0, max_norm / norm) if norm > 0 else 1.0
    return grads, norm


def clip_drops_one(grads, max_norm):
    out, norm = clip_plain(grads, max_norm)
    return out[:-1], norm


def test_clip_accepts_two_correct_implementations():
    assert check_clip_by_global_norm(clip_plain).passed and check_clip_by_global_norm(clip_concatenated).passed


@pytest.mark.parametrize("wrong, needles", [
    (clip_per_array, ["clipped[0] is 1.058 times the expected value", "GLOBAL"]),
    (clip_value, ["clipped[0] at index", "clipping by value"]),
    (clip_always, ["First wrong case: under the limit", "EXCEEDS max_norm"]),
    (clip_nan_on_zeros, ["First wrong case: all zeros", "contains NaN", "0 * inf is NaN"]),
    (clip_zero_division, ["First wrong case: all zeros", "raised ZeroDivisionError", "norm is 0"]),
    (clip_norm_after, ["norm", "BEFORE clipping"]),
    (clip_in_place, ["changed its input grads[0] in place at index", "build new arrays"]),
    (clip_drops_one, ["so clipped[2] is missing"]),
])
def test_clip_rejects_typical_mistakes(wrong, needles):
    assert_fails(check_clip_by_global_norm(wrong), *needles)


# ------------------------------------------------------------------ the new library function
def test_clip_arrays_by_global_norm_matches_torch():
    rng = np.random.default_rng(0)
    for scale, max_norm in [(3.0, 1.0), (0.01, 5.0), (1e4, 0.5)]:
        arrays = [scale * rng.standard_normal(s) for s in [(4, 5), (5,), (3, 2, 2)]]
        before = [a.copy() for a in arrays]
        clipped, norm = clip_arrays_by_global_norm(arrays, max_norm)
        ps = [torch.nn.Parameter(torch.zeros(a.shape, dtype=torch.float64)) for a in arrays]
        for p, a in zip(ps, arrays):
            p.grad = torch.tensor(a)
        total = torch.nn.utils.clip_grad_norm_(ps, max_norm)
        assert norm == pytest.approx(float(total), rel=1e-12)
        for c, p in zip(clipped, ps):            # torch's factor is max_norm / (norm + 1e-6)
            np.testing.assert_allclose(c, p.grad.numpy(), rtol=1e-6 / min(norm, 1) + 1e-12)
        assert all(np.array_equal(a, b) for a, b in zip(arrays, before))
        assert (norm <= max_norm) == all(np.array_equal(c, a) for c, a in zip(clipped, arrays))


def test_clip_arrays_by_global_norm_validates():
    zeros, norm = clip_arrays_by_global_norm([np.zeros(3)], 1.0)
    assert norm == 0 and np.array_equal(zeros[0], np.zeros(3))
    for bad, msg in [(([], 1.0), "non-empty list"), ((np.ones(3), 1.0), "non-empty list"),
                     (([np.ones(2)], 0.0), "max_norm must be a finite number > 0"),
                     (([np.array([1.0, np.nan])], 1.0), r"arrays\[0\] must be finite")]:
        with pytest.raises(ValueError, match=msg):
            clip_arrays_by_global_norm(*bad)
