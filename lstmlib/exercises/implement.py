"""Implement-it exercises: the reader writes an algorithm, a checker compares it with lstmlib's own.

Each ``check_*`` function takes the reader's function, runs it on a fixed set of cases (random
inputs from a seeded generator, plus edge cases: a batch of one, a 1x1 output, large
pre-activations) and compares every output with lstmlib's implementation to 1e-8 in float64.
It never raises: a wrong shape, a wrong value, an exception inside the reader's function or a
body that still raises ``NotImplementedError`` all come back as an :class:`ImplementResult`
whose text says which output is wrong, where, expected versus got, and a hint.

    >>> from lstmlib.exercises import check_conv2d
    >>> def conv2d(x, f, S):
    ...     raise NotImplementedError
    >>> check_conv2d(conv2d)
    ✘ conv2d: not implemented yet — fill in the body of conv2d (it still raises NotImplementedError).

Shape letters as in the book: N batch, D input, H hidden, K classes; W image width, F filter
width, S stride. The printed verdict holds counts and at most four significant digits, so it is
the same on every CPU.
"""
from __future__ import annotations

import html
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from lstmlib.core import conv
from lstmlib.core.base import sigmoid
from lstmlib.core.gru import GRUParams, gru_forward
from lstmlib.core.losses import softmax, softmax_cross_entropy
from lstmlib.core.lstm import GATES, LSTMParams, lstm_step, lstm_step_backward
from lstmlib.core.rnn import RNNParams, rnn_backward, rnn_forward, rnn_step, rnn_step_backward
from lstmlib.core.losses import squared_error
from lstmlib.data import lecture_filters, x_image

__all__ = ["ImplementResult", "check_conv2d", "check_max_pool", "check_rnn_step", "check_rnn_step_backward",
           "check_lstm_step", "check_lstm_step_backward", "check_gru_step", "check_softmax_cross_entropy",
           "check_numerical_gradient"]



# ------------------------------------------------------------------------------------ the verdict
@dataclass(frozen=True)
class ImplementResult:
    """The verdict on the reader's function: ``passed``, the number of cases run and failed, and
    the text (``message``, ``hint``) shown by ``repr`` and in a notebook. True when passed."""
    name: str
    passed: bool
    cases: int
    failed: int
    message: str
    hint: str = ""

    def __bool__(self):
        return self.passed

    def text(self) -> str:
        mark = "\u2714" if self.passed else "\u2718"
        out = f"{mark} {self.name}: {self.message}"
        return out + (f"\nHint: {self.hint}" if self.hint else "")

    def __repr__(self):
        return self.text()

    def _repr_html_(self):
        colour = "#1a7f37" if self.passed else "#b00020"
        body = html.escape(self.text()).replace("\n", "<br>")
        return f'<div style="color:{colour};font-family:monospace;white-space:pre-wrap">{body}</div>'


class _Wrong(Exception):
    """Raised inside a checker when the reader's output is wrong: message and hint."""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.message, self.hint = message, hint


@dataclass
class _Case:
    label: str                      # what the case is, e.g. "stride 2, 7x7 image, 3x3 filter"
    args: tuple                     # passed to the reader's function (copied for each call)
    expected: dict                  # {output name: array}, in the order they are reported
    mistakes: list = field(default_factory=list)   # [({name: array}, hint)]: typical wrong answers
    overflow_hint: str = ""         # shown when the reader's output holds NaN or infinity


@dataclass
class _Spec:
    name: str                       # the function's name in the book
    unpack: Callable[[Any], dict]   # the reader's return value -> {output name: value}; raises _Wrong
    hints: dict                     # {output name: hint when it differs and no known mistake matches}
    shape_hints: dict               # {output name: hint when its shape is wrong}
    exception_hint: str             # shown when the reader's function raises
    summary: str                    # what the cases cover, for the verdict
    factors: dict = field(default_factory=dict)    # {factor: hint} when got = factor * expected
    transpose_hint: str = ""
    after_call: Callable | None = None             # (case, args) -> None or raises _Wrong
    tol: float = 1e-8                              # rtol and atol of every comparison


def _fmt(v) -> str:
    return f"{float(v):.4g}"


def _pair(expected, got) -> str:
    """'expected E, got G' with just enough digits (4 to 12) to tell the two apart."""
    e, g = float(expected), float(got)
    for d in range(4, 13):
        if f"{e:.{d}g}" != f"{g:.{d}g}":
            break
    out = f"expected {e:.{d}g}, got {g:.{d}g}"
    return out + (f" (a difference of {abs(e - g):.1e})" if d > 4 and np.isfinite(g) else "")


def _index(idx) -> str:
    return "(" + ", ".join(str(int(i)) for i in idx) + ")" if len(idx) != 1 else f"[{int(idx[0])}]"


def _close(a, b, tol=1e-8) -> bool:
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=tol, atol=tol))


def _as_array(value, name):
    if value is None:
        raise _Wrong(f"{name} is None: your function must return it")
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise _Wrong(f"{name} must be a number or an array of numbers, got {type(value).__name__}") from None
    return arr


