"""Implement-it exercises for Parts II and III: batches of sequences, whole-sequence forwards, Jacobians, torch's bias
layout, forecasting errors, reading a cell, gradient clipping.

The machinery is :mod:`lstmlib.exercises.implement`'s: each ``check_*`` runs the reader's function on a
fixed set of cases (seeded random inputs and edge cases: a batch of one, one time step, one hidden unit,
large pre-activations) and compares every output with lstmlib's own function to 1e-8 in float64. It never
raises; the :class:`~lstmlib.exercises.implement.ImplementResult` says which output is wrong, at which
index, expected versus got, and gives a hint (a specific one when the answer matches a typical mistake).

    >>> from lstmlib.exercises import check_next_token_batch
    >>> def next_token_batch(indices, T, K):
    ...     raise NotImplementedError
    >>> check_next_token_batch(next_token_batch)
    ✘ next_token_batch: not implemented yet — fill in the body of next_token_batch (it still raises NotImplementedError).

Shape letters as in the book: T time steps, N batch (M windows), D input, H hidden, K vocabulary size.
The checkers that need torch (``check_forget_bias``, ``check_rolling_trend_errors``) import
:mod:`lstmlib.torchside` when they are called, so importing this module loads numpy only.
"""
from __future__ import annotations

import copy
import functools

import numpy as np

from lstmlib.core.bptt import clip_arrays_by_global_norm, jacobians
from lstmlib.core.lstm import lstm_forward, lstm_step
from lstmlib.core.rnn import RNNParams, rnn_forward
from lstmlib.data import one_hot, text_windows, traffic_lecture
from lstmlib.exercises.implement import (ImplementResult, _Case, _Spec, _Wrong, _check, _index, _lstm_params,
                                         _pair, _rng, _tuple)

__all__ = ["check_next_token_batch", "check_rnn_forward", "check_rnn_jacobians", "check_lstm_forward",
           "check_forget_bias", "check_rolling_trend_errors", "check_memory_unit", "check_clip_by_global_norm"]


def _not_callable(name, fn):
    return ImplementResult(name, False, 0, 0, f"pass your function itself, e.g. check_{name}({name}); "
                                              f"got {type(fn).__name__}")


def _wrap(fn, run):
    """The reader's fn, called through ``run(fn, *case_args)``; keeps fn's name for the verdict."""
    @functools.wraps(fn)
    def wrapped(*args):
        return run(fn, *args)
    return wrapped


# ------------------------------------------------------------------------------------ II.1
def _windows_reference(idx, T, K):
    inputs, targets = text_windows(idx, T)
    return one_hot(inputs, K), targets


def check_next_token_batch(fn) -> ImplementResult:
    """Check the reader's ``fn(indices, T, K) -> (x, targets)``: the training batch of a next-token model.

    indices (L,) ints in [0, K) is one long text, cut into windows of T tokens that start at 0, T, 2T, ...
    as long as the window's last target still exists (start + T <= L - 1), M windows in all. x (T, M, K)
    is time-first and one-hot: x[t, m] encodes indices[m T + t]; targets (T, M) ints with
    targets[t, m] = indices[m T + t + 1], the token that follows. lstmlib's answer is
    ``one_hot(text_windows(indices, T)[0], K)`` and ``text_windows(indices, T)[1]``."""
    r = _rng(71)
    settings = [("a text of 50 tokens, T = 7, K = 5", r.integers(0, 5, 50), 7, 5),
                ("one time step (T = 1), 6 tokens, K = 3", r.integers(0, 3, 6), 1, 3),
                ("exactly one window (L = T + 1 = 9)", r.integers(0, 4, 9), 8, 4),
                ("L a multiple of T (L = 40, T = 8): the last window has no target", r.integers(0, 6, 40), 8, 6),
                ("K = 10 but only tokens 0 to 3 occur", r.integers(0, 4, 30), 5, 10),
                ("two symbols, T = 3", r.integers(0, 2, 20), 3, 2)]
    cases = []
    for label, idx, T, K in settings:
        x, tg = _windows_reference(idx, T, K)
        inp = x.argmax(-1)
        M = tg.shape[1]
        rows = (np.arange(M) * T)[None, :] + np.arange(T)[:, None]
        mistakes = [({"targets": inp}, "the target of step t is the token that FOLLOWS x_t: shift by one step, "
                                       "indices[m T + t + 1]."),
                    ({"x": one_hot(idx[rows + 1], K), "targets": inp},
                     "inputs and targets are swapped: x holds tokens m T + t, the targets the ones after them.")]
        mistakes.append(({"targets": idx[rows - 1]}, "the shift goes forwards in time: the target is the next token, "
                                            "not the previous one."))
        if M == T:                                   # batch-first has the right shape only then
            mistakes.append(({"x": x.transpose(1, 0, 2), "targets": tg.T},
                             "the batch is time-first: x[t, m] is step t of window m, so axis 0 is time and axis "
                             "1 the window (you built x[m, t])."))
        cases.append(_Case(label, (idx, T, K), {"x": x, "targets": tg}, mistakes))

    spec = _Spec(
        "next_token_batch", lambda res: _tuple(res, ["x", "targets"], "the tuple (x, targets)"),
        hints={"x": "x[t, m] is the one-hot vector (length K) of token indices[m T + t]; np.eye(K)[ints] turns "
                    "an array of ints into one-hot rows.",
               "targets": "targets[t, m] = indices[m T + t + 1]: the token after the one in x[t, m]."},
        shape_hints={"x": "x is time-first, (T, M, K): axis 0 is the step within a window, axis 1 the window, "
                          "axis 2 the one-hot code of length K (K, not the largest index seen + 1). The windows "
                          "start at 0, T, 2T, ... while start + T <= L - 1, so that the last target exists.",
                     "targets": "targets is (T, M), like x without its one-hot axis; a window starting at s needs "
                                "the tokens s to s + T, so its start must satisfy s + T <= L - 1."},
        exception_hint="indices is a 1-D int array of length L; an IndexError usually means a window (or its "
                       "target) runs past the end of the text: the last start s must satisfy s + T <= L - 1.",
        summary="T from 1 to 8, one window, a length that is a multiple of T, unused symbols, two symbols",
        transpose_hint="the batch is time-first: (T, M, ...), step first and window second.")
    return _check(spec, fn, cases)


