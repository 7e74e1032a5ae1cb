"""The implement-it checkers of Part I's chapters 1, 2, 5, 6, 7 and 8: two different correct
implementations pass each one; typical wrong ones fail with a message that names the wrong output
(and where), expected versus got, and a hint aimed at the mistake; nothing the reader writes makes a
checker raise."""
from __future__ import annotations

import numpy as np
import pytest

from lstmlib.exercises import (check_batch_norm, check_confusion_matrix, check_conv_layer,
                               check_fc_softmax, check_gradient_step, check_layer_params)
from implement_asserts import assert_fails  # noqa: E402




def not_written(*args):
    raise NotImplementedError


@pytest.mark.parametrize("checker", [check_gradient_step, check_layer_params, check_fc_softmax, check_conv_layer,
                                     check_confusion_matrix, check_batch_norm])
def test_a_stub_and_a_non_function_get_a_message(checker):
    res = checker(not_written)
    assert not res.passed and "not implemented yet" in res.message
    res = checker(None)
    assert not res.passed and "pass your function itself" in res.message


# ------------------------------------------------------------------ I.1 gradient step
def step_vector(x, w, actual, lr):
    return w - lr * (-2 * (actual - x @ w) * x)


def step_loops(x, w, actual, lr):
    model = sum(xk * wk for xk, wk in zip(x, w))
    return np.array([wk + 2 * lr * (actual - model) * xk for xk, wk in zip(x, w)])


def test_gradient_step_accepts_two_correct_implementations():
    assert check_gradient_step(step_vector).passed and check_gradient_step(step_loops).passed


@pytest.mark.parametrize("wrong, needles", [
    (lambda x, w, a, lr: w + lr * (-2 * (a - x @ w) * x), ["First wrong case: three inputs", "w at index [", "expected", "got", "slide's sign"]),
    (lambda x, w, a, lr: w + lr * (a - x @ w) * x, ["w at index [", "factor 2"]),
    (lambda x, w, a, lr: w + 2 * lr * (a - x @ w), ["its own input"]),
    (lambda x, w, a, lr: w - lr * (a - x @ w) ** 2, ["not the error e itself"]),
    (lambda x, w, a, lr: float((w - lr * (-2 * (a - x @ w) * x))[0]), ["w has shape ()", "(D,)"]),
])
def test_gradient_step_rejects_typical_mistakes(wrong, needles):
    assert_fails(check_gradient_step(wrong), *needles)


# ------------------------------------------------------------------ I.2 fully connected vs convolution
def params_formula(W, C, F, K):
    return (W * W * C + 1) * K, (F * F * C + 1) * K


def params_counting(W, C, F, K):
    fc = sum(W * W * C + 1 for _ in range(K))          # neuron by neuron
    one_filter = np.zeros((C, F, F)).size + 1
    return int(fc), int(one_filter * K)


def test_layer_params_accepts_two_correct_implementations():
    assert check_layer_params(params_formula).passed and check_layer_params(params_counting).passed


@pytest.mark.parametrize("wrong, needles", [
    (lambda W, C, F, K: (W * W * C * K, F * F * C * K),
     ["fc: expected 7,680,064, got 7,680,000 (a difference of -64)", "one bias"]),
    (lambda W, C, F, K: ((W * W * C + 1) * K, (F * F + 1) * K), ["conv: expected 1,792, got 640", "all C channels"]),
    (lambda W, C, F, K: ((W * C + 1) * K, (F * F * C + 1) * K), ["fc: expected", "W x W pixels"]),
    (lambda W, C, F, K: ((W * W * C + 1) * K, (W - F + 1) ** 2 * (F * F * C + 1) * K),
     ["conv: expected 1,792, got", "shares one filter"]),
    (lambda W, C, F, K: (W * W * C + 1) * K, ["must return the tuple (fc, conv)"]),
])
def test_layer_params_rejects_typical_mistakes(wrong, needles):
    assert_fails(check_layer_params(wrong), *needles)


# ------------------------------------------------------------------ I.5 votes and softmax
def fcs_vector(features, weights):
    y = features @ weights.T / weights.sum(axis=1)
    e = np.exp(y - y.max(axis=1, keepdims=True))
    return y, e / e.sum(axis=1, keepdims=True)


def fcs_loops(features, weights):
    N, K = features.shape[0], weights.shape[0]
    y, p = np.zeros((N, K)), np.zeros((N, K))
    for n in range(N):
        for k in range(K):
            y[n, k] = np.dot(weights[k], features[n]) / np.sum(weights[k])
        logz = np.logaddexp.reduce(y[n])               # log sum exp, without overflow
        p[n] = np.exp(y[n] - logz)
    return y, p


def naive_softmax(features, weights):
    y = features @ weights.T / weights.sum(axis=1)
    return y, np.exp(y) / np.exp(y).sum(axis=1, keepdims=True)


def unnormalised(features, weights):            # the weighted sum, not the weighted average
    y = features @ weights.T
    e = np.exp(y - y.max(axis=1, keepdims=True))
    return y, e / e.sum(axis=1, keepdims=True)