def _compare_one(spec: _Spec, case: _Case, name, exp, got) -> tuple[str, str] | None:
    """None when ``got`` equals ``exp``; else (what is wrong, hint)."""
    got = _as_array(got, name)
    tol = spec.tol
    if got.shape != exp.shape:
        msg = f"{name} has shape {got.shape}, expected {exp.shape}"
        if got.ndim == 2 and got.shape == exp.shape[::-1]:
            return msg + " (the transpose)", spec.transpose_hint or spec.shape_hints.get(name, "")
        if got.size == exp.size and np.allclose(got.reshape(exp.shape), exp, rtol=tol, atol=tol):
            return msg + " (right numbers, wrong shape)", spec.shape_hints.get(name, "")
        return msg, spec.shape_hints.get(name, "")
    bad = ~np.isfinite(got)
    if bad.any():
        idx = np.argwhere(bad)[0]
        where = f" at index {_index(idx)}" if got.ndim else ""
        count = f" ({int(bad.sum())} of {got.size} entries)" if got.size > 1 else ""
        return (f"{name} contains NaN or infinity{where}{count}",
                case.overflow_hint or spec.hints.get(name, ""))
    if np.allclose(got, exp, rtol=tol, atol=tol):
        return None
    if np.allclose(-got, exp, rtol=tol, atol=tol):
        return (f"{name} has the wrong sign everywhere",
                spec.factors.get(-1.0) or spec.hints.get(name, "") or "check the sign of each term.")
    if got.ndim == 2 and got.shape[0] == got.shape[1] and np.allclose(got.T, exp, rtol=tol, atol=tol):
        return f"{name} is the transpose of the expected matrix", spec.transpose_hint or spec.hints.get(name, "")
    denom = float((exp * exp).sum())
    if denom > 0:
        c = float((got * exp).sum()) / denom
        if abs(c - 1) > 1e-6 and abs(c) > 1e-12 and np.allclose(got, c * exp, rtol=1e-7, atol=tol):
            for factor, hint in spec.factors.items():
                if np.isclose(c, factor, rtol=1e-6):
                    return f"{name} is {factor:.4g} times the expected value", hint
            return f"{name} is {c:.4g} times the expected value", spec.hints.get(name, "")
    diff = np.abs(got - exp)
    idx = np.unravel_index(int(np.argmax(diff)), diff.shape) if got.ndim else ()
    n_bad = int((~np.isclose(got, exp, rtol=tol, atol=tol)).sum())
    where = f" at index {_index(idx)}" if got.ndim else ""
    count = f" ({n_bad} of {got.size} entries differ)" if got.size > 1 else ""
    return (f"{name}{where}: {_pair(exp[idx], got[idx])}{count}",
            spec.hints.get(name, ""))


def _copy(a):
    if isinstance(a, np.ndarray):
        return a.copy()
    return a


def _run_case(spec: _Spec, fn, case: _Case):
    """None when the case passes, else (message, hint); 'notimpl' for NotImplementedError."""
    args = tuple(_copy(a) for a in case.args)
    try:
        result = fn(*args)
    except NotImplementedError:
        return "notimpl"
    except Exception as exc:                        # the reader's bug, reported as text
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        text = text if len(text) <= 160 else text[:157] + "..."
        return f"your function raised {type(exc).__name__}{': ' + text if text else ''}", spec.exception_hint
    try:
        if spec.after_call is not None:
            spec.after_call(case, args)
        got = spec.unpack(result)
        wrong = []
        for name, exp in case.expected.items():
            problem = _compare_one(spec, case, name, exp, got[name])
            if problem is not None:
                wrong.append((name, problem))
    except _Wrong as w:
        return w.message, w.hint
    except Exception as exc:                        # an output numpy cannot read: still a message
        return (f"could not read your function's output ({type(exc).__name__}: {str(exc)[:120]})",
                "return plain numpy arrays (or floats) in the documented order.")
    if not wrong:
        return None
    msg, hint = wrong[0][1]
    if len(wrong) > 1:
        msg = f"wrong outputs: {', '.join(n for n, _ in wrong)}; first: {msg}"
    for alt, alt_hint in case.mistakes:            # a typical mistake explains every wrong output?
        try:
            if all(_close(np.asarray(got[n], dtype=float), np.asarray(alt.get(n, case.expected[n])), spec.tol)
                   for n in case.expected):
                hint = alt_hint
                break
        except (TypeError, ValueError):
            continue
    return msg, hint


def _check(spec: _Spec, fn, cases: list, run_case=None) -> ImplementResult:
    """Run ``fn`` on every case (``run_case(spec, fn, case)`` -> None, "notimpl" or (message, hint))."""
    run_case = _run_case if run_case is None else run_case
    if not callable(fn):
        return ImplementResult(spec.name, False, 0, 0,
                               f"pass your function itself, e.g. check_{spec.name}({spec.name}); "
                               f"got {type(fn).__name__}")
    name = getattr(fn, "__name__", spec.name)
    failures = []
    for case in cases:
        with warnings.catch_warnings(), np.errstate(all="ignore"):   # overflow in the reader's code: a message
            warnings.simplefilter("ignore")
            out = run_case(spec, fn, case)
        if out == "notimpl":
            return ImplementResult(spec.name, False, len(cases), len(cases),
                                   f"not implemented yet — fill in the body of {name} "
                                   f"(it still raises NotImplementedError).")
        if out is not None:
            failures.append((case, out))
    if not failures:
        return ImplementResult(spec.name, True, len(cases), 0,
                               f"correct on all {len(cases)} cases ({spec.summary}).")
    case, (msg, hint) = failures[0]
    text = (f"wrong on {len(failures)} of {len(cases)} cases. First wrong case: {case.label}.\n"
            f"{msg}.")
    return ImplementResult(spec.name, False, len(cases), len(failures), text, hint)


def _rng(seed):
    return np.random.default_rng(seed)


def _tuple(result, names, what):
    if not isinstance(result, (tuple, list)) or len(result) != len(names):
        got = f"a {type(result).__name__} of {len(result)} items" if isinstance(result, (tuple, list)) \
            else f"{type(result).__name__}"
        raise _Wrong(f"your function must return {what}, got {got}",
                     "end the function with a return statement listing the outputs in that order.")
    return dict(zip(names, result))


def _grads(d, names, what):
    if not isinstance(d, dict):
        raise _Wrong(f"the gradients must come as a dict {{name: array}} with keys {', '.join(names)}, "
                     f"got {type(d).__name__}", f"build it as {{{names[0]!r}: ..., ...}}.")
    out = {}
    for n in names:
        key = n if n in d else (f"d{n}" if f"d{n}" in d else None)
        if key is None:
            raise _Wrong(f"the gradient dict has no key {n!r} (keys: {', '.join(map(str, d))})",
                         f"{what} has one gradient per parameter: {', '.join(names)}.")
        out[f"d{n}"] = d[key]
    return out


