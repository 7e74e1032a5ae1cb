"""Implement-it checkers: two different correct implementations of each algorithm pass; the typical
wrong ones fail with a message that names the wrong output and a hint that points at the mistake;
a function that raises, or is not written yet, gets a message and never an exception."""
from __future__ import annotations

import numpy as np
import pytest

from lstmlib.exercises import (ImplementResult, check_conv2d, check_gru_step, check_lstm_step,
                               check_lstm_step_backward, check_max_pool, check_numerical_gradient, check_rnn_step,
                               check_rnn_step_backward, check_softmax_cross_entropy)
from implement_asserts import assert_fails  # noqa: E402


def sig(a):
    return 0.5 * (1 + np.tanh(a / 2))          # overflow-free sigmoid




# ------------------------------------------------------------------ conv2d
def conv_loops(x, f, S):
    F = f.shape[0]
    n = (x.shape[0] - F) // S + 1
    m = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            for u in range(F):
                for v in range(F):
                    m[i, j] += x[i * S + u, j * S + v] * f[u, v]
    return m / F ** 2


def conv_vectorised(x, f, S):
    F = f.shape[0]
    win = np.lib.stride_tricks.sliding_window_view(x, (F, F))[::S, ::S]
    return np.tensordot(win, f, axes=([2, 3], [0, 1])) / f.size


def conv_flipped(x, f, S):
    return conv_loops(x, f[::-1, ::-1], S)


def conv_no_stride(x, f, S):                    # ignores S: the dense map
    return conv_loops(x, f, 1)


def conv_stride_in_output_only(x, f, S):        # right size, window starts at (i, j)
    n = (x.shape[0] - f.shape[0]) // S + 1
    return conv_loops(x, f, 1)[:n, :n]


def conv_sum(x, f, S):
    return conv_loops(x, f, S) * f.size


def conv_off_by_one(x, f, S):
    return conv_loops(x, f, S)[:-1, :-1]


def test_conv_accepts_two_correct_implementations():
    assert check_conv2d(conv_loops).passed and check_conv2d(conv_vectorised).passed


@pytest.mark.parametrize("wrong, needles", [
    (conv_flipped, ["m at index", "expected", "got", "flipped the filter"]),
    (conv_no_stride, ["m has shape (5, 5), expected (3, 3)", "1 + (W - F)/S"]),
    (conv_stride_in_output_only, ["m at index", "moves S pixels"]),
    (conv_sum, ["9 times the expected value", "mean of the products"]),
    (conv_off_by_one, ["m has shape (6, 6), expected (7, 7)"]),
    (lambda x, f, S: conv_loops(x, f, S).T, ["transpose", "rows and columns are swapped"]),
])
def test_conv_rejects_typical_mistakes(wrong, needles):
    assert_fails(check_conv2d(wrong), *needles)


# ------------------------------------------------------------------ max pooling
def pool_loops(x, k, s):
    W = x.shape[0]
    n = 1 + int(np.ceil((W - k) / s))
    n -= (n - 1) * s >= W
    out = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            out[i, j] = x[i * s:i * s + k, j * s:j * s + k].max()
    return out