def test_fc_softmax_accepts_two_correct_implementations():
    assert check_fc_softmax(fcs_vector).passed and check_fc_softmax(fcs_loops).passed


@pytest.mark.parametrize("wrong, needles", [
    (naive_softmax, ["First wrong case: large votes", "p contains NaN or infinity at index", "subtract each row's"]),
    (lambda f, w: unnormalised(f, w),
     ["wrong outputs: y, p", "y at index", "weighted average"]),
    (lambda f, w: (lambda y: (y, np.exp(y - y.max()) / np.exp(y - y.max()).sum(axis=0, keepdims=True)))(
        fcs_vector(f, w)[0]), ["p at index", "not one class over the batch"]),
    (lambda f, w: (lambda y: (y, y / y.sum(axis=1, keepdims=True)))(fcs_vector(f, w)[0]),
     ["p at index", "exponentiates"]),
    (lambda f, w: (lambda y: (y.T, fcs_vector(f, w)[1].T))(fcs_vector(f, w)[0]),
     ["transpose", "one row per image"]),
    (lambda f, w: fcs_vector(f, w)[1], ["the tuple (y, p)"]),
])
def test_fc_softmax_rejects_typical_mistakes(wrong, needles):
    assert_fails(check_fc_softmax(wrong), *needles)


# ------------------------------------------------------------------ I.6 output size and parameters
def layer_checks_first(W, C, F, K, P, S):
    if S < 1 or P < 0:
        raise ValueError("S must be >= 1 and P >= 0")
    span = W - F + 2 * P
    if span < 0 or span % S:
        raise ValueError(f"(W - F + 2P) / S = {span}/{S} is not a whole number >= 0")
    return 1 + span // S, (F * F * C + 1) * K


def layer_counts_windows(W, C, F, K, P, S):
    if not (isinstance(S, int) and S >= 1 and P >= 0 and F <= W + 2 * P):
        raise ValueError("impossible layer")
    starts = list(range(0, W + 2 * P - F + 1, S))     # where the windows start
    if starts[-1] != W + 2 * P - F:
        raise ValueError("the stride does not fit")
    return len(starts), F * F * C * K + K


def layer_floor(W, C, F, K, P, S):                   # no checks: // rounds silently
    return 1 + (W - F + 2 * P) // S, (F * F * C + 1) * K


def test_conv_layer_accepts_two_correct_implementations():
    assert check_conv_layer(layer_checks_first).passed and check_conv_layer(layer_counts_windows).passed


def guarded(fn):
    def inner(W, C, F, K, P, S):
        layer_checks_first(W, C, F, K, P, S)         # raises where it must
        return fn(W, C, F, K, P, S)
    return inner