# ------------------------------------------------------------------------------------ Part I
def _conv_cases():
    r = _rng(11)
    filters = [(9, 3, 1), (7, 3, 2), (8, 2, 2), (9, 3, 3), (10, 4, 2), (5, 5, 1), (6, 1, 1), (11, 3, 4)]
    cases = []
    for W, F, S in filters:
        x, f = r.standard_normal((W, W)), r.standard_normal((F, F))
        n = conv.feature_map_size(W, F, 0, S)
        label = f"a {W}x{W} image, a {F}x{F} filter, stride {S} ({n}x{n} output)"
        mistakes = [({"m": conv.conv2d_mean(x, f[::-1, ::-1], S)},
                     "you flipped the filter: the book (like every deep-learning library) slides it as it is, "
                     "x[i S + u, j S + v] times f[u, v]."),
                    ({"m": conv.conv2d_mean(x, f.T, S)},
                     "you used f[v, u]: the filter's rows go with the window's rows.")]
        if W - F + 1 != n:
            dense = conv.conv2d_mean(x, f, 1)
            mistakes.append(({"m": dense[:n, :n]},
                             "the window moves S pixels at a time: output cell (i, j) starts at row i*S, column "
                             "j*S of the image, not at (i, j)."))
        cases.append(_Case(label, (x, f, S), {"m": conv.conv2d_mean(x, f, S)}, mistakes))
    filt = lecture_filters()["X"]                           # the lecture's own numbers, as a last case
    cases.append(_Case("the lecture's X image and 'X' filter, stride 1", (x_image(), filt, 1),
                       {"m": conv.conv2d_mean(x_image(), filt, 1)}))
    return cases


def check_conv2d(fn) -> ImplementResult:
    """Check the reader's ``fn(x, f, S) -> m``: the book's convolution (the mean of filter times window,
    no padding) of an (W, W) image x with an (F, F) filter f at stride S, an (W', W') map with
    W' = 1 + (W - F) / S."""
    spec = _Spec(
        "conv2d", lambda res: {"m": res},
        hints={"m": "write m[i, j] as the mean, over the F*F filter entries (u, v), of x[i S + u, j S + v] "
                    "f[u, v]; try it by hand on one output cell."},
        shape_hints={"m": "the output is (W', W') with W' = 1 + (W - F)/S: the window starts at 0, S, 2S, ... "
                          "and must fit inside the image."},
        exception_hint="x is (W, W), f is (F, F) and S an int; an index error often means a window runs past "
                       "the image: the last window starts at (W' - 1) S.",
        summary="random images and filters, strides 1 to 4, a filter as large as the image, a 1x1 filter, "
                "the lecture's X",
        factors={float(F * F): f"{F * F} = F*F: the book's convolution is the mean of the products, not their "
                                f"sum." for F in (2, 3, 4, 5)},
        transpose_hint="rows and columns are swapped: output cell (i, j) takes its window from row i*S and "
                       "column j*S.")
    return _check(spec, fn, _conv_cases())


_POOL_ZERO = ("the maximum of negative numbers is negative: start from the window's own values (or -inf), "
              "not from 0.")


def _pool_mistakes(x, k, s, p):
    n = p.shape[0]
    mean = np.array([[x[i * s:i * s + k, j * s:j * s + k].mean() for j in range(n)] for i in range(n)])
    return [({"p": np.maximum(p, 0.0)}, _POOL_ZERO),
            ({"p": mean}, "that is the mean of each window; max pooling keeps its largest value.")]


def _pool_cases():
    r = _rng(12)
    cases = []
    for W, k, s in [(7, 2, 2), (8, 2, 2), (9, 3, 3), (10, 3, 2), (9, 3, 2), (6, 3, 1), (5, 2, 3), (1, 1, 1)]:
        x = r.standard_normal((W, W))
        n = conv.pool_output_size(W, k, s, ceil_mode=True)
        p = conv.max_pool(x, k, s, ceil_mode=True)
        cases.append(_Case(f"a {W}x{W} map, window {k}, stride {s} ({n}x{n} output)", (x, k, s),
                           {"p": p}, _pool_mistakes(x, k, s, p)))
    x = -np.abs(r.standard_normal((6, 6))) - 0.1
    p = conv.max_pool(x, 2, 2)
    cases.append(_Case("a 6x6 map of negative values, window 2, stride 2", (x, 2, 2), {"p": p},
                       _pool_mistakes(x, 2, 2, p)))
    return cases


def check_max_pool(fn) -> ImplementResult:
    """Check the reader's ``fn(x, k, stride) -> p``: max pooling of an (W, W) map with (k, k) windows moved
    by ``stride``, keeping the partial windows at the border as the lecture does (7x7 -> 4x4 with k = 2,
    stride 2): p is (n, n) with n = 1 + ceil((W - k) / stride)."""
    spec = _Spec(
        "max_pool", lambda res: {"p": res},
        hints={"p": "p[i, j] is the largest value of the window that starts at row i*stride, column "
                    "j*stride; at the border the window is cut off by the edge of the map."},
        shape_hints={"p": "the output is n x n with n = 1 + ceil((W - k)/stride): a last, partial window at "
                          "the border still counts (the lecture pools 7x7 into 4x4)."},
        exception_hint="x is (W, W), k and stride are ints; at the border, slicing past the end of an array "
                       "is allowed in numpy and simply returns fewer rows.",
        summary="random maps, windows 1 to 3, strides 1 to 3, partial border windows, a map of negative values",
        transpose_hint="rows and columns are swapped: output (i, j) pools rows from i*stride, columns from j*stride.")
    return _check(spec, fn, _pool_cases())


# ------------------------------------------------------------------------------------ Part II: RNN
def _rnn_params(r, D, H, scale=1.0):
    return RNNParams(W_xh=scale * r.standard_normal((D, H)) / np.sqrt(D),
                     W_hh=scale * r.standard_normal((H, H)) / np.sqrt(H), b_h=0.5 * r.standard_normal(H))