# ------------------------------------------------------------------------------------ II.3
def check_rnn_forward(fn) -> ImplementResult:
    """Check the reader's ``fn(params, x, h_init) -> (h, y)``: the tanh RNN unrolled over a whole sequence,
    h_t = tanh(x_t W_xh + h_{t-1} W_hh + b_h) from h_{-1} = h_init, and y_t = h_t W_hy + b_y at every step.
    params an RNNParams with an output layer, x (T, N, D), h_init (N, H); h (T, N, H) holds h_0 .. h_{T-1}
    (not h_init) and y (T, N, K). lstmlib's answer: ``rnn_forward(params, x, h_init)`` (its .h and .y)."""
    r = _rng(72)
    cases = []
    dinners = np.eye(3)[[0, 1, 2, 0, 1, 2]][:, None, :]                    # the chapter's hand-set network
    hand = RNNParams(W_xh=3 * np.eye(3), W_hh=np.zeros((3, 3)), b_h=np.zeros(3),
                     W_hy=np.roll(np.eye(3), 1, axis=1), b_y=np.zeros(3))
    settings = [("the chapter's hand-set dinner network, six days", hand, dinners, np.zeros((1, 3)))]
    for label, T, N, D, H, K, scale, zero in [("T = 5, a batch of 3, nonzero h_init", 5, 3, 4, 5, 3, 1.0, False),
                                              ("a batch of one (N = 1)", 4, 1, 3, 4, 2, 1.0, False),
                                              ("one time step (T = 1)", 1, 2, 3, 4, 3, 1.0, False),
                                              ("one hidden unit (H = 1)", 6, 2, 2, 1, 2, 1.0, False),
                                              ("h_init = 0", 4, 2, 3, 3, 3, 1.0, True),
                                              ("large pre-activations (|a| in the thousands)", 4, 2, 3, 4, 2, 1000.0,
                                               False)]:
        p = RNNParams(W_xh=scale * r.standard_normal((D, H)) / np.sqrt(D),
                      W_hh=scale * r.standard_normal((H, H)) / np.sqrt(H), b_h=0.5 * r.standard_normal(H),
                      W_hy=r.standard_normal((H, K)), b_y=r.standard_normal(K))
        h0 = np.zeros((N, H)) if zero else np.tanh(r.standard_normal((N, H)))
        settings.append((label, p, r.standard_normal((T, N, D)), h0))
    for label, p, x, h0 in settings:
        tr = rnn_forward(p, x, h0)
        T = x.shape[0]

        def out(h):
            return h @ p.W_hy + p.b_y

        def loop(h_start, carry=True):
            hs, hp = [], h_start
            for t in range(T):
                h_t = np.tanh(x[t] @ p.W_xh + hp @ p.W_hh + p.b_h)
                hs.append(h_t)
                hp = h_t if carry else h_start
            return {"h": np.array(hs), "y": out(np.array(hs))}
        h_before = np.concatenate([h0[None], tr.h[:-1]])
        mistakes = [(loop(h0, carry=False), "h_{t-1} must be carried from step to step: feed each step the state "
                                            "the previous step returned, not h_init again (that is what makes the "
                                            "network recurrent)."),
                    ({"h": h_before, "y": out(h_before)},
                     "off by one in time: store the state each step RETURNS (h_0 .. h_{T-1}), not the one it "
                     "received (h_init, h_0, .., h_{T-2})."),
                    ({"y": out(h_before)}, "off by one in time: y_t reads the NEW state h_t = ..., computed at the "
                                           "same step, not h_{t-1}."),
                    ({"y": tr.h @ p.W_hy}, "the output layer has a bias too: y_t = h_t W_hy + b_y."),
                    ({"y": np.tanh(tr.y)}, "the output y_t = h_t W_hy + b_y is linear: the scores are not squashed "
                                           "(a softmax turns them into probabilities later)."),
                    ({"h": np.broadcast_to(tr.h[-1], tr.h.shape).copy(),
                      "y": np.broadcast_to(tr.y[-1], tr.y.shape).copy()},
                     "every stored step holds the last state: you appended the same array object again and again "
                     "and then overwrote it in place; store a new array per step.")]
        if np.any(h0 != 0):
            mistakes.append((loop(np.zeros_like(h0)), "start from h_init, the argument, not from zeros."))
        cases.append(_Case(label, (p, x, h0), {"h": tr.h, "y": tr.y}, mistakes,
                           "with large pre-activations exp(a) overflows: use np.tanh, which is exact for every a."))
    spec = _Spec(
        "rnn_forward", lambda res: _tuple(res, ["h", "y"], "the tuple (h, y)"),
        hints={"h": "loop t = 0 .. T-1: h_t = tanh(x[t] W_xh + h_prev W_hh + b_h), store it, then h_prev = h_t; "
                    "start from h_prev = h_init.",
               "y": "y_t = h_t W_hy + b_y at every step: one matrix product on the stacked h does all steps."},
        shape_hints={"h": "h is (T, N, H): np.stack of the T arrays h_t, each (N, H), along a new first axis.",
                     "y": "y is (T, N, K): one row of K scores per sequence and step."},
        exception_hint="x is (T, N, D), h_init (N, H); params.W_xh (D, H), W_hh (H, H), b_h (H,), W_hy (H, K), "
                       "b_y (K,); x[t] is (N, D).",
        summary="the chapter's dinner network, batches of 3 and of 1, one step, one hidden unit, h_init zero and "
                "nonzero, large pre-activations",
        transpose_hint="h_{t-1} W_hh and h_t W_hy use the matrices as they are (row vector times matrix).")
    return _check(spec, fn, cases)