def pool_padded(x, k, s):
    W = x.shape[0]
    n = -(-(W - k) // s) + 1
    n = min(n, (W - 1) // s + 1)
    big = np.full((n * s + k, n * s + k), -np.inf)
    big[:W, :W] = x
    return np.array([[big[i * s:i * s + k, j * s:j * s + k].max() for j in range(n)] for i in range(n)])


def pool_floor(x, k, s):                         # drops the partial border windows
    n = (x.shape[0] - k) // s + 1
    return np.array([[x[i * s:i * s + k, j * s:j * s + k].max() for j in range(n)] for i in range(n)])


def pool_from_zero(x, k, s):                     # the running maximum starts at 0
    return np.maximum(pool_loops(x, k, s), 0)


def pool_mean(x, k, s):
    n = pool_loops(x, k, s).shape[0]
    return np.array([[x[i * s:i * s + k, j * s:j * s + k].mean() for j in range(n)] for i in range(n)])


def test_pool_accepts_two_correct_implementations():
    assert check_max_pool(pool_loops).passed and check_max_pool(pool_padded).passed


@pytest.mark.parametrize("wrong, needles", [
    (pool_floor, ["p has shape (3, 3), expected (4, 4)", "partial window"]),
    (pool_from_zero, ["p at index", "maximum of negative numbers", "start from the window's own values"]),
    (pool_mean, ["p at index", "mean of each window"]),
])
def test_pool_rejects_typical_mistakes(wrong, needles):
    assert_fails(check_max_pool(wrong), *needles)


# ------------------------------------------------------------------ RNN step
def rnn_step_a(p, x, h):
    return np.tanh(x @ p.W_xh + h @ p.W_hh + p.b_h)


def rnn_step_b(p, x, h):                         # per sample, einsum, stacked weights
    W = np.vstack([p.W_xh, p.W_hh])
    return np.array([np.tanh(np.einsum("k,kj->j", np.concatenate([xn, hn]), W) + p.b_h) for xn, hn in zip(x, h)])


def rnn_naive_tanh(p, x, h):                     # exp overflows on large pre-activations
    a = x @ p.W_xh + h @ p.W_hh + p.b_h
    return (np.exp(a) - np.exp(-a)) / (np.exp(a) + np.exp(-a))


def test_rnn_step_accepts_two_correct_implementations():
    assert check_rnn_step(rnn_step_a).passed and check_rnn_step(rnn_step_b).passed


@pytest.mark.parametrize("wrong, needles", [
    (lambda p, x, h: np.tanh(x @ p.W_xh + h @ p.W_hh.T + p.b_h), ["h at index", "W_hh as it is"]),
    (lambda p, x, h: np.tanh(x @ p.W_xh + h @ p.W_hh), ["bias b_h"]),
    (lambda p, x, h: x @ p.W_xh + h @ p.W_hh + p.b_h, ["goes through tanh"]),
    (lambda p, x, h: np.tanh(x @ p.W_xh + p.b_h), ["recurrent"]),
    (rnn_naive_tanh, ["large pre-activations", "NaN or infinity", "overflows"]),
    (lambda p, x, h: np.tanh(x @ p.W_xh.T + h @ p.W_hh + p.b_h), ["raised ValueError", "line the shapes up"]),
    (lambda p, x, h: (None, np.tanh(x @ p.W_xh + h @ p.W_hh + p.b_h)), ["return h_t alone"]),
])
def test_rnn_step_rejects_typical_mistakes(wrong, needles):
    assert_fails(check_rnn_step(wrong), *needles)


# ------------------------------------------------------------------ RNN step backward
def rnn_back_a(p, dh, x, hp, h):
    da = dh * (1 - h * h)
    return da @ p.W_xh.T, da @ p.W_hh.T, {"W_xh": x.T @ da, "W_hh": hp.T @ da, "b_h": da.sum(axis=0)}


def rnn_back_b(p, dh, x, hp, h):                  # sample by sample, outer products, "d"-prefixed keys
    g = {"dW_xh": np.zeros_like(p.W_xh), "dW_hh": np.zeros_like(p.W_hh), "db_h": np.zeros_like(p.b_h)}
    dx, dhp = np.zeros_like(x), np.zeros_like(hp)
    for n in range(x.shape[0]):
        da = dh[n] * (1 + h[n]) * (1 - h[n])
        g["dW_xh"] += np.outer(x[n], da)
        g["dW_hh"] += np.outer(hp[n], da)
        g["db_h"] += da
        dx[n] = p.W_xh @ da
        dhp[n] = p.W_hh @ da
    return dx, dhp, g


def rnn_back_mut(**change):
    def fn(p, dh, x, hp, h):
        da = dh * (1 - (hp if change.get("prev") else h) ** 2) if not change.get("no_tanh") else dh
        dhp = da @ (p.W_hh if change.get("Whh_no_T") else p.W_hh.T)
        dW_xh = (da.T @ x) if change.get("dWxh_T") else x.T @ da
        dW_hh = (da.T @ hp) if change.get("dWhh_T") else hp.T @ da
        db = da if change.get("no_sum") else da.sum(0)
        out = (da @ p.W_xh.T, dhp, {"W_xh": dW_xh, "W_hh": dW_hh, "b_h": db})
        if change.get("sign"):
            out = (-out[0], -out[1], {k: -v for k, v in out[2].items()})
        return out
    return fn


def test_rnn_step_backward_accepts_two_correct_implementations():
    assert check_rnn_step_backward(rnn_back_a).passed and check_rnn_step_backward(rnn_back_b).passed


@pytest.mark.parametrize("change, needles", [
    ({"no_tanh": True}, ["through tanh"]),
    ({"prev": True}, ["not h_{t-1}"]),
    ({"Whh_no_T": True}, ["dh_prev", "transposed"]),
    ({"dWxh_T": True}, ["dW_xh has shape (5, 4), expected (4, 5) (the transpose)", "shape of its parameter"]),
    ({"dWhh_T": True}, ["dW_hh is the transpose", "pairs row k"]),
    ({"no_sum": True}, ["db_h has shape (3, 5), expected (5,)", "sum da_t over the batch"]),
    ({"sign": True}, ["wrong sign"]),
])
def test_rnn_step_backward_rejects_typical_mistakes(change, needles):
    assert_fails(check_rnn_step_backward(rnn_back_mut(**change)), *needles)


def test_rnn_step_backward_explains_the_return_format():
    assert_fails(check_rnn_step_backward(lambda p, dh, x, hp, h: rnn_back_a(p, dh, x, hp, h)[:2]),
                 "must return the tuple (dx_t, dh_prev, grads)")
    assert_fails(check_rnn_step_backward(lambda p, dh, x, hp, h: (*rnn_back_a(p, dh, x, hp, h)[:2], {"W_xh": 0})),
                 "no key 'W_hh'")


# ------------------------------------------------------------------ softmax cross-entropy
def ce_a(y, t):
    z = y - y.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    N = y.shape[0]
    dy = np.exp(logp)
    dy[np.arange(N), t] -= 1
    return -logp[np.arange(N), t].mean(), dy / N


def ce_b(y, t):                                   # row by row, shift by the mean instead of the max
    N, K = y.shape
    loss, dy = 0.0, np.zeros_like(y)
    for n in range(N):
        e = np.exp(y[n] - y[n].mean())
        p = e / e.sum()
        loss -= np.log(p[t[n]]) / N
        dy[n] = (p - np.eye(K)[t[n]]) / N
    return loss, dy


def ce_naive(y, t):                               # no shift: exp overflows
    N, K = y.shape
    p = np.exp(y) / np.exp(y).sum(axis=1, keepdims=True)
    return -np.log(p[np.arange(N), t]).mean(), (p - np.eye(K)[t]) / N


def ce_mut(**change):
    def fn(y, t):
        N, K = y.shape
        z = np.exp(y - y.max(1, keepdims=True))
        p = z / z.sum(1, keepdims=True)
        tt = (t + 1) % K if change.get("shift") else t
        onehot = np.eye(K)[tt]
        loss = -np.log(p[np.arange(N), tt]).mean()
        dy = p if change.get("no_onehot") else p - onehot
        if change.get("sign"):
            dy = -dy
        return loss, dy if change.get("no_mean") else dy / N
    return fn


def test_ce_accepts_two_correct_implementations():
    assert check_softmax_cross_entropy(ce_a).passed and check_softmax_cross_entropy(ce_b).passed


@pytest.mark.parametrize("wrong, needles", [
    (ce_naive, ["large pre-activations", "NaN or infinity", "softmax(y - c)"]),
    (ce_mut(no_onehot=True), ["dy at index", "one-hot target"]),
    (ce_mut(shift=True), ["index t (indices start at 0)"]),
    (ce_mut(no_mean=True), ["4 times the expected value", "1/N"]),
    (ce_mut(sign=True), ["wrong sign", "negative at the target"]),
])
def test_ce_rejects_typical_mistakes(wrong, needles):
    assert_fails(check_softmax_cross_entropy(wrong), *needles)


# ------------------------------------------------------------------ numerical gradient
def numgrad_a(f, x, eps):
    g = np.zeros_like(x)
    for j in np.ndindex(x.shape):
        old = x[j]
        x[j] = old + eps
        up = f(x)
        x[j] = old - eps
        down = f(x)
        x[j] = old
        g[j] = (up - down) / (2 * eps)
    return g


def numgrad_b(f, x, eps):                         # on copies, through a flat view
    flat = x.ravel()
    g = np.empty(flat.size)
    for j in range(flat.size):
        e = np.zeros(flat.size)
        e[j] = eps
        g[j] = (f((flat + e).reshape(x.shape)) - f((flat - e).reshape(x.shape))) / (2 * eps)
    return g.reshape(x.shape)


def numgrad_forward(f, x, eps):
    g = np.zeros_like(x)
    for j in np.ndindex(x.shape):
        xp = x.copy()
        xp[j] += eps
        g[j] = (f(xp) - f(x)) / eps
    return g


def numgrad_no_restore(f, x, eps):
    g = np.zeros_like(x)
    for j in np.ndindex(x.shape):
        x[j] += eps
        up = f(x)
        x[j] -= 2 * eps
        g[j] = (up - f(x)) / (2 * eps)
    return g


def numgrad_one_eps(f, x, eps):
    return numgrad_a(f, x, eps) * 2


def numgrad_flat(f, x, eps):
    return numgrad_a(f, x, eps).ravel()


def test_numerical_gradient_accepts_two_correct_implementations():
    assert check_numerical_gradient(numgrad_a).passed and check_numerical_gradient(numgrad_b).passed


@pytest.mark.parametrize("wrong, needles", [
    (numgrad_forward, ["g at index", "error proportional to eps"]),
    (numgrad_no_restore, ["changed x", "put every entry back"]),
    (numgrad_one_eps, ["2 times the expected value", "2 eps apart"]),
    (numgrad_flat, ["g has shape (20,), expected (4, 5)", "right numbers, wrong shape"]),
])
def test_numerical_gradient_rejects_typical_mistakes(wrong, needles):
    assert_fails(check_numerical_gradient(wrong), *needles)


# ------------------------------------------------------------------ LSTM step
def lstm_a(p, x, h, c):
    a = {q: x @ getattr(p, f"W_x{q}") + h @ getattr(p, f"W_h{q}") + getattr(p, f"b_{q}") for q in "figo"}
    c_new = sig(a["f"]) * c + sig(a["i"]) * np.tanh(a["g"])
    return sig(a["o"]) * np.tanh(c_new), c_new


def lstm_b(p, x, h, c):                           # stacked weights, concatenated input (CS 615's form)
    W = np.vstack([np.hstack([getattr(p, f"W_x{q}") for q in "ifog"]),
                   np.hstack([getattr(p, f"W_h{q}") for q in "ifog"])])
    b = np.concatenate([getattr(p, f"b_{q}") for q in "ifog"])
    A = np.hstack([x, h]) @ W + b
    i, f, o, g = np.split(A, 4, axis=1)
    e = lambda a: np.exp(-np.logaddexp(0, -a))   # sigma through log-sum-exp
    c_new = e(f) * c + e(i) * np.tanh(g)
    return e(o) * np.tanh(c_new), c_new


def lstm_mut(**change):
    def fn(p, x, h, c):
        a = {q: x @ getattr(p, f"W_x{q}") + h @ getattr(p, f"W_h{q}") + getattr(p, f"b_{q}") for q in "figo"}
        f, i, o = sig(a["f"]), sig(a["i"]), sig(a["o"])
        g = sig(a["g"]) if change.get("sig_g") else np.tanh(a["g"])
        c_new = i * g if change.get("no_cprev") else (i * c + f * g if change.get("swap") else f * c + i * g)
        return (o * c_new if change.get("no_tanh_c") else o * np.tanh(c_new)), c_new
    return fn


def test_lstm_step_accepts_two_correct_implementations():
    assert check_lstm_step(lstm_a).passed and check_lstm_step(lstm_b).passed


@pytest.mark.parametrize("change, needles", [
    ({"no_cprev": True}, ["wrong outputs: h, c", "old cell state is missing"]),
    ({"no_tanh_c": True}, ["h at index", "squashed"]),
    ({"sig_g": True}, ["candidate g_t uses tanh"]),
    ({"swap": True}, ["forget gate scales the old cell state"]),
])
def test_lstm_step_rejects_typical_mistakes(change, needles):
    assert_fails(check_lstm_step(lstm_mut(**change)), *needles)


# ------------------------------------------------------------------ LSTM step backward
def lstm_back_a(p, dh, dc, s, x, hp, cp):
    dct = dc + dh * s.o * (1 - s.tanh_c ** 2)
    da = {"f": dct * cp * s.f * (1 - s.f), "i": dct * s.g * s.i * (1 - s.i),
          "g": dct * s.i * (1 - s.g ** 2), "o": dh * s.tanh_c * s.o * (1 - s.o)}
    grads = {}
    for q in "figo":
        grads.update({f"W_x{q}": x.T @ da[q], f"W_h{q}": hp.T @ da[q], f"b_{q}": da[q].sum(0)})
    dx = sum(da[q] @ getattr(p, f"W_x{q}").T for q in "figo")
    dhp = sum(da[q] @ getattr(p, f"W_h{q}").T for q in "figo")
    return dx, dhp, dct * s.f, grads


def lstm_back_b(p, dh, dc, s, x, hp, cp):         # stacked gates, recomputed from the step's c, einsum
    tc = np.tanh(s["c"])
    dct = dc + dh * s["o"] * (1 - tc * tc)
    gates = "ifgo"
    local = {"i": s["g"] * s["i"] * (1 - s["i"]), "f": cp * s["f"] * (1 - s["f"]), "g": s["i"] * (1 - s["g"] ** 2)}
    dA = np.concatenate([dct * local["i"], dct * local["f"], dct * local["g"],
                         dh * tc * s["o"] * (1 - s["o"])], axis=1)
    Wx = np.hstack([getattr(p, f"W_x{q}") for q in gates])
    Wh = np.hstack([getattr(p, f"W_h{q}") for q in gates])
    H = hp.shape[1]
    dWx, dWh, db = np.einsum("nd,nk->dk", x, dA), np.einsum("nh,nk->hk", hp, dA), dA.sum(0)
    grads = {}
    for k, q in enumerate(gates):
        blk = slice(k * H, (k + 1) * H)
        grads.update({f"dW_x{q}": dWx[:, blk], f"dW_h{q}": dWh[:, blk], f"db_{q}": db[blk]})
    return dA @ Wx.T, dA @ Wh.T, s["f"] * dct, grads


def lstm_back_mut(**change):
    def fn(p, dh, dc, s, x, hp, cp):
        dct = (0 if change.get("no_dc") else dc) + (0 if change.get("no_dh_c") else dh * s.o * (1 - s.tanh_c ** 2))
        dx, dhp, dcp, grads = lstm_back_a(p, dh, dct - dh * s.o * (1 - s.tanh_c ** 2), s, x, hp, cp)
        if change.get("no_cprev_in_f"):
            da_f = dct * s.f * (1 - s.f)
            grads.update({"W_xf": x.T @ da_f, "W_hf": hp.T @ da_f, "b_f": da_f.sum(0)})
            dx = dx - (dct * cp * s.f * (1 - s.f)) @ p.W_xf.T + da_f @ p.W_xf.T
            dhp = dhp - (dct * cp * s.f * (1 - s.f)) @ p.W_hf.T + da_f @ p.W_hf.T
        if change.get("dcprev_zero"):
            dcp = np.zeros_like(dcp)
        if change.get("dcprev_no_f"):
            dcp = dct
        if change.get("dWh_T"):
            grads = {k: (v.T if k.startswith("W_h") else v) for k, v in grads.items()}
        return dx, dhp, dcp, grads
    return fn


def test_lstm_step_backward_accepts_two_correct_implementations():
    assert check_lstm_step_backward(lstm_back_a).passed and check_lstm_step_backward(lstm_back_b).passed


@pytest.mark.parametrize("change, needles", [
    ({"no_dc": True}, ["dc_prev at index", "arriving from c_{t+1} is missing"]),
    ({"no_dh_c": True}, ["dc_prev at index", "h_t = o_t tanh(c_t) into c_t is missing"]),
    ({"no_cprev_in_f": True}, ["dW_xf", "you left c_{t-1} out"]),
    ({"dcprev_zero": True}, ["dc_prev at index", "got 0 (", "must not be zero"]),
    ({"dcprev_no_f": True}, ["dc_prev at index", "scaled by f_t"]),
    ({"dWh_T": True}, ["dW_hf is the transpose", "shape of its parameter"]),
])
def test_lstm_step_backward_rejects_typical_mistakes(change, needles):
    assert_fails(check_lstm_step_backward(lstm_back_mut(**change)), *needles)


# ------------------------------------------------------------------ GRU step
def gru_a(p, x, h):
    r = sig(x @ p.W_xr + h @ p.W_hr + p.b_r)
    z = sig(x @ p.W_xz + h @ p.W_hz + p.b_z)
    n = np.tanh(x @ p.W_xn + p.b_xn + r * (h @ p.W_hn + p.b_hn))
    return (1 - z) * n + z * h


def gru_b(p, x, h):                               # h + (1 - z)(n - h), stacked r and z
    Wx = np.hstack([p.W_xr, p.W_xz])
    Wh = np.hstack([p.W_hr, p.W_hz])
    r, z = np.split(sig(x @ Wx + h @ Wh + np.concatenate([p.b_r, p.b_z])), 2, axis=1)
    n = np.tanh(x @ p.W_xn + p.b_xn + r * (h @ p.W_hn) + r * p.b_hn)
    return h + (1 - z) * (n - h)


def gru_mut(**change):
    def fn(p, x, h):
        r = sig(x @ p.W_xr + h @ p.W_hr + p.b_r)
        z = sig(x @ p.W_xz + h @ p.W_hz + p.b_z)
        hid = (r * h) @ p.W_hn + p.b_hn if change.get("cho") else r * (h @ p.W_hn + p.b_hn)
        n = np.tanh(x @ p.W_xn + p.b_xn + hid)
        return z * n + (1 - z) * h if change.get("swap_z") else (1 - z) * n + z * h
    return fn


def test_gru_step_accepts_two_correct_implementations():
    assert check_gru_step(gru_a).passed and check_gru_step(gru_b).passed


@pytest.mark.parametrize("change, needles", [
    ({"swap_z": True}, ["h at index", "z_t = 1 must keep the old state"]),
    ({"cho": True}, ["Cho et al.'s original"]),
])
def test_gru_step_rejects_typical_mistakes(change, needles):
    assert_fails(check_gru_step(gru_mut(**change)), *needles)


# ------------------------------------------------------------------ every checker: no traceback, ever
CHECKERS = [check_conv2d, check_max_pool, check_rnn_step, check_rnn_step_backward, check_lstm_step,
            check_lstm_step_backward, check_gru_step, check_softmax_cross_entropy, check_numerical_gradient]


@pytest.mark.parametrize("checker", CHECKERS)
def test_a_function_that_raises_gets_a_message(checker):
    def broken(*args):
        return [1, 2][5]
    res = checker(broken)
    assert not res and "raised IndexError" in res.message and res.hint


@pytest.mark.parametrize("checker", CHECKERS)
def test_an_unwritten_function_says_not_implemented(checker):
    def mine(*args):
        raise NotImplementedError
    res = checker(mine)
    assert not res and res.message.startswith("not implemented yet") and "mine" in res.message


@pytest.mark.parametrize("checker", CHECKERS)
def test_garbage_returns_and_non_functions_get_messages(checker):
    class Unreadable:
        def __array__(self, *a, **k):
            raise RuntimeError("no")
        h = c = property(lambda self: Unreadable())

    for fn in (lambda *a: None, lambda *a: "text", lambda *a: (1, 2, 3, 4, 5, 6), 42, lambda *a: Unreadable(),
               lambda *a: (Unreadable(),) * 4, lambda *a: [[1, 2], [3]]):
        res = checker(fn)
        assert isinstance(res, ImplementResult) and not res.passed and res.message


def test_the_verdict_renders_as_text_and_html_and_is_deterministic():
    ok, bad = check_rnn_step(rnn_step_a), check_rnn_step(lambda p, x, h: np.tanh(x @ p.W_xh + h @ p.W_hh))
    assert repr(ok).startswith("\u2714 rnn_step: correct on all 6 cases") and bool(ok) and ok.failed == 0
    assert repr(bad).startswith("\u2718 rnn_step: wrong on 5 of 6 cases") and "\nHint: " in repr(bad)
    assert "<br>" in bad._repr_html_() and "#b00020" in bad._repr_html_() and "#1a7f37" in ok._repr_html_()
    assert repr(check_rnn_step(lambda p, x, h: np.tanh(x @ p.W_xh + h @ p.W_hh))) == repr(bad)