_SIZES = [("a batch of 3 (N = 3, D = 4, H = 5)", 3, 4, 5, 1.0), ("a batch of one (N = 1)", 1, 4, 5, 1.0),
          ("D = 2, H = 3", 2, 2, 3, 1.0), ("H = 1", 4, 3, 1, 1.0),
          ("large pre-activations (|a| in the thousands)", 3, 4, 5, 1000.0)]


def _rnn_inputs(seed):
    r = _rng(seed)
    out = []
    for label, N, D, H, scale in _SIZES:
        p = _rnn_params(r, D, H, scale)
        out.append((label, p, r.standard_normal((N, D)), np.tanh(r.standard_normal((N, H)))))
    label, N, D, H, _ = _SIZES[0]
    out.append(("the first step (h_prev = 0)", _rnn_params(r, D, H), r.standard_normal((N, D)), np.zeros((N, H))))
    return out


_TANH_OVERFLOW = ("with large pre-activations exp(a) overflows: use np.tanh, which is exact for every a, "
                  "or a formula that never takes exp of a large positive number.")


def _h_only(res):
    if hasattr(res, "h") and not isinstance(res, np.ndarray):
        return {"h": res.h}
    if isinstance(res, (tuple, list)):
        raise _Wrong(f"return h_t alone (an array (N, H)), got a {type(res).__name__} of {len(res)} items",
                     "the step's output is the new hidden state only.")
    return {"h": res}


def check_rnn_step(fn) -> ImplementResult:
    """Check the reader's ``fn(params, x_t, h_prev) -> h_t``: one step of the vanilla RNN,
    h_t = tanh(x_t W_xh + h_{t-1} W_hh + b_h), with params an RNNParams, x_t (N, D), h_prev (N, H)."""
    cases = []
    for label, p, x, hp in _rnn_inputs(21):
        a = x @ p.W_xh + hp @ p.W_hh + p.b_h
        mistakes = [({"h": np.tanh(x @ p.W_xh + hp @ p.W_hh.T + p.b_h)},
                     "h_{t-1} W_hh multiplies the row vector h_{t-1} by W_hh as it is: entry j sums "
                     "h_{t-1}[k] W_hh[k, j] over k."),
                    ({"h": np.tanh(x @ p.W_xh + hp @ p.W_hh)}, "the bias b_h is part of the pre-activation."),
                    ({"h": a}, "the pre-activation a_t goes through tanh."),
                    ({"h": np.tanh(x @ p.W_xh + p.b_h)},
                     "the previous state h_{t-1} must enter the step: that is what makes the network recurrent.")]
        cases.append(_Case(label, (p, x, hp), {"h": rnn_step(p, x, hp).h}, mistakes, _TANH_OVERFLOW))
    spec = _Spec(
        "rnn_step", _h_only,
        hints={"h": "write the pre-activation a_t = x_t W_xh + h_{t-1} W_hh + b_h first, then its tanh."},
        shape_hints={"h": "h_t has the shape of h_prev, (N, H): one row per sequence of the batch."},
        exception_hint="x_t is (N, D), h_prev (N, H), params.W_xh (D, H), params.W_hh (H, H), params.b_h (H,): "
                       "line the shapes up so that every product gives (N, H).",
        summary="batches of 3 and of 1, H = 1, the first step, large pre-activations")
    return _check(spec, fn, cases)


def _rnn_backward_variant(p, dh, x, hp, h, deriv=True, deriv_of_prev=False):
    d = (1 - (hp if deriv_of_prev else h) ** 2) if deriv else np.ones_like(h)
    da = dh * d
    return {"dx_t": da @ p.W_xh.T, "dh_prev": da @ p.W_hh.T,
            "dW_xh": x.T @ da, "dW_hh": hp.T @ da, "db_h": da.sum(0)}


def check_rnn_step_backward(fn) -> ImplementResult:
    """Check the reader's ``fn(params, dh, x_t, h_prev, h) -> (dx_t, dh_prev, grads)``: the backward of
    one tanh RNN step given dL/dh_t = dh (N, H), where grads = {"W_xh": (D, H), "W_hh": (H, H), "b_h": (H,)}
    (keys "dW_xh", ... are accepted too)."""
    cases = []
    for label, p, x, hp in _rnn_inputs(22):
        h = rnn_step(p, x, hp).h
        dh = _rng(len(cases)).standard_normal(h.shape)
        dx, dhp, g = rnn_step_backward(p, dh, x, hp, h)
        exp = {"dx_t": dx, "dh_prev": dhp, "dW_xh": g["W_xh"], "dW_hh": g["W_hh"], "db_h": g["b_h"]}
        da = dh * (1 - h ** 2)
        mistakes = [(_rnn_backward_variant(p, dh, x, hp, h, deriv=False),
                     "the gradient must pass back through tanh first: da_t = dh_t * tanh'(a_t), and "
                     "tanh'(a_t) can be written with h_t alone."),
                    (_rnn_backward_variant(p, dh, x, hp, h, deriv_of_prev=True),
                     "tanh'(a_t) = 1 - tanh(a_t)^2 = 1 - h_t^2 uses the output of this step, h_t, not h_{t-1}."),
                    ({"dh_prev": da @ p.W_hh}, "dh_prev: a_t = ... + h_{t-1} W_hh, so the gradient goes back "
                                               "through W_hh transposed (check the shapes with a non-square "
                                               "example on paper)."),
                    ({"dW_hh": da.T @ hp}, "dW_hh has the shape of W_hh and pairs row k (from h_{t-1}) with "
                                           "column j (from da_t): your matrix is its transpose."),
                    ({"db_h": da.mean(0)}, "db_h adds up the contributions of the N sequences of the batch "
                                           "(the loss is already averaged upstream).")]
        cases.append(_Case(label, (p, dh, x, hp, h), exp, mistakes))

    def unpack(res):
        out = _tuple(res, ["dx_t", "dh_prev", "grads"], "the tuple (dx_t, dh_prev, grads)")
        g = _grads(out.pop("grads"), ["W_xh", "W_hh", "b_h"], "the RNN step")
        return {**out, **g}

    spec = _Spec(
        "rnn_step_backward", unpack,
        hints={"dx_t": "dx_t = da_t W_xh^T with da_t = dh * (1 - h_t^2).",
               "dh_prev": "h_{t-1} reaches the loss through h_{t-1} W_hh: back through W_hh^T.",
               "dW_xh": "dW_xh collects x_t^T da_t, summed over the batch by the matrix product.",
               "dW_hh": "dW_hh collects h_{t-1}^T da_t.",
               "db_h": "db_h is da_t summed over the batch."},
        shape_hints={"dx_t": "dx_t has the shape of x_t, (N, D).", "dh_prev": "dh_prev has the shape of h_prev, "
                     "(N, H).", "dW_xh": "a gradient has the shape of its parameter: dW_xh is (D, H), like W_xh; "
                     "your matrix has the axes the other way round: check the order of the product.",
                     "dW_hh": "dW_hh is (H, H), like W_hh.",
                     "db_h": "db_h is (H,), like b_h: sum da_t over the batch axis."},
        exception_hint="shapes: dh, h, h_prev (N, H); x_t (N, D); W_xh (D, H); W_hh (H, H). Each gradient has "
                       "the shape of what it is the gradient of.",
        summary="batches of 3 and of 1, H = 1, the first step, saturated tanh",
        factors={-1.0: "the wrong sign: a gradient follows the chain rule with no minus sign here."},
        transpose_hint="a gradient has the shape of its parameter and pairs the same indices: dW[k, j] "
                       "multiplies the input's entry k with da_t's entry j.")
    return _check(spec, fn, cases)