# ------------------------------------------------------------------------------------ II.6
def _jacobian_cases():
    r = _rng(73)
    cases = []
    for label, T, N, D, H, scale in [("T = 6, a batch of 3, H = 5", 6, 3, 4, 5, 1.0),
                                     ("a batch of one (N = 1)", 5, 1, 3, 4, 1.0),
                                     ("one time step (T = 1)", 1, 2, 3, 4, 1.0),
                                     ("one hidden unit (H = 1)", 4, 2, 3, 1, 1.0),
                                     ("large pre-activations (saturated tanh)", 4, 2, 3, 4, 30.0)]:
        p = RNNParams(W_xh=scale * r.standard_normal((D, H)) / np.sqrt(D),
                      W_hh=scale * r.standard_normal((H, H)) / np.sqrt(H), b_h=0.3 * r.standard_normal(H))
        h0 = np.tanh(r.standard_normal((N, H)))
        tr = rnn_forward(p, r.standard_normal((T, N, D)), h0)
        cases.append((label, p, tr, h0))
    return cases


_PREV = ("off by one in time: J_t uses the slope of THIS step, 1 - h_t^2 (h_t = tanh(a_t)), not that of "
         "h_{t-1}.")


def check_rnn_jacobians(fn) -> ImplementResult:
    """Check the reader's ``fn(W_hh, h) -> J``: the Jacobians J_t = dh_t / dh_{t-1} of a tanh RNN at every
    step, in the book's row-vector convention J_t = diag(1 - h_t^2) W_hh^T, i.e.
    J[t, n, i, j] = (1 - h[t, n, i]^2) W_hh[j, i]. W_hh (H, H); h (T, N, H) the hidden states h_0 .. h_{T-1}
    of a forward pass; J (T, N, H, H). lstmlib's answer: ``core.bptt.jacobians``."""
    cases = []
    for label, p, tr, h0 in _jacobian_cases():
        J = jacobians(p, tr)
        h, W = tr.h, p.W_hh
        d = 1 - h ** 2
        mistakes = [({"J": d[..., :, None] * W}, "J_t[i, j] = dh_t[i] / dh_{t-1}[j] and h_t[i] depends on "
                                                 "h_{t-1}[j] through W_hh[j, i] (row vector times matrix): "
                                                 "the matrix in J_t is W_hh transposed."),
                    ({"J": (1 - np.concatenate([np.zeros_like(h[:1]), h[:-1]]) ** 2)[..., :, None] * W.T}, _PREV),
                    ({"J": (1 - np.roll(h, 1, axis=0) ** 2)[..., :, None] * W.T}, _PREV),
                    ({"J": np.broadcast_to(W.T, J.shape).copy()},
                     "the tanh's slope is missing: each row i of W_hh^T is scaled by 1 - h_t[i]^2."),
                    ({"J": W.T * d[..., None, :]},
                     "diag(1 - h_t^2) multiplies W_hh^T from the LEFT: it scales the rows (index i, the unit "
                     "of h_t), not the columns."),
                    ({"J": (1 - np.tanh(h) ** 2)[..., :, None] * W.T},
                     "h_t is already tanh(a_t): the slope is 1 - h_t^2, without applying tanh again.")]
        cases.append(_Case(label, (W.copy(), h.copy()), {"J": J}, mistakes))
    spec = _Spec(
        "rnn_jacobians", lambda res: {"J": res},
        hints={"J": "for each t and n: J[t, n] = diag(1 - h[t, n]^2) @ W_hh.T, i.e. (1 - h[t, n, :, None]^2) * "
                    "W_hh.T with broadcasting."},
        shape_hints={"J": "J is (T, N, H, H): one H x H Jacobian per step and per sequence of the batch."},
        exception_hint="W_hh is (H, H) and h (T, N, H); broadcasting (T, N, H, 1) * (H, H) gives (T, N, H, H).",
        summary="batches of 3 and of 1, one time step, one hidden unit, saturated tanh",
        transpose_hint="J_t = diag(1 - h_t^2) W_hh^T: the matrix is W_hh transposed (row-vector convention).")
    return _check(spec, fn, cases)