@pytest.mark.parametrize("wrong, needles", [
    (layer_floor, ["First wrong case: W = 32, C = 3, F = 3, K = 16, P = 1, S = 2, which is impossible",
                   "returned (16, 448) instead of raising ValueError: (W - F + 2P)/S = 31/2 is not a whole number",
                   "instead of rounding with //"]),
    (lambda W, C, F, K, P, S: (1 + (W - F + 2 * P) / S, (F * F * C + 1) * K) if S else 1 / 0,
     ["returned (16.5, 448)"]),
    (guarded(lambda W, C, F, K, P, S: (1 + (W - F) // S, (F * F * C + 1) * K)),
     ["width: expected 32, got 28 (a difference of -4)", "W + 2P"]),
    (guarded(lambda W, C, F, K, P, S: ((W - F + 2 * P) // S, (F * F * C + 1) * K)),
     ["width: expected 32, got 31 (a difference of -1)", "hence the 1 +"]),
    (guarded(lambda W, C, F, K, P, S: (1 + (W - F + 2 * P) // S, F * F * C * K)),
     ["params: expected 1,216, got 1,200 (a difference of -16)", "also has a bias"]),
    (guarded(lambda W, C, F, K, P, S: (1 + (W - F + P) // S, (F * F + 1) * K)),
     ["width: expected 32, got 30 (a difference of -2); params: expected 1,216, got 416", "1 + (W - F + 2P) / S"]),
    (lambda W, C, F, K, P, S: (_ for _ in ()).throw(ValueError("no")) if S == 2 else layer_floor(W, C, F, K, P, S),
     ["W = 32, C = 3, F = 4, K = 16, P = 0, S = 2.\nyour function raised ValueError: no, but this configuration is "
      "possible"]),
])
def test_conv_layer_rejects_typical_mistakes(wrong, needles):
    assert_fails(check_conv_layer(wrong), *needles)


def test_conv_layer_names_a_wrong_exception_for_an_impossible_layer():
    def divides(W, C, F, K, P, S):
        if P < 0 or F > W + 2 * P or (W - F + 2 * P) % S:   # S = 0 divides by zero here
            raise ValueError("impossible")
        return layer_floor(W, C, F, K, P, S)
    res = check_conv_layer(divides)
    assert_fails(res, "P = 1, S = 0, which is impossible", "raised ZeroDivisionError", "not ValueError "
                 "(a stride must be at least 1)", "raise ValueError")
    assert res.failed == 1


# ------------------------------------------------------------------ I.7 confusion matrix
def cm_loop(y_true, y_pred, K):
    cm = np.zeros((K, K), dtype=int)
    for t, p in zip(y_true, y_pred):
        cm[t, p] += 1
    return cm


def cm_bincount(y_true, y_pred, K):
    return np.bincount(y_true * K + y_pred, minlength=K * K).reshape(K, K)


def test_confusion_matrix_accepts_two_correct_implementations():
    assert check_confusion_matrix(cm_loop).passed and check_confusion_matrix(cm_bincount).passed


def cm_fancy(y_true, y_pred, K):
    cm = np.zeros((K, K), dtype=int)
    cm[y_true, y_pred] += 1
    return cm


def cm_inferred_k(y_true, y_pred, K):
    return cm_loop(y_true, y_pred, int(max(y_true.max(), y_pred.max())) + 1)


@pytest.mark.parametrize("wrong, needles", [
    (cm_fancy, ["cm at index (", "expected", "got 1", "np.add.at"]),
    (lambda t, p, K: cm_loop(p, t, K), ["cm is the transpose of the expected matrix", "cm[true, predicted]"]),
    (cm_inferred_k, ["First wrong case: K = 5 given, but only classes 0 to 2 occur", "cm has shape (3, 3), expected "
                     "(5, 5)", "for the K given"]),
    (lambda t, p, K: cm_loop(t, p, K) / np.maximum(cm_loop(t, p, K).sum(1, keepdims=True), 1),
     ["cm at index", "holds counts"]),
])
def test_confusion_matrix_rejects_typical_mistakes(wrong, needles):
    assert_fails(check_confusion_matrix(wrong), *needles)


# ------------------------------------------------------------------ I.8 batch normalisation
def bn_vector(x, gamma, beta, eps):
    mu = x.mean(axis=(0, 2, 3), keepdims=True)
    var = ((x - mu) ** 2).mean(axis=(0, 2, 3), keepdims=True)
    return gamma[None, :, None, None] * (x - mu) / np.sqrt(var + eps) + beta[None, :, None, None]


def bn_per_channel(x, gamma, beta, eps):
    y = np.empty_like(x)
    for c in range(x.shape[1]):
        v = x[:, c].ravel()
        mu = v.sum() / v.size
        var = np.dot(v - mu, v - mu) / v.size
        y[:, c] = gamma[c] * (x[:, c] - mu) / np.sqrt(var + eps) + beta[c]
    return y


def test_batch_norm_accepts_two_correct_implementations():
    assert check_batch_norm(bn_vector).passed and check_batch_norm(bn_per_channel).passed


def bn_axes(axes, ddof=0, eps_inside=True, swap=False):
    def fn(x, gamma, beta, eps):
        mu = x.mean(axis=axes, keepdims=True)
        var = x.var(axis=axes, keepdims=True, ddof=ddof)
        sd = np.sqrt(var + eps) if eps_inside else np.sqrt(var) + eps
        g, b = (beta, gamma) if swap else (gamma, beta)
        return g[None, :, None, None] * (x - mu) / sd + b[None, :, None, None]
    return fn


def bn_one_pass(x, gamma, beta, eps):
    mu = x.mean(axis=(0, 2, 3), keepdims=True)
    var = (x ** 2).mean(axis=(0, 2, 3), keepdims=True) - mu ** 2
    return gamma[None, :, None, None] * (x - mu) / np.sqrt(var + eps) + beta[None, :, None, None]


@pytest.mark.parametrize("wrong, needles", [
    (bn_axes((2, 3)), ["First wrong case: N = 8", "y at index (", "each image is normalised on its own"]),
    (bn_axes((0,)), ["y at index", "not the batch alone"]),
    (bn_axes((0, 1, 2, 3)), ["y at index", "keep the channel axis"]),
    (bn_axes((0, 2, 3), ddof=1), ["y at index", "biased variance"]),
    (bn_axes((0, 2, 3), eps_inside=False), ["y at index", "inside the square root"]),
    (bn_axes((0, 2, 3), swap=True), ["y at index", "gamma scales"]),
    (bn_one_pass, ["wrong on 1 of 5 cases. First wrong case: values near a million", "y at index"]),
    (lambda x, g, b, eps: bn_vector(x, g, b, eps)[0], ["y has shape", "expected (8, 3, 4, 4)"]),
])
def test_batch_norm_rejects_typical_mistakes(wrong, needles):
    assert_fails(check_batch_norm(wrong), *needles)


def test_the_checkers_accept_the_library_itself():
    """The references the checkers use, called as the reader's function would be."""
    from lstmlib.core import norm
    from lstmlib.torchside import cnn
    assert check_batch_norm(lambda x, g, b, eps: norm.batch_norm2d(x, g, b, eps=eps).y).passed
    assert check_confusion_matrix(cnn.confusion_matrix).passed