def _ce_cases():
    r = _rng(51)
    cases = []
    for label, N, K, offset, scale in [("N = 4, K = 5", 4, 5, 0.0, 2.0), ("a batch of one (N = 1)", 1, 6, 0.0, 2.0),
                                       ("two classes", 5, 2, 0.0, 1.0),
                                       ("large pre-activations (scores near 1000)", 3, 4, 1000.0, 3.0),
                                       ("large negative pre-activations (near -1000)", 3, 4, -1000.0, 3.0),
                                       ("targets at the first and last class", 2, 7, 0.0, 2.0)]:
        y = offset + scale * r.standard_normal((N, K))
        t = r.integers(0, K, N) if "first and last" not in label else np.array([0, K - 1])
        loss, dy = softmax_cross_entropy(y[None], t[None])
        p = softmax(y)
        onehot = np.eye(K)[t]
        mistakes = [({"dy": p / N}, "the gradient is p-hat minus the one-hot target: the -1 at the target class "
                                    "comes from the log of p-hat at that class."),
                    ({"dy": (p - np.eye(K)[(t + 1) % K]) / N, "loss": float(-np.log(p[np.arange(N), (t + 1) % K]).mean())},
                     "the one-hot vector of target t has its 1 at index t (indices start at 0)."),
                    ({"loss": float(-np.log(p[np.arange(N), t]).sum()), "dy": p - onehot},
                     "the book's loss is the mean over the batch, so loss and gradient are divided by N."),
                    ({"dy": p - onehot}, "the loss is the mean over the batch: its gradient carries the 1/N too.")]
        cases.append(_Case(label, (y, t), {"loss": np.asarray(loss), "dy": dy[0]}, mistakes,
                           "exp of a score near +1000 overflows to infinity (and near -1000 it underflows to 0): "
                           "softmax(y) = softmax(y - c) for any constant c per row, so choose c to keep exp "
                           "in range."))
    return cases


def check_softmax_cross_entropy(fn) -> ImplementResult:
    """Check the reader's ``fn(y, targets) -> (loss, dy)``: scores y (N, K), integer targets (N,);
    loss = mean over n of -log p-hat[n, targets[n]] with p-hat = softmax(y), and dy = dL/dy (N, K)."""
    spec = _Spec(
        "softmax_cross_entropy", lambda res: _tuple(res, ["loss", "dy"], "the tuple (loss, dy)"),
        hints={"loss": "loss = mean over the batch of -log p-hat[n, target_n].",
               "dy": "derive it on one row first: dL/dy_k = p-hat_k - [k == target], then the batch mean."},
        shape_hints={"loss": "the loss is one number (the mean over the batch).",
                     "dy": "dy has the shape of y, (N, K)."},
        exception_hint="y is (N, K) float, targets (N,) int; p[np.arange(N), targets] picks one entry per row.",
        summary="batches of 4 and 1, two classes, scores near +1000 and -1000, the first and last class",
        factors={-1.0: "the sign: lowering the loss raises the target's score, so dy is negative at the target."})
    return _check(spec, fn, _ce_cases())


def _gc_cases():
    r = _rng(61)
    cases = []
    x = r.uniform(0.0, 2.0, 6)
    cases.append(("f(x) = sum(exp(x)) + sum(x^3)/3 on 6 numbers", lambda v: float(np.exp(v).sum() + (v ** 3).sum() / 3),
                  x, np.exp(x) + x ** 2))
    A, B = r.standard_normal((3, 4)), r.standard_normal((5, 2))
    Wm = r.standard_normal((4, 5)) * 0.5

    def fmat(W):
        return float(np.tanh(A @ W @ B).sum() + (W ** 2).sum())

    th = np.tanh(A @ Wm @ B)
    cases.append(("f(W) = sum(tanh(A W B)) + sum(W^2) on a 4x5 matrix", fmat, Wm,
                  A.T @ (1 - th ** 2) @ B.T + 2 * Wm))
    x1 = np.array([0.7])
    cases.append(("f(x) = exp(3x) on a single number", lambda v: float(np.exp(3 * v).sum()), x1, 3 * np.exp(3 * x1)))
    p = _rnn_params(r, 2, 3)
    xs, ts = r.standard_normal((4, 2, 2)), r.standard_normal((4, 2, 3))

    def rnn_loss(W_hh):
        import dataclasses
        q = dataclasses.replace(p, W_hh=W_hh)
        return squared_error(rnn_forward(q, xs).h, ts)[0]

    tr = rnn_forward(p, xs)
    g = rnn_backward(p, tr, dh=squared_error(tr.h, ts)[1]).dparams.W_hh
    cases.append(("an RNN's squared error over 4 steps as a function of W_hh (3x3)", rnn_loss, p.W_hh.copy(), g))
    return cases


