"""Implement-it exercises for the chapters of Part I that had none: the reader writes a function, a
checker runs it on seeded random inputs and edge cases and compares it with lstmlib's own.

The machinery (cases, comparison, verdict) is that of :mod:`lstmlib.exercises.implement`; this module
adds the checkers and, for exercises whose answers are whole numbers (parameter counts, output sizes),
a comparison that prints both numbers in full and checks that an impossible layer raises ValueError.

    >>> from lstmlib.exercises import check_gradient_step
    >>> def gradient_step(x, w, actual, lr):
    ...     raise NotImplementedError
    >>> check_gradient_step(gradient_step)
    ✘ gradient_step: not implemented yet — fill in the body of gradient_step (it still raises NotImplementedError).

Shape letters as in the book: N batch, D input, K classes (or filters), C channels, W image width,
F filter width, P padding, S stride. Every verdict holds counts and at most four significant digits
(more only where two numbers differ further down), so it prints the same on every CPU.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from lstmlib.core import conv, norm
from lstmlib.core.losses import softmax
from lstmlib.data import o_image, x_image
from lstmlib.exercises.implement import ImplementResult, _Case, _check, _rng, _Spec, _tuple, _Wrong
from lstmlib.lectures import refresher
from lstmlib.lectures.xo import fc_votes, xo_features
from lstmlib.torchside.cnn import confusion_matrix, conv_params, linear_params

__all__ = ["check_gradient_step", "check_layer_params", "check_fc_softmax", "check_conv_layer",
           "check_confusion_matrix", "check_batch_norm"]


# ------------------------------------------------------------------------ whole-number answers
@dataclass
class _CountCase:
    label: str                      # the configuration, e.g. "W = 32, C = 3, F = 3, K = 16"
    args: tuple                     # passed to the reader's function
    expected: dict | None           # {output name: int}; None when the function must raise ValueError
    why_invalid: str = ""           # for expected None: why the configuration is impossible
    mistakes: list = field(default_factory=list)   # [({name: int}, hint)]: typical wrong answers


def _int_text(v) -> str:
    v = float(v)
    return f"{int(v):,}" if v.is_integer() and abs(v) < 2 ** 53 else f"{v:.6g}"


def _run_count_case(spec: _Spec, fn, case: _CountCase):
    """None when the case passes, else (message, hint); 'notimpl' for NotImplementedError."""
    try:
        result = fn(*case.args)
    except NotImplementedError:
        return "notimpl"
    except ValueError as exc:
        if case.expected is None:
            return None
        text = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else ""
        return (f"your function raised ValueError{': ' + text if text else ''}, but this configuration is "
                f"possible", spec.exception_hint)
    except Exception as exc:                        # the reader's bug, reported as text
        text = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else ""
        msg = f"your function raised {type(exc).__name__}{': ' + text if text else ''}"
        if case.expected is None:
            return (msg + f", not ValueError ({case.why_invalid})",
                    "check the configuration first and raise ValueError with a message that says what is wrong, "
                    "before any arithmetic can fail.")
        return msg, spec.exception_hint
    if case.expected is None:
        shown = (_int_text(result) if isinstance(result, (int, float, np.integer, np.floating)) else
                 "(" + ", ".join(_int_text(v) if isinstance(v, (int, float, np.integer, np.floating)) else repr(v)
                                 for v in result) + ")" if isinstance(result, (tuple, list)) else repr(result))
        return (f"your function returned {shown} instead of raising ValueError: {case.why_invalid}",
                spec.hints.get("invalid", ""))
    try:
        got = spec.unpack(result)
        wrong = []
        for name, exp in case.expected.items():
            value = got[name]
            try:
                g = float(value)
            except (TypeError, ValueError):
                raise _Wrong(f"{name} must be a number, got {type(value).__name__}",
                             "return plain ints (or floats holding whole numbers).") from None
            if g != exp:
                diff = f" (a difference of {_int_text(g - exp)})" if np.isfinite(g) else ""
                wrong.append((name, f"{name}: expected {_int_text(exp)}, got {_int_text(g)}{diff}"))
    except _Wrong as w:
        return w.message, w.hint
    if not wrong:
        return None
    msg = "; ".join(m for _, m in wrong)
    hint = spec.hints.get(wrong[0][0], "")
    for alt, alt_hint in case.mistakes:            # a typical mistake explains every output?
        if all(float(got[n]) == alt.get(n, case.expected[n]) for n in case.expected):
            hint = alt_hint
            break
    return msg, hint


def _check_counts(spec: _Spec, fn, cases: list) -> ImplementResult:
    return _check(spec, fn, cases, run_case=_run_count_case)


# ------------------------------------------------------------------------ I.1: one gradient step
def check_gradient_step(fn) -> ImplementResult:
    """Check the reader's ``fn(x, w, actual, lr) -> w_new``: one step of gradient descent on the
    refresher's squared error e = (actual - x . w)^2 of a linear neuron without bias, x and w (D,),
    w_new = w - lr de/dw with de/dw = -2 (actual - x . w) x, a (D,) array."""
    r = _rng(51)
    inputs = []
    for label, D, scale, lr in [("three inputs", 3, 1.0, 0.1), ("five inputs, a small learning rate", 5, 1.0, 0.01),
                                ("a single input", 1, 1.0, 0.3), ("large inputs (|x| in the thousands)", 4, 1e3, 1e-8)]:
        inputs.append((label, scale * r.standard_normal(D), r.standard_normal(D), float(scale * r.standard_normal()),
                       lr))
    x, w = r.standard_normal(3), r.standard_normal(3)
    inputs.append(("a neuron that is already right (actual = x . w)", x, w, float(x @ w), 0.1))
    inputs.append(("the chapter's neuron (x = 2, w = 0.5, actual 3, lr 0.1)", np.array([2.0]), np.array([0.5]),
                   3.0, 0.1))      # last: with one entry the verdict reads 'c times the expected value'
    cases = []
    for label, x, w, actual, lr in inputs:
        model = float(x @ w)
        grad = -2.0 * (actual - model) * x
        mistakes = [({"w": w + lr * grad}, "that is the slide's sign: w + lr de/dw climbs the error. A step of "
                                           "gradient descent goes against the slope, w - lr de/dw."),
                    ({"w": w - lr * grad / 2}, "the derivative of the square (actual - model)^2 brings down a "
                                               "factor 2."),
                    ({"w": w + lr * 2.0 * (actual - model) * np.ones_like(x)},
                     "model = x . w, so the slope of the model with respect to w_k is x_k: each weight's slope is "
                     "scaled by its own input."),
                    ({"w": w - lr * (actual - model) ** 2 * np.ones_like(x)},
                     "the step uses the slope de/dw, not the error e itself.")]
        cases.append(_Case(label, (x, w, actual, lr), {"w": refresher.gradient_step(x, w, actual, lr)}, mistakes))
    spec = _Spec(
        "gradient_step", lambda res: {"w": res},
        hints={"w": "compute the model output x . w, then the slope de/dw = -2 (actual - model) x, then "
                    "w - lr de/dw; try the chapter's numbers by hand (x = 2, w = 0.5, actual 3: 1.3)."},
        shape_hints={"w": "the new weights have the shape of w, (D,): one weight per input, even when D = 1."},
        exception_hint="x and w are (D,) arrays, actual and lr floats; x @ w (or np.dot) is the weighted sum.",
        summary="the chapter's neuron, one to five inputs, large inputs, a neuron that is already right",
        factors={-1.0: "the new weights have the wrong sign."})
    return _check(spec, fn, cases)


# ------------------------------------------------------------------------ I.2: fully connected vs local
def check_layer_params(fn) -> ImplementResult:
    """Check the reader's ``fn(W, C, F, K) -> (fc, conv)``: the parameters (weights and biases) of a
    fully connected layer of K neurons on a W x W image with C channels, and of a convolutional layer
    of K filters of size F x F on the same image (each filter spans all C channels, one bias each)."""
    cases = []
    for W, C, F, K in [(200, 3, 3, 64), (32, 3, 5, 16), (9, 1, 3, 3), (28, 1, 3, 1), (7, 2, 7, 4), (5, 4, 1, 2),
                       (1000, 3, 11, 96)]:
        fc, cv = linear_params(W * W * C, K), conv_params(F, C, K)
        Wp = W - F + 1
        label = f"W = {W}, C = {C}, F = {F}, K = {K}" + (" (the filter covers the whole image)" if F == W else "")
        mistakes = [({"fc": fc - K, "conv": cv - K}, "each neuron and each filter also has one bias."),
                     ({"conv": F * F * K + K}, "a filter spans all C channels of its window: F x F x C weights."),
                     ({"conv": F * F * C + 1}, "that is one filter; the layer has K of them."),
                     ({"fc": W * C * K + K}, "the image has W x W pixels, each with C numbers."),
                     ({"fc": W * W * K + K}, "each pixel holds C numbers (one per channel), and each gets a weight."),
                     ({"conv": Wp * Wp * (F * F * C + 1) * K},
                      "that gives every window position its own filter; a convolution shares one filter across "
                      "all positions, so its size does not depend on W.")]
        cases.append(_CountCase(label, (W, C, F, K), {"fc": fc, "conv": cv}, mistakes=mistakes))
    spec = _Spec(
        "layer_params", lambda res: _tuple(res, ["fc", "conv"], "the tuple (fc, conv)"),
        hints={"fc": "a fully connected neuron has one weight per input number (W x W x C of them) and a bias.",
               "conv": "a filter has F x F x C weights and a bias, whatever the image's size."},
        shape_hints={}, exception_hint="W, C, F and K are ints; return two ints.",
        summary="the chapter's 200x200x3 image, greyscale and colour, a 1x1 filter, a filter as large as the image, "
                "a 1000x1000 image")
    return _check_counts(spec, fn, cases)


# ------------------------------------------------------------------------ I.5: votes and softmax
def _fc_softmax_case(label, f, w, overflow_hint=""):
    y = np.stack([fc_votes(row, w) for row in f])
    p = softmax(y)
    raw = f @ w.T
    y_col = f @ (w / w.sum(axis=0)).T
    e = np.exp(y - y.max())
    mistakes = [({"y": raw, "p": softmax(raw)}, "each vote is a weighted average: divide class k's weighted sum "
                                                "by the sum of class k's weights."),
                ({"y": y_col, "p": softmax(y_col)}, "divide by the sum of class k's own weights, a sum over the "
                                                    "features j of weights[k, j] (one number per class)."),
                ({"p": e / e.sum(axis=0, keepdims=True)}, "softmax normalises the K votes of one image (one row "
                                                          "of y), not one class over the batch."),
                ({"p": y / y.sum(axis=1, keepdims=True)}, "softmax exponentiates the votes before normalising: "
                                                          "p_k = exp(y_k) / sum_j exp(y_j).")]
    return _Case(label, (f, w), {"y": y, "p": p}, mistakes, overflow_hint)


def check_fc_softmax(fn) -> ImplementResult:
    """Check the reader's ``fn(features, weights) -> (y, p)``: the lecture's fully connected votes
    y[n, k] = sum_j weights[k, j] features[n, j] / sum_j weights[k, j], then p = softmax of each row
    of y; features (N, D), weights (K, D), y and p (N, K). Large votes must not overflow."""
    r = _rng(52)
    fx, fo = xo_features(x_image()), xo_features(o_image())
    lecture = np.stack([fx, fo])
    cases = [_fc_softmax_case("the lecture's X and O, weighted by their own features (N = 2, D = 12, K = 2)",
                              lecture, lecture)]
    for label, N, D, K, scale in [("a batch of 5, K = 2", 5, 12, 2, 1.0), ("a batch of one (N = 1)", 1, 12, 2, 1.0),
                                  ("four classes (N = 3, D = 6, K = 4)", 3, 6, 4, 1.0),
                                  ("large votes (in the thousands)", 4, 8, 3, 3000.0)]:
        f = scale * r.uniform(0.0, 1.0, (N, D))
        w = r.uniform(0.1, 1.0, (K, D))
        hint = ("exp of a vote near 1000 overflows to infinity, and inf / inf is NaN. softmax(y) = softmax(y - c) "
                "for any c: subtract each row's largest vote before np.exp." if scale > 1 else "")
        cases.append(_fc_softmax_case(label, f, w, hint))
    spec = _Spec(
        "fc_softmax", lambda res: _tuple(res, ["y", "p"], "the tuple (y, p)"),
        hints={"y": "y[n, k] = sum over j of weights[k, j] features[n, j], divided by the sum of weights[k, :].",
               "p": "p[n, k] = exp(y[n, k]) / sum over the classes j of exp(y[n, j]); each row of p sums to 1."},
        shape_hints={"y": "y is (N, K): one vote per image and class (features (N, D) times weights (K, D) "
                          "transposed).", "p": "p is (N, K), like y."},
        exception_hint="features is (N, D) and weights (K, D): features @ weights.T is (N, K).",
        summary="the lecture's X and O, batches of 5 and of 1, four classes, votes in the thousands",
        transpose_hint="y and p are (N, K): one row per image, one column per class.")
    return _check(spec, fn, cases)


# ------------------------------------------------------------------------ I.6: size and parameters
_INVALID_HINT = ("(W - F + 2P) / S must be a whole number, the filter must fit in the padded image, S >= 1 and "
                 "P >= 0; check these first and raise ValueError, instead of rounding with // .")


def check_conv_layer(fn) -> ImplementResult:
    """Check the reader's ``fn(W, C, F, K, P, S) -> (width, params)``: the output width
    1 + (W - F + 2P) / S of a convolution with K filters of size F x F, padding P and stride S on a
    W x W x C input, and its (F F C + 1) K parameters; ValueError for an impossible configuration
    (stride that does not fit, filter larger than the padded input, S < 1 or P < 0)."""
    cases = []
    for W, C, F, K, P, S in [(32, 3, 5, 16, 2, 1), (32, 3, 3, 16, 1, 1), (32, 3, 3, 16, 0, 1), (32, 3, 4, 16, 0, 2),
                             (227, 3, 11, 96, 0, 4), (9, 1, 3, 3, 0, 1), (7, 1, 7, 1, 0, 1), (5, 1, 3, 2, 1, 2),
                             (28, 1, 1, 8, 0, 1)]:
        width, params = conv.feature_map_size(W, F, P, S), conv_params(F, C, K)
        mistakes = [({"width": 1 + (W - F) // S}, "padding adds P zeros on each side: the padded input is "
                                                  "W + 2P wide."),
                    ({"width": 1 + (W - F + P) // S}, "P zeros go on both sides, so the input grows by 2P."),
                    ({"width": (W - F + 2 * P) // S}, "count the window positions: the first one starts at 0 and "
                                                      "the last at W - F + 2P, hence the 1 + ."),
                    ({"width": 1 + (W - F + 2 * P)},
                     "the window moves S pixels at a time: divide (W - F + 2P) by S."),
                    ({"params": F * F * C * K}, "each filter also has a bias: (F F C + 1) K."),
                    ({"params": (F * F + 1) * K}, "a filter spans all C input channels: F x F x C weights.")]
        cases.append(_CountCase(f"W = {W}, C = {C}, F = {F}, K = {K}, P = {P}, S = {S}", (W, C, F, K, P, S),
                                {"width": width, "params": params}, mistakes=mistakes))
    for W, C, F, K, P, S, why in [
            (32, 3, 3, 16, 1, 2, "(W - F + 2P)/S = 31/2 is not a whole number"),
            (32, 3, 5, 16, 0, 2, "(W - F + 2P)/S = 27/2 is not a whole number"),
            (5, 1, 7, 1, 0, 1, "a 7x7 filter does not fit in a 5x5 image"),
            (5, 1, 9, 1, 1, 1, "a 9x9 filter does not fit in a 5x5 image padded to 7x7"),
            (32, 3, 3, 16, 1, 0, "a stride must be at least 1"),
            (32, 3, 3, 16, -1, 1, "padding cannot be negative")]:
        cases.append(_CountCase(f"W = {W}, C = {C}, F = {F}, K = {K}, P = {P}, S = {S}, which is impossible",
                                (W, C, F, K, P, S), None, why))
    spec = _Spec(
        "conv_layer", lambda res: _tuple(res, ["width", "params"], "the tuple (width, params)"),
        hints={"width": "the output width is 1 + (W - F + 2P) / S.",
               "params": "K filters of F x F x C weights, plus one bias each.", "invalid": _INVALID_HINT},
        shape_hints={},
        exception_hint="raise ValueError only for an impossible configuration; this one gives a whole-number width "
                       "1 + (W - F + 2P) / S with the filter inside the padded input.",
        summary="the chapter's 32x32x3 settings, AlexNet's first layer, a 1x1 filter, a filter as large as the image, "
                "six impossible configurations")
    return _check_counts(spec, fn, cases)


# ------------------------------------------------------------------------ I.7: confusion matrix
def _confusion_case(label, t, p, K):
    cm = confusion_matrix(t, p, K)
    once = np.zeros((K, K))
    once[t, p] = 1                                  # what cm[t, p] += 1 leaves: each pair counted once
    rows = cm.sum(axis=1, keepdims=True)
    mistakes = [({"cm": once}, "cm[y_true, y_pred] += 1 counts each distinct (true, predicted) pair only once, "
                               "however often it occurs (numpy applies the += once per index). Loop over the "
                               "samples, or use np.add.at(cm, (y_true, y_pred), 1)."),
                ({"cm": cm / np.maximum(rows, 1)}, "the matrix holds counts; the fractions per row (the recall) come "
                                                   "later, by dividing by the row sums.")]
    return _Case(label, (t.copy(), p.copy(), K), {"cm": cm}, mistakes)


def check_confusion_matrix(fn) -> ImplementResult:
    """Check the reader's ``fn(y_true, y_pred, K) -> cm``: the (K, K) confusion matrix whose entry
    [i, j] counts the samples of true class i predicted as class j; y_true, y_pred int (N,)."""
    r = _rng(53)
    t = r.integers(0, 3, 20)
    cases = [_confusion_case("20 samples, K = 3", t, np.where(r.random(20) < 0.7, t, r.integers(0, 3, 20)), 3)]
    t = r.integers(0, 10, 300)
    cases.append(_confusion_case("300 samples, K = 10", t, np.where(r.random(300) < 0.8, t, r.integers(0, 10, 300)),
                                 10))
    t = r.integers(0, 4, 30)
    cases.append(_confusion_case("K = 4, class 2 is never predicted", t, np.where(t == 2, 1, t), 4))
    t = r.integers(0, 3, 15)
    cases.append(_confusion_case("K = 5 given, but only classes 0 to 2 occur", t, r.integers(0, 3, 15), 5))
    cases.append(_confusion_case("a single sample (N = 1)", np.array([3]), np.array([1]), 4))
    t = r.integers(0, 6, 25)
    cases.append(_confusion_case("every prediction right, K = 6", t, t.copy(), 6))
    cases.append(_confusion_case("a classifier that always answers 1, K = 2", r.integers(0, 2, 12),
                                 np.ones(12, dtype=int), 2))
    spec = _Spec(
        "confusion_matrix", lambda res: {"cm": res},
        hints={"cm": "cm[i, j] counts the samples whose true class is i and whose predicted class is j; "
                     "each sample adds 1 to exactly one cell."},
        shape_hints={"cm": "the matrix is (K, K) for the K given, even when some classes never occur in the labels: "
                           "those keep a row and a column of zeros."},
        exception_hint="y_true and y_pred are int arrays (N,) of classes 0 to K - 1; start from np.zeros((K, K)).",
        summary="K = 2 to 10, a class never predicted, classes that never occur, one sample, all right, "
                "a constant classifier",
        transpose_hint="rows are the true classes and columns the predictions: cm[true, predicted].")
    return _check(spec, fn, cases)


# ------------------------------------------------------------------------ I.8: batch normalisation
def _bn_variant(x, gamma, beta, eps, axes=(0, 2, 3), ddof=0, eps_inside=True):
    mu = x.mean(axis=axes, keepdims=True)
    var = x.var(axis=axes, keepdims=True, ddof=ddof)
    sd = np.sqrt(var + eps) if eps_inside else np.sqrt(var) + eps
    g, b = gamma[None, :, None, None], beta[None, :, None, None]
    return g * (x - mu) / sd + b


_ONE_PASS = ("sigma^2 = mean(x^2) - mu^2 is right on paper, but with values near a million it subtracts two "
             "numbers near 1e12 and loses most digits; compute the mean of (x - mu)^2 instead.")


def check_batch_norm(fn) -> ImplementResult:
    """Check the reader's ``fn(x, gamma, beta, eps) -> y``: batch normalisation in training mode of
    x (N, C, H, W): per channel c, mu_c and the biased variance sigma2_c over the N H W values of
    x[:, c], y = gamma_c (x - mu_c) / sqrt(sigma2_c + eps) + beta_c, y (N, C, H, W)."""
    r = _rng(54)
    cases = []
    for label, shape, eps, offset in [("N = 8, C = 3, 4x4 maps, channels on different scales", (8, 3, 4, 4), 1e-5, 0.0),
                                      ("a batch of one (N = 1, C = 2, 5x5)", (1, 2, 5, 5), 1e-5, 0.0),
                                      ("1x1 maps (N = 6, C = 4, H = W = 1)", (6, 4, 1, 1), 1e-5, 0.0),
                                      ("3x5 maps (H != W), eps = 1e-3", (4, 2, 3, 5), 1e-3, 0.0),
                                      ("values near a million (a large common offset)", (5, 2, 3, 3), 1e-5, 1e6)]:
        N, C, H, W = shape
        scale = np.array([0.01, 1.0, 20.0, 3.0])[:C] if not offset else np.array([1.0, 4.0])  # 0.01: near eps
        x = r.standard_normal(shape) * scale[None, :, None, None] + r.normal(0, 5, C)[None, :, None, None] + offset
        gamma, beta = r.uniform(0.5, 2.0, C), r.normal(0, 1, C)
        y = norm.batch_norm2d(x, gamma, beta, training=True, eps=eps).y
        v = lambda **kw: {"y": _bn_variant(x, gamma, beta, eps, **kw)}
        mistakes = [(v(axes=(2, 3)), "mu_c and sigma_c^2 are taken over the whole batch and every position "
                                     "(axes 0, 2, 3); over axes (2, 3) each image is normalised on its own."),
                    (v(axes=(0,)), "mu_c and sigma_c^2 pool the batch and all H x W positions (axes 0, 2, 3), not "
                                   "the batch alone."),
                    (v(axes=(0, 1, 2, 3)), "each channel has its own mean and variance: average over axes (0, 2, 3) "
                                           "and keep the channel axis."),
                    (v(ddof=1), "normalise with the biased variance, divided by N H W (np.var's default); the "
                                "unbiased one (N H W - 1) only enters the running average."),
                    (v(eps_inside=False), "eps goes inside the square root: sqrt(sigma^2 + eps)."),
                    ({"y": _bn_variant(x, beta, gamma, eps)}, "gamma scales the standardised value and beta shifts "
                                                              "it: gamma (x - mu) / sqrt(sigma^2 + eps) + beta."),
                    ({"y": _bn_variant(x, np.ones(C), np.zeros(C), eps)}, "the learnt gamma_c and beta_c scale and "
                                                                          "shift each channel after standardising.")]
        if offset:
            mu = x.mean(axis=(0, 2, 3), keepdims=True)
            one_pass = (x ** 2).mean(axis=(0, 2, 3), keepdims=True) - mu ** 2
            mistakes.append(({"y": gamma[None, :, None, None] * (x - mu) / np.sqrt(one_pass + eps)
                              + beta[None, :, None, None]}, _ONE_PASS))
        hint = ("sigma^2 = mean(x^2) - mu^2 subtracts two numbers near 1e12 and loses most digits (it can even "
                "come out negative); compute the mean of (x - mu)^2 instead." if offset else "")
        cases.append(_Case(label, (x, gamma, beta, eps), {"y": y}, mistakes, hint))
    spec = _Spec(
        "batch_norm", lambda res: {"y": res},
        hints={"y": "per channel c: mu_c = mean of x[:, c], sigma2_c = mean of (x[:, c] - mu_c)^2, then "
                    "gamma_c (x - mu_c) / sqrt(sigma2_c + eps) + beta_c. With keepdims=True the (1, C, 1, 1) "
                    "statistics broadcast against x."},
        shape_hints={"y": "y has the shape of x, (N, C, H, W); mean(axis=(0, 2, 3), keepdims=True) keeps "
                          "statistics that broadcast."},
        exception_hint="x is (N, C, H, W), gamma and beta (C,): reshape them to (1, C, 1, 1) (gamma[None, :, None, "
                       "None]) to broadcast over the batch and the positions.",
        summary="channels on different scales, a batch of one, 1x1 and 3x5 maps, eps = 1e-3, values near a million")
    return _check(spec, fn, cases)