# ------------------------------------------------------------------------------------ III.3
def check_lstm_forward(fn) -> ImplementResult:
    """Check the reader's ``fn(params, x, h_init, c_init) -> (h, c)``: the LSTM over a whole sequence,
    step after step with ``lstm_step``. params an LSTMParams, x (T, N, D), h_init and c_init (N, H) (Singh's
    H_init, C_init); h and c (T, N, H) hold h_t and c_t for t = 0 .. T-1 (not the initial states).
    lstmlib's answer: ``lstm_forward(params, x, h_init, c_init)``."""
    r = _rng(74)
    cases = []
    for label, T, N, D, H, scale, zero in [("T = 5, a batch of 3, nonzero H_init and C_init", 5, 3, 4, 5, 1.0, False),
                                           ("a batch of one (N = 1)", 4, 1, 3, 4, 1.0, False),
                                           ("one time step (T = 1)", 1, 2, 3, 4, 1.0, False),
                                           ("one hidden unit (H = 1)", 6, 2, 2, 1, 1.0, False),
                                           ("H_init = C_init = 0", 4, 2, 3, 3, 1.0, True),
                                           ("large pre-activations (|a| in the thousands)", 4, 2, 3, 4, 1000.0, False)]:
        p = _lstm_params(r, D, H, scale)
        x = r.standard_normal((T, N, D))
        h0 = np.zeros((N, H)) if zero else np.tanh(r.standard_normal((N, H)))
        c0 = np.zeros((N, H)) if zero else 2 * r.standard_normal((N, H))
        tr = lstm_forward(p, x, h0, c0)

        def loop(h_start, c_start, keep_h=True, keep_c=True):
            hs, cs, hp, cp = [], [], h_start, c_start
            for t in range(T):
                s = lstm_step(p, x[t], hp, cp)
                hs.append(s.h)
                cs.append(s.c)
                hp, cp = (s.h if keep_h else h_start), (s.c if keep_c else c_start)
            return {"h": np.array(hs), "c": np.array(cs)}
        zeros = np.zeros((N, H))
        mistakes = [(loop(h0, c0, keep_c=False),
                     "c_{t-1} must be carried from step to step: feed each step the cell state the previous step "
                     "returned, not C_init again (that path is the LSTM's long-term memory)."),
                    (loop(h0, c0, keep_h=False), "h_{t-1} must be carried from step to step: feed each step the "
                                                 "hidden state the previous step returned."),
                    ({"h": np.concatenate([h0[None], tr.h[:-1]]), "c": np.concatenate([c0[None], tr.c[:-1]])},
                     "off by one in time: store the states each step RETURNS (h_0 .. h_{T-1}), not the ones it "
                     "received (H_init, h_0, .., h_{T-2})."),
                    ({"h": np.broadcast_to(tr.h[-1], tr.h.shape).copy(), "c": np.broadcast_to(tr.c[-1], tr.c.shape).copy()},
                     "every stored step holds the last state: you appended the same array object again and "
                     "again and then overwrote it in place; store a new array (or a copy) per step."),
                    ({"h": tr.c, "c": tr.h}, "the outputs are swapped: return (h, c) in that order.")]
        if not zero:
            mistakes.append((loop(zeros, zeros), "start from H_init and C_init, the arguments, not from zeros."))
        cases.append(_Case(label, (p, x, h0, c0), {"h": tr.h, "c": tr.c}, mistakes,
                           "with large pre-activations exp(a) overflows: lstm_step is safe, and so is "
                           "sigma(a) = (1 + tanh(a/2)) / 2."))
    spec = _Spec(
        "lstm_forward", lambda res: _tuple(res, ["h", "c"], "the tuple (h, c)"),
        hints={"h": "loop t = 0 .. T-1: s = lstm_step(params, x[t], h_prev, c_prev), store s.h and s.c, then "
                    "h_prev, c_prev = s.h, s.c; start from h_prev, c_prev = H_init, C_init.",
               "c": "c_t = f_t c_{t-1} + i_t g_t: each step needs the cell state of the step before."},
        shape_hints={"h": "h is (T, N, H): np.stack of the T arrays h_t, each (N, H), along a new first axis.",
                     "c": "c is (T, N, H), like h."},
        exception_hint="x is (T, N, D), h_init and c_init (N, H); lstm_step(params, x_t, h_prev, c_prev) returns an "
                       "object with fields .h and .c, each (N, H).",
        summary="batches of 3 and of 1, one step, one hidden unit, zero and nonzero H_init, C_init, large "
                "pre-activations")
    return _check(spec, fn, cases)


# ------------------------------------------------------------------------------------ III.5
_TORCH_GATES = ("i", "f", "g", "o")          # torch's row blocks of weight_ih, bias_ih, ...