def check_numerical_gradient(fn, eps: float = 1e-5) -> ImplementResult:
    """Check the reader's ``fn(f, x, eps) -> g``: the centred finite-difference gradient of a scalar
    function f at the array x (any shape), g[j] = (f(x + eps e_j) - f(x - eps e_j)) / (2 eps), same
    shape as x, leaving x as it found it. Compared with exact gradients (one of them from lstmlib's
    BPTT) to 1e-7, which a centred difference with eps = 1e-5 meets and a one-sided one does not."""
    cases = []
    for label, f, x, grad in _gc_cases():
        def forward_diff(f=f, x=x):
            out = np.empty_like(x)
            for j in np.ndindex(x.shape):
                xp = x.copy()
                xp[j] += eps
                out[j] = (f(xp) - f(x)) / eps
            return out
        case = _Case(label, (f, x, eps), {"g": grad},
                     [({"g": forward_diff()}, "(f(x + eps) - f(x)) / eps has an error proportional to eps; "
                                              "a difference centred on x cancels that error.")])
        case.original = x.copy()
        cases.append(case)

    def after_call(case, args):
        x_after = args[1]
        if not (isinstance(x_after, np.ndarray) and x_after.shape == case.original.shape
                and np.allclose(x_after, case.original, rtol=0, atol=1e-12)):
            diff = np.abs(np.asarray(x_after, dtype=float) - case.original)
            j = np.unravel_index(int(np.argmax(diff)), diff.shape)
            change = _pair(case.original[j], np.asarray(x_after, dtype=float)[j])
            raise _Wrong(f"your function changed x: entry {_index(j)} was left changed "
                         f"({change.replace('expected', 'before the call').replace('got', 'after it')})",
                         "put every entry back after evaluating f at the perturbed point (or perturb a copy); "
                         "otherwise each later entry is differentiated at the wrong point.")

    def unpack(res):
        return {"g": res}

    spec = _Spec(
        "numerical_gradient", unpack,
        hints={"g": "perturb one entry x[j] at a time, by +eps and by -eps, and evaluate f at both points."},
        shape_hints={"g": "g has the shape of x, one partial derivative per entry (np.ndindex(x.shape) walks "
                          "every index of an array of any shape)."},
        exception_hint="f takes an array shaped like x and returns a float; x may be a matrix, so index it with "
                       "tuples, and make it float before adding eps.",
        summary="a vector, a matrix, a single number, an RNN's loss against lstmlib's BPTT",
        factors={2.0: "twice the derivative: the two points x + eps and x - eps lie 2 eps apart.",
                 0.5: "half the derivative: the two points x + eps and x - eps lie 2 eps apart, not 4 eps."},
        after_call=after_call, tol=1e-7)           # centred differences are exact to about 1e-10 here
    return _check(spec, fn, cases)


# ------------------------------------------------------------------------------------ Part III: LSTM
def _lstm_params(r, D, H, scale=1.0):
    arrays = {}
    for q in GATES:
        arrays[f"W_x{q}"] = scale * r.standard_normal((D, H)) / np.sqrt(D)
        arrays[f"W_h{q}"] = scale * r.standard_normal((H, H)) / np.sqrt(H)
        arrays[f"b_{q}"] = 0.5 * r.standard_normal(H)
    return LSTMParams(**arrays)


def _lstm_inputs(seed):
    r = _rng(seed)
    out = []
    for label, N, D, H, scale in _SIZES:
        p = _lstm_params(r, D, H, scale)
        out.append((label, p, r.standard_normal((N, D)), np.tanh(r.standard_normal((N, H))),
                    r.standard_normal((N, H))))
    label, N, D, H, _ = _SIZES[0]
    out.append(("the first step (h_prev = c_prev = 0)", _lstm_params(r, D, H), r.standard_normal((N, D)),
                np.zeros((N, H)), np.zeros((N, H))))
    return out


def _gates(p, x, hp):
    return {q: x @ getattr(p, f"W_x{q}") + hp @ getattr(p, f"W_h{q}") + getattr(p, f"b_{q}") for q in GATES}