def _effective_biases(rnn) -> dict:
    b = (rnn.bias_ih_l0 + rnn.bias_hh_l0).detach().cpu().double().numpy()
    H = rnn.hidden_size
    return {f"b_{q}": b[k * H:(k + 1) * H].copy() for k, q in enumerate(_TORCH_GATES)}


def check_forget_bias(fn) -> ImplementResult:
    """Check the reader's ``fn(lstm, b_f) -> None``: set the forget-gate bias of a one-layer ``torch.nn.LSTM``
    to b_f in every unit, in place, leaving the other gates and every weight as they were.

    torch stacks the gates in the order i, f, g, o (rows 0:H, H:2H, 2H:3H, 3H:4H of ``bias_ih_l0``,
    ``bias_hh_l0``, ``weight_ih_l0``, ``weight_hh_l0``) and adds two bias vectors, so the forget gate's
    bias is ``bias_ih_l0[H:2H] + bias_hh_l0[H:2H]``: that sum is what is checked, gate by gate.
    Each case builds a fresh float64 model with ``torchside.memory.make_model`` and random values in both
    bias vectors, as torch initialises them; lstmlib's answer is
    ``torchside.bridge.set_forget_bias``."""
    if not callable(fn):
        return _not_callable("forget_bias", fn)
    from lstmlib.torchside.bridge import set_forget_bias
    from lstmlib.torchside.memory import make_model

    settings = [("H = 5, b_f = 3", 0, 3, 5, 3.0), ("one hidden unit (H = 1), b_f = 1", 1, 2, 1, 1.0),
                ("H = 16, b_f = -2", 2, 4, 16, -2.0), ("b_f = 0 (torch's default is NOT 0)", 3, 1, 3, 0.0),
                ("a large bias, b_f = 20", 4, 3, 4, 20.0)]
    def fresh(seed, D, H):
        """A float64 LSTM model whose two bias vectors are both random, as torch's own initialisation makes
        them (lstmlib's models start with bias_hh = 0, which would hide the pitfall of the second bias)."""
        model = make_model("lstm", D, H, 2, seed=seed)
        hh = model.rnn.bias_hh_l0
        bound = 1 / np.sqrt(H)
        hh.data.copy_(hh.data.new_tensor(np.random.default_rng(1000 + seed).uniform(-bound, bound, 4 * H)))
        return model

    cases = []
    for label, seed, D, H, b in settings:
        model = fresh(seed, D, H)
        before = _effective_biases(model.rnn)
        ih = model.rnn.bias_ih_l0.detach().cpu().numpy()
        exp = _effective_biases(set_forget_bias(copy.deepcopy(model), b).rnn)
        mistakes = [({"b_i": np.full(H, b), "b_f": before["b_f"]},
                     "torch's gate order is i, f, g, o, so the forget gate is the SECOND block, rows H to 2H - 1; "
                     "you set the first block (the input gate), as in lstmlib's order f, i, g, o."),
                    ({"b_g": np.full(H, b), "b_f": before["b_f"]},
                     "that block is the candidate g: torch's order is i, f, g, o (TensorFlow's, i, g, f, o, "
                     "puts the forget gate third); the forget gate is rows H to 2H - 1."),
                    ({"b_f": b + (before["b_f"] - ih[H:2 * H])},
                     "torch adds TWO biases, bias_ih and bias_hh, and you set only one: the other still holds "
                     "its random initial values. Zero bias_hh's forget rows (or set bias_ih to b_f minus them)."),
                    ({"b_f": before["b_f"] + b}, "set the bias, do not add to it: the forget gate's effective bias "
                                                 "must be exactly b_f, whatever torch initialised."),
                    ({q: np.full(H, b) for q in exp}, "only the forget gate's rows, H to 2H - 1: the other gates keep "
                                                      "their biases.")]
        cases.append(_Case(label, (seed, D, H, b), exp, mistakes))

    def run(user, seed, D, H, b):
        model = fresh(seed, D, H)
        rnn = model.rnn
        weights = {n: getattr(rnn, n).detach().cpu().numpy().copy() for n in ("weight_ih_l0", "weight_hh_l0")}
        user(rnn, b)
        return rnn, weights

    def unpack(res):
        rnn, weights = res
        for name, w in weights.items():
            now = getattr(rnn, name, None)
            now = None if now is None else now.detach().cpu().double().numpy()
            if now is None or now.shape != w.shape or not np.array_equal(now, w):
                raise _Wrong(f"your function changed {name}", "only the biases change; the weight matrices "
                                                              "stay as torch initialised them.")
        for name in ("bias_ih_l0", "bias_hh_l0"):
            t = getattr(rnn, name, None)
            if t is None or tuple(t.shape) != (4 * rnn.hidden_size,):
                raise _Wrong(f"{name} is missing or no longer has shape (4H,) = ({4 * rnn.hidden_size},)",
                             "write into the existing parameter (inside torch.no_grad()), rows H to 2H - 1.")
        return _effective_biases(rnn)

    hints = {f"b_{q}": f"the {name} gate's effective bias is bias_ih_l0 + bias_hh_l0 on rows {k}H to {k + 1}H - 1; "
                       f"it must stay as it was." for k, (q, name) in
             enumerate(zip(_TORCH_GATES, ("input", "forget", "candidate", "output")))}
    hints["b_f"] = ("the forget gate's effective bias, bias_ih_l0[H:2H] + bias_hh_l0[H:2H], must equal b_f in every "
                    "unit.")
    spec = _Spec(
        "forget_bias", unpack, hints=hints, shape_hints={},
        exception_hint="torch refuses in-place changes of a parameter that requires a gradient: write inside "
                       "`with torch.no_grad():`. lstm.hidden_size is H; lstm.bias_ih_l0 and lstm.bias_hh_l0 are "
                       "(4H,) tensors.",
        summary="H = 1, 3, 4, 5, 16; b_f = -2, 0, 1, 3, 20; fresh torch models with random biases",
        factors={2.0: "the forget gate's bias came out as 2 b_f: torch adds bias_ih and bias_hh, and you set both "
                      "to b_f. Set one to b_f and the other to 0."})
    return _check(spec, _wrap(fn, run), cases)