def check_lstm_step(fn) -> ImplementResult:
    """Check the reader's ``fn(params, x_t, h_prev, c_prev) -> (h_t, c_t)``: one LSTM step (gates f, i, o
    through sigma, candidate g through tanh, c_t = f c_{t-1} + i g, h_t = o tanh(c_t)), params an
    LSTMParams with W_x* (D, H), W_h* (H, H), b_* (H,)."""
    cases = []
    for label, p, x, hp, cp in _lstm_inputs(31):
        s = lstm_step(p, x, hp, cp)
        a = _gates(p, x, hp)
        sg = {q: sigmoid(a[q]) for q in GATES}
        f, i, g, o = sg["f"], sg["i"], np.tanh(a["g"]), sg["o"]
        mistakes = []
        c1 = i * g
        mistakes.append(({"h": o * np.tanh(c1), "c": c1},
                         "the old cell state is missing: c_t keeps the part f_t of c_{t-1} and adds i_t g_t."))
        c2 = f * cp + i * g
        mistakes.append(({"h": o * c2, "c": c2}, "h_t = o_t tanh(c_t): the cell state is squashed before the "
                                                 "output gate scales it."))
        c3 = f * cp + i * sg["g"]
        mistakes.append(({"h": o * np.tanh(c3), "c": c3}, "the candidate g_t uses tanh (values in (-1, 1)); only "
                                                          "the gates f, i, o use sigma."))
        c4 = i * cp + f * g
        mistakes.append(({"h": o * np.tanh(c4), "c": c4}, "the forget gate scales the old cell state and the "
                                                          "input gate the candidate, not the other way round."))
        mistakes.append(({"h": o * np.tanh(cp), "c": c2}, "h_t uses the new cell state c_t."))
        cases.append(_Case(label, (p, x, hp, cp), {"h": s.h, "c": s.c}, mistakes,
                           "with large pre-activations exp(a) overflows: 1 / (1 + exp(-a)) is safe for a > 0 "
                           "only; np.tanh is always safe (sigma(a) = (1 + tanh(a/2)) / 2)."))

    def unpack(res):
        if hasattr(res, "h") and hasattr(res, "c") and not isinstance(res, (tuple, list)):
            return {"h": res.h, "c": res.c}
        return _tuple(res, ["h", "c"], "the tuple (h_t, c_t)")

    spec = _Spec(
        "lstm_step", unpack,
        hints={"h": "h_t = o_t tanh(c_t), with o_t = sigma(x_t W_xo + h_{t-1} W_ho + b_o).",
               "c": "c_t = f_t c_{t-1} + i_t g_t, element by element; compute the four pre-activations the "
                    "same way, each with its own W_x*, W_h*, b_*."},
        shape_hints={"h": "h_t is (N, H), like h_prev.", "c": "c_t is (N, H), like c_prev."},
        exception_hint="x_t (N, D), h_prev and c_prev (N, H); params.W_xf (D, H), params.W_hf (H, H), "
                       "params.b_f (H,), and the same for i, g, o.",
        summary="batches of 3 and of 1, H = 1, the first step, large pre-activations",
        transpose_hint="h_{t-1} W_h* uses W_h* as it is (row vector times matrix).")
    return _check(spec, fn, cases)


def _lstm_backward_variant(p, dh, dc, s, x, hp, cp, *, dc_in=True, dh_to_c=True, c_in_da_f=True,
                           tanh_in_da_o=True, dc_prev_through_f=True):
    f, i, g, o, tc = s.f, s.i, s.g, s.o, s.tanh_c
    da = {"o": dh * (tc if tanh_in_da_o else s.c) * o * (1 - o)}
    dct = (dc if dc_in else 0) + (dh * o * (1 - tc ** 2) if dh_to_c else 0)
    da["f"] = dct * (cp if c_in_da_f else 1) * f * (1 - f)
    da["i"] = dct * g * i * (1 - i)
    da["g"] = dct * i * (1 - g ** 2)
    out = {"dx_t": sum(da[q] @ getattr(p, f"W_x{q}").T for q in GATES),
           "dh_prev": sum(da[q] @ getattr(p, f"W_h{q}").T for q in GATES),
           "dc_prev": dct * f if dc_prev_through_f else dct}
    for q in GATES:
        out.update({f"dW_x{q}": x.T @ da[q], f"dW_h{q}": hp.T @ da[q], f"db_{q}": da[q].sum(0)})
    return out


_LSTM_GRADS = [f"{w}{q}" for q in GATES for w in ("W_x", "W_h", "b_")]


def check_lstm_step_backward(fn) -> ImplementResult:
    """Check the reader's ``fn(params, dh, dc, step, x_t, h_prev, c_prev) -> (dx_t, dh_prev, dc_prev, grads)``:
    the backward of one LSTM step. dh, dc (N, H) are the gradients arriving at h_t and at c_t (from the
    next step); step is what ``lstm_step`` returned (step.f, step.i, step.g, step.o, step.c, step.tanh_c);
    grads = {"W_xf": ..., "W_hf": ..., "b_f": ..., ... for f, i, g, o} (keys "dW_xf", ... accepted)."""
    cases = []
    for label, p, x, hp, cp in _lstm_inputs(32):
        s = lstm_step(p, x, hp, cp)
        r = _rng(100 + len(cases))
        dh, dc = r.standard_normal(s.h.shape), r.standard_normal(s.h.shape)
        dx, dhp, dcp, g = lstm_step_backward(p, dh, dc, s, x, hp, cp)
        exp = {"dc_prev": dcp, "dh_prev": dhp, "dx_t": dx, **{f"d{n}": g[n] for n in _LSTM_GRADS}}
        v = lambda **kw: _lstm_backward_variant(p, dh, dc, s, x, hp, cp, **kw)
        mistakes = [(v(dc_in=False), "the gradient dc arriving from c_{t+1} is missing: c_t reaches the loss "
                                     "directly through the next cell state as well as through h_t, and the two "
                                     "contributions add up before anything else."),
                    (v(dh_to_c=False), "the path h_t = o_t tanh(c_t) into c_t is missing: dh also reaches c_t, "
                                       "scaled by o_t tanh'(c_t); add it to the dc that arrives from the next "
                                       "step."),
                    (v(c_in_da_f=False), "the forget gate multiplies c_{t-1}: the gradient reaching f_t is the "
                                         "cell's gradient times c_{t-1}, and you left c_{t-1} out."),
                    (v(dc_prev_through_f=False), "c_{t-1} reaches c_t through f_t * c_{t-1}: the gradient that "
                                                 "flows back to c_{t-1} is scaled by f_t."),
                    ({**exp, "dc_prev": np.zeros_like(dcp)},
                     "dc_prev must not be zero: c_{t-1} feeds c_t = f_t c_{t-1} + ..., so the cell's gradient "
                     "flows back to it (that path is the constant error carousel)."),
                    (v(tanh_in_da_o=False), "h_t = o_t tanh(c_t): the output gate's gradient is dh times tanh(c_t), "
                                            "not c_t.")]
        cases.append(_Case(label, (p, dh, dc, s, x, hp, cp), exp, mistakes))

    def unpack(res):
        out = _tuple(res, ["dx_t", "dh_prev", "dc_prev", "grads"], "the tuple (dx_t, dh_prev, dc_prev, grads)")
        return {**out, **_grads(out.pop("grads"), _LSTM_GRADS, "the LSTM step")}

    hints = {"dc_prev": "c_{t-1} enters only c_t = f_t c_{t-1} + i_t g_t.",
             "dh_prev": "h_{t-1} enters all four pre-activations: add da_q W_hq^T over q = f, i, g, o.",
             "dx_t": "x_t enters all four pre-activations: add da_q W_xq^T over q = f, i, g, o."}
    for q, how in [("f", "da_f = dc_t * c_{t-1} * f (1 - f)"), ("i", "da_i = dc_t * g_t * i (1 - i)"),
                   ("g", "da_g = dc_t * i_t * (1 - g^2)"), ("o", "da_o = dh * tanh(c_t) * o (1 - o)")]:
        hints.update({f"dW_x{q}": f"dW_x{q} = x_t^T da_{q}, with {how}, where dc_t is the total gradient "
                                  f"at c_t.",
                      f"dW_h{q}": f"dW_h{q} = h_{{t-1}}^T da_{q}.", f"db_{q}": f"db_{q} sums da_{q} over the batch."})
    shape_hints = {"dx_t": "dx_t is (N, D), like x_t.", "dh_prev": "dh_prev is (N, H).",
                   "dc_prev": "dc_prev is (N, H)."}
    shape_hints.update({f"d{n}": f"a gradient has the shape of its parameter: d{n} is like params.{n}."
                        for n in _LSTM_GRADS})
    spec = _Spec(
        "lstm_step_backward", unpack, hints=hints, shape_hints=shape_hints,
        exception_hint="dh, dc, h_prev, c_prev and step's fields are (N, H); x_t (N, D); W_x* (D, H); "
                       "W_h* (H, H). Each gradient has the shape of what it is the gradient of.",
        summary="batches of 3 and of 1, H = 1, the first step, saturated gates; dh and dc both nonzero",
        factors={-1.0: "the wrong sign: nothing in the LSTM's chain rule introduces a minus sign except "
                       "the derivatives sigma' = sigma (1 - sigma) and tanh' = 1 - tanh^2."},
        transpose_hint="a gradient has the shape of its parameter and pairs the same indices: dW[k, j] "
                       "multiplies the input's entry k with da's entry j.")
    return _check(spec, fn, cases)


# ------------------------------------------------------------------------------------ GRU
def check_gru_step(fn) -> ImplementResult:
    """Check the reader's ``fn(params, x_t, h_prev) -> h_t``: one GRU step in the book's (PyTorch's)
    convention: r = sigma(x W_xr + h W_hr + b_r), z = sigma(x W_xz + h W_hz + b_z),
    n = tanh(x W_xn + b_xn + r * (h W_hn + b_hn)), h_t = (1 - z) * n + z * h_{t-1}."""
    r = _rng(41)
    cases = []
    for label, N, D, H, scale in _SIZES + [("the first step (h_prev = 0)", 3, 4, 5, 1.0)]:
        arrays = {}
        for q in ("r", "z", "n"):
            arrays[f"W_x{q}"] = scale * r.standard_normal((D, H)) / np.sqrt(D)
            arrays[f"W_h{q}"] = scale * r.standard_normal((H, H)) / np.sqrt(H)
        for b in ("b_r", "b_z", "b_xn", "b_hn"):
            arrays[b] = 0.5 * r.standard_normal(H)
        p = GRUParams(**arrays)
        x = r.standard_normal((N, D))
        hp = np.zeros((N, H)) if "first" in label else np.tanh(r.standard_normal((N, H)))
        rr = sigmoid(x @ p.W_xr + hp @ p.W_hr + p.b_r)
        z = sigmoid(x @ p.W_xz + hp @ p.W_hz + p.b_z)
        n = np.tanh(x @ p.W_xn + p.b_xn + rr * (hp @ p.W_hn + p.b_hn))
        n_cho = np.tanh(x @ p.W_xn + p.b_xn + (rr * hp) @ p.W_hn + p.b_hn)
        n_nob = np.tanh(x @ p.W_xn + p.b_xn + rr * (hp @ p.W_hn) + p.b_hn)
        mistakes = [({"h": z * n + (1 - z) * hp}, "z_t = 1 must keep the old state (h_t = h_{t-1}): z_t weighs "
                                                  "h_{t-1} and 1 - z_t the candidate."),
                    ({"h": (1 - z) * n_cho + z * hp},
                     "that is Cho et al.'s original candidate, r applied to h_{t-1} before the matrix; the book "
                     "(like PyTorch) applies r after it, to h_{t-1} W_hn + b_hn."),
                    ({"h": (1 - z) * n_nob + z * hp}, "r_t scales the whole hidden part h_{t-1} W_hn + b_hn, "
                                                      "bias included."),
                    ({"h": (1 - z) * np.tanh(x @ p.W_xn + p.b_xn + hp @ p.W_hn + p.b_hn) + z * hp},
                     "the reset gate r_t is missing from the candidate.")]
        ref = gru_forward(p, x[None], hp).h[0]
        cases.append(_Case(label, (p, x, hp), {"h": ref}, mistakes, _TANH_OVERFLOW))
    spec = _Spec(
        "gru_step", _h_only,
        hints={"h": "compute r_t, z_t, then the candidate n_t, then mix: h_t = (1 - z_t) n_t + z_t h_{t-1}."},
        shape_hints={"h": "h_t is (N, H), like h_prev."},
        exception_hint="x_t (N, D), h_prev (N, H); params.W_xr, W_xz, W_xn (D, H); W_hr, W_hz, W_hn (H, H); "
                       "b_r, b_z, b_xn, b_hn (H,).",
        summary="batches of 3 and of 1, H = 1, the first step, large pre-activations",
        transpose_hint="h_{t-1} W_h* uses W_h* as it is (row vector times matrix).")
    return _check(spec, fn, cases)