# ------------------------------------------------------------------------------------ III.6
def check_rolling_trend_errors(fn) -> ImplementResult:
    """Check the reader's ``fn(values, k) -> errors``: the rolling one-step errors of the linear-trend forecast.

    values (L,) a series, k >= 2. For every origin o = k, .., L-1 the forecast of values[o] is the
    least-squares straight line through the k values before it, values[o-k : o] (placed at positions
    0 .. k-1), evaluated one step on (position k); errors (L - k,) holds actual minus forecast,
    errors[o - k] = values[o] - forecast. lstmlib's answer:
    ``values[o] - rolling_predictions(values, o, lambda v: naive_trend(v, k))`` for o = k .. L-1."""
    from lstmlib.torchside.forecasting import naive_trend, rolling_predictions

    r = _rng(75)
    _, traffic = traffic_lecture()
    walk = 100 + np.cumsum(r.standard_normal(30))
    settings = [("the lecture's eight traffic values, k = 2", traffic, 2),
                ("the lecture's eight traffic values, k = 3", traffic, 3),
                ("a random walk of 30 values, k = 4", walk, 4),
                ("a straight line (every error is 0), k = 3", 5.0 - 2.5 * np.arange(12), 3),
                ("the shortest series, L = k + 1 = 6 (one error)", r.standard_normal(6), 5),
                ("large values (about 1e6), k = 5", 1e6 + 50 * r.standard_normal(20), 5)]
    cases = []
    for label, v, k in settings:
        origins = np.arange(k, v.size)
        errors = v[origins] - rolling_predictions(v, origins, lambda s: naive_trend(s, k))

        def rolled(window_forecast):
            return {"errors": np.array([v[o] - window_forecast(v[o - k:o]) for o in origins])}
        mistakes = []
        if k > 2:
            mistakes.append((rolled(lambda w: 2 * w[-1] - w[-2]),
                             "repeating the last change is the trend for k = 2 only: for k > 2 fit the "
                             "least-squares line through all k values (np.polyfit(np.arange(k), w, 1))."))
        mistakes += [(rolled(lambda w: np.polyval(np.polyfit(np.arange(k), w, 1), k - 1)),
                      "you evaluated the line at the last known point (position k - 1); the forecast is one step "
                      "on, at position k."),
                     (rolled(lambda w: w.mean()), "the line's slope is missing: a trend forecast extrapolates, the "
                                                  "mean of the window does not."),
                     ({"errors": np.array([v[o] - naive_trend(v[o - k + 1:o + 1], k) for o in origins])},
                      "off by one in time: the forecast of values[o] may use only values[o - k : o], the k values "
                      "BEFORE o; yours saw values[o] itself.")]
        cases.append(_Case(label, (v.copy(), k), {"errors": errors}, mistakes))
    spec = _Spec(
        "rolling_trend_errors", lambda res: {"errors": res},
        hints={"errors": "for each origin o from k to L - 1: fit a line a + b s to the points (s, values[o - k + "
                         "s]), s = 0 .. k-1, forecast a + b k, and store values[o] minus it."},
        shape_hints={"errors": "one error per origin o = k, k + 1, .., L - 1: L - k of them (the first origin "
                               "needs k earlier values)."},
        exception_hint="values is a 1-D float array and k an int >= 2; np.polyfit(np.arange(k), window, 1) returns "
                       "(slope, intercept).",
        summary="the lecture's traffic with k = 2 and 3, a random walk, a straight line, one error, values "
                "near 1e6",
        factors={-1.0: "an error is actual minus forecast, values[o] - forecast: yours has the opposite sign."})
    return _check(spec, fn, cases)


# ------------------------------------------------------------------------------------ III.7
def check_memory_unit(fn) -> ImplementResult:
    """Check the reader's ``fn(c, labels) -> (unit, separation)``: which cell unit best separates two labels.

    c (N, H) cell states, labels (N,) in {0, 1} (both present). separation (H,) has, for unit j,
    ``abs(mean of c[:, j] over label 1 - mean over label 0) / (pooled sd + 1e-8)``, with the
    pooled standard deviation sqrt((var_1 + var_0) / 2) and numpy's var (dividing by the count);
    unit = argmax of separation. lstmlib's answer: ``torchside.memory.memory_unit``."""
    from lstmlib.torchside.memory import memory_unit

    r = _rng(76)
    settings = []
    lab = r.integers(0, 2, 40)
    lab[:2] = [0, 1]
    c = r.standard_normal((40, 8))
    c[:, 5] += 1.5 * lab
    settings.append(("40 cell states, 8 units, unit 5 carries the label", c, lab))
    lab = np.r_[np.zeros(35, int), np.ones(5, int)]
    c = r.standard_normal((40, 6)) * np.array([1, 3, 0.5, 2, 1, 1])
    c[:, 2] -= 0.8 * lab
    settings.append(("unbalanced labels (35 against 5)", c, lab))
    settings.append(("one sample per label (N = 2, every variance 0)", r.standard_normal((2, 4)), np.array([1, 0])))
    lab = r.integers(0, 2, 30)
    lab[:2] = [0, 1]
    settings.append(("one unit (H = 1)", (r.standard_normal(30) + lab)[:, None], lab))
    lab = np.r_[np.zeros(10, int), np.ones(10, int)]
    c = r.standard_normal((20, 4))
    c[:, 1] = np.where(lab == 1, 2.0, -1.0)                      # constant within each label: variance 0
    settings.append(("a unit that is constant within each label", c, lab))
    lab = r.integers(0, 2, 50)
    lab[:2] = [0, 1]
    settings.append(("large cell values (about 1e4)", 1e4 + r.standard_normal((50, 5)) + 0.5 * lab[:, None] *
                     np.arange(5), lab))
    cases = []
    for label, c, lab in settings:
        unit, sep = memory_unit(c, lab)
        a, b = c[lab == 1], c[lab == 0]
        diff = a.mean(0) - b.mean(0)
        mistakes = []
        if min(len(a), len(b)) > 1:
            pooled1 = np.sqrt((a.var(0, ddof=1) + b.var(0, ddof=1)) / 2)
            mistakes.append(({"separation": np.abs(diff) / (pooled1 + 1e-8)},
                             "use numpy's default variance (dividing by the number of states, ddof=0), as the "
                             "definition says; ddof=1 divides by one less."))
        with np.errstate(divide="ignore", invalid="ignore"):      # a mistake may divide by 0
            no_eps = np.abs(diff) / np.sqrt((a.var(0) + b.var(0)) / 2)
        mistakes += [({"separation": np.abs(diff) / ((a.std(0) + b.std(0)) / 2 + 1e-8)},
                      "the pooled standard deviation is the square root of the MEAN VARIANCE, "
                      "sqrt((var_1 + var_0) / 2), not the mean of the two standard deviations."),
                     ({"separation": np.abs(diff) / (c.std(0) + 1e-8)},
                      "the spread is measured within each label and pooled, not over all states together "
                      "(that would count the very difference you are measuring as spread)."),
                     ({"separation": no_eps},
                      "the definition adds 1e-8 to the pooled standard deviation (it keeps a unit that does not "
                      "vary within the labels finite)."),
                     ({"separation": diff / (np.sqrt((a.var(0) + b.var(0)) / 2) + 1e-8),
                       "unit": np.asarray(float(np.argmax(diff / (np.sqrt((a.var(0) + b.var(0)) / 2) + 1e-8))))},
                      "take the absolute value of the difference of the means: a unit that is LOWER for label 1 "
                      "separates the labels just as well.")]
        cases.append(_Case(label, (c.copy(), lab.copy()), {"separation": sep, "unit": np.asarray(float(unit))},
                           mistakes, "a unit whose states do not vary within either label has a pooled deviation "
                                     "of 0: the + 1e-8 in the denominator is what keeps the ratio finite."))
    spec = _Spec(
        "memory_unit", lambda res: _tuple(res, ["unit", "separation"], "the tuple (unit, separation)"),
        hints={"separation": "per unit j: the mean of c[labels == 1, j] minus that of c[labels == 0, j], in absolute "
                             "value, divided by sqrt((var_1 + var_0) / 2) + 1e-8; axis=0 does all units at once.",
               "unit": "unit is the index of the largest separation (np.argmax)."},
        shape_hints={"separation": "separation is (H,): one number per unit, so reduce over the N states (axis 0).",
                     "unit": "unit is one integer, the index of the best unit."},
        exception_hint="c is (N, H) and labels (N,) of 0s and 1s; c[labels == 1] keeps the rows of label 1.",
        summary="a separated unit, unbalanced labels, one state per label, one unit, zero variance, values "
                "near 1e4")
    return _check(spec, fn, cases)


# ------------------------------------------------------------------------------------ III.8
class _Outputs(dict):
    def __missing__(self, key):
        raise _Wrong(f"your function returned {sum(k.startswith('clipped') for k in self)} clipped arrays; "
                     f"expected one per gradient, so {key} is missing",
                     "return a list with one array per input gradient, in the same order.")


def check_clip_by_global_norm(fn) -> ImplementResult:
    """Check the reader's ``fn(grads, max_norm) -> (clipped, norm)``: gradient clipping by global norm.

    grads is a list of arrays of any shapes; norm = sqrt(sum over every entry of every array of its square),
    and clipped is a new list, each array times min(1, max_norm / norm) (all unchanged when the norm is at
    most max_norm, or 0). The arrays passed in must be left as they were. lstmlib's answer:
    ``core.bptt.clip_arrays_by_global_norm``."""
    if not callable(fn):
        return _not_callable("clip_by_global_norm", fn)
    r = _rng(77)
    settings = [("three gradients (4x5, 5, 5x5) above the limit", [3 * r.standard_normal((4, 5)),
                                                                   r.standard_normal(5), r.standard_normal((5, 5))], 1.0),
                ("under the limit: nothing changes", [0.1 * r.standard_normal((3, 3)), 0.1 * r.standard_normal(3)], 5.0),
                ("all zeros", [np.zeros((2, 3)), np.zeros(3)], 1.0),
                ("a single gradient", [r.standard_normal((6, 2))], 0.5),
                ("an exploding gradient (entries near 1e6)", [1e6 * r.standard_normal((3, 4)), r.standard_normal(4)], 1.0),
                ("a scalar gradient and a matrix", [np.array(4.0), r.standard_normal((2, 2))], 2.0)]
    cases = []
    for label, grads, m in settings:
        clipped, norm = clip_arrays_by_global_norm(grads, m)
        exp = {f"clipped[{i}]": g for i, g in enumerate(clipped)}
        exp["norm"] = np.asarray(norm)
        per = {f"clipped[{i}]": g * min(1.0, m / np.linalg.norm(g)) if np.linalg.norm(g) > 0 else g
               for i, g in enumerate(grads)}
        mistakes = [(per, "the norm is GLOBAL: one norm over all arrays together, and one common scale for all of "
                          "them, so that the direction of the whole gradient is kept."),
                    ({f"clipped[{i}]": np.clip(g, -m, m) for i, g in enumerate(grads)},
                     "that is clipping by value (each entry to [-max_norm, max_norm]); clipping by norm rescales "
                     "every array by the same factor max_norm / norm."),
                    ({"norm": np.asarray(min(norm, m))}, "return the norm measured BEFORE clipping: it is what "
                                                         "tells you how large the gradient really was."),
                    ({"norm": np.asarray(sum(np.linalg.norm(g) for g in grads))},
                     "the global norm is sqrt of the sum of ALL squares, not the sum of the arrays' norms.")]
        if 0 < norm < m:
            mistakes.append(({k: g * (m / norm) for k, g in exp.items() if k != "norm"},
                             "scale only when the norm EXCEEDS max_norm: the factor is min(1, max_norm / norm), "
                             "so small gradients are left alone, not blown up to max_norm."))
        case = _Case(label, ([g.copy() for g in grads], m), exp, mistakes,
                     "with all-zero gradients the norm is 0, max_norm / 0 is infinite and 0 * inf is NaN: use the "
                     "factor min(1, max_norm / norm) only when norm > max_norm.")
        cases.append(case)

    def run(user, grads, m):
        given = [g.copy() for g in grads]
        return user(given, m), given, grads

    def unpack(res):
        result, given, original = res
        for i, (g, o) in enumerate(zip(given, original)):
            if not np.array_equal(g, o):
                diff = np.abs(np.asarray(g, dtype=float) - o)
                j = np.unravel_index(int(np.argmax(diff)), diff.shape) if diff.ndim else ()
                where = f" at index {_index(j)}" if diff.ndim else ""
                change = _pair(o[j], np.asarray(g, dtype=float)[j])
                raise _Wrong(f"your function changed its input grads[{i}] in place{where} "
                             f"({change.replace('expected', 'before the call').replace('got', 'after it')})",
                             "build new arrays (g * scale), leaving the caller's gradients as they were.")
        out = _tuple(result, ["clipped", "norm"], "the tuple (clipped, norm)")
        if not isinstance(out["clipped"], (list, tuple)):
            raise _Wrong(f"clipped must be a list of arrays, got {type(out['clipped']).__name__}",
                         "return [g * scale for g in grads] and the norm.")
        got = _Outputs({f"clipped[{i}]": g for i, g in enumerate(out["clipped"])})
        if len(out["clipped"]) > len(original):
            raise _Wrong(f"your function returned {len(out['clipped'])} clipped arrays for {len(original)} "
                         f"gradients", "return exactly one array per input gradient, in the same order.")
        got["norm"] = out["norm"]
        return got

    hints = {"norm": "norm = sqrt(sum of g**2 over every entry of every array g)."}
    for i in range(3):
        hints[f"clipped[{i}]"] = ("every array is multiplied by the same factor min(1, max_norm / norm); compute the "
                                  "global norm first.")
    spec = _Spec(
        "clip_by_global_norm", unpack, hints=hints,
        shape_hints={f"clipped[{i}]": "each clipped array has the shape of its gradient." for i in range(3)},
        exception_hint="grads is a list of float arrays of different shapes (one may be a 0-d array); sum "
                       "(g ** 2).sum() over the list, then scale each array. A ZeroDivisionError comes from the "
                       "all-zeros case: its norm is 0, and it needs no scaling at all.",
        summary="above and under the limit, all zeros, one array, entries near 1e6, a 0-d array",
        factors={})
    return _check(spec, _wrap(fn, run), cases)
