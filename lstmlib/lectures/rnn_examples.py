"""The RNN lectures' computations, redone: the CS 615 counting example and its BPTT by hand,
Singh's sequence-to-vector BPTT over three steps, and how fast an input washes out of h_t.

Shape letters: N batch, T time steps, D input size, H hidden size, K output size; time-first.

CS 615 (lecture file 002) writes U, V, W for W_xh, W_hy, W_hh, starts time at t = 1, and uses
a linear RNN without biases and the objective J = sum_t ||y_t - yhat_t||^2 (no factor 1/2), so

    delta_o_t = dJ/dyhat_t = 2 (yhat_t - y_t).

The correct BPTT gradient is the sum over every output time t and every earlier step k <= t:

    dJ/dW_hh = sum_t sum_{k<=t} h_{k-1}^T  delta_o_t W_hy^T (D_t W_hh^T) ... (D_{k+1} W_hh^T) D_k

with D_k = diag(phi'(a_k)) (the identity for a linear RNN), and x_k^T in place of h_{k-1}^T for
dJ/dW_xh. The slides' formula keeps only one term per t, h_{t-1}^T delta_o_t W_hy^T (W_hh^T)^(t-1)
(and x_t^T ... for U): ``slide_gradients`` computes exactly that, to show where it goes wrong.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstmlib.core.bptt import jacobians
from lstmlib.data.lectures import CountingExample, counting_example
from lstmlib.core.rnn import RNNParams, rnn_backward, rnn_forward
from lstmlib.core.validate import as_real_array, check_choice, check_instance, check_positive_int, check_shape

__all__ = ["counting_params", "counting_objective", "counting_gradients", "slide_gradients", "counting_rmse",
           "CountingRun", "train_counting", "seq_to_vector_bias_terms", "input_influence", "state_difference",
           "one_word_model", "sample_one_word", "split_sentences"]

RMSE_KINDS = ("per_step", "mean", "sum")
DIVERGED = 1e6   # an RMSE above this counts as divergence (the targets are one-hot)


def counting_params(example: CountingExample | None = None) -> RNNParams:
    """The slides' U, W, V as a linear RNN without biases (b_h = 0, b_y = 0)."""
    ex = counting_example() if example is None else example
    check_instance(ex, "example", CountingExample)
    H, K = ex.W_hy.shape
    return RNNParams(W_xh=ex.W_xh, W_hh=ex.W_hh, b_h=np.zeros(H), W_hy=ex.W_hy, b_y=np.zeros(K),
                     activation="linear")


def _check_counting(params, example):
    check_instance(params, "params", RNNParams)
    if params.K is None:
        raise ValueError("params need an output layer (W_hy, b_y), got params without one")
    ex = counting_example() if example is None else example
    check_instance(ex, "example", CountingExample)
    return ex


def counting_objective(params: RNNParams, example: CountingExample | None = None):
    """The slides' J = sum_t ||y_t - yhat_t||^2 and dJ/dyhat = 2 (yhat - y), shape (T, N, K)."""
    ex = _check_counting(params, example)
    y = rnn_forward(params, ex.x, ex.h0).y
    diff = y - ex.targets
    return float((diff ** 2).sum()), 2 * diff


def counting_gradients(params: RNNParams, example: CountingExample | None = None) -> dict:
    """The right gradients of J by BPTT (lstmlib.rnn.rnn_backward): {"U", "V", "W"} (and biases)."""
    ex = _check_counting(params, example)
    trace = rnn_forward(params, ex.x, ex.h0)
    _, dy = counting_objective(params, ex)
    g = rnn_backward(params, trace, dy=dy).dparams
    return {"U": g.W_xh, "V": g.W_hy, "W": g.W_hh, "b_h": g.b_h, "b_y": g.b_y}


def slide_gradients(params: RNNParams, example: CountingExample | None = None) -> dict:
    """The slides' formulas as written (CS 615, "Example: dJ/dW" and "Example: dJ/dU"):

        dJ/dV = sum_t h_t^T delta_o_t                                      (right)
        dJ/dW = sum_t h_{t-1}^T delta_o_t V^T prod_{z=2}^{t} (D_{z-1} W^T)  (one term per t)
        dJ/dU = sum_t x_t^T     delta_o_t V^T prod_{z=2}^{t} (D_{z-1} W^T)  (one term per t)
    """
    ex = _check_counting(params, example)
    trace = rnn_forward(params, ex.x, ex.h0)
    _, d = counting_objective(params, ex)
    T = d.shape[0]
    h_prev = trace.h_prev
    D = (1 - trace.h ** 2) if params.activation == "tanh" else np.ones_like(trace.h)
    dU, dV, dW = np.zeros_like(params.W_xh), np.zeros_like(params.W_hy), np.zeros_like(params.W_hh)
    for t in range(T):
        dV += trace.h[t].T @ d[t]
        e = d[t] @ params.W_hy.T                         # delta_o_t V^T, (N, H)
        for z in range(1, t + 1):                        # the slide's product over z = 2..t
            e = (e * D[z - 1]) @ params.W_hh.T
        dW += h_prev[t].T @ e
        dU += ex.x[t].T @ e
    return {"U": dU, "V": dV, "W": dW}


def counting_rmse(params: RNNParams, example: CountingExample | None = None, kind: str = "per_step") -> float:
    """Root mean squared error of the outputs. The slides do not define it; three readings:

    "per_step": sqrt(J / T); "mean": sqrt(J / (T K)) (mean over every entry); "sum": sqrt(J).
    """
    check_choice(kind, "kind", RMSE_KINDS)
    ex = _check_counting(params, example)
    J, _ = counting_objective(params, ex)
    T, N, K = ex.targets.shape
    return float(np.sqrt(J / {"per_step": T * N, "mean": T * N * K, "sum": 1}[kind]))


@dataclass(frozen=True, eq=False)
class CountingRun:
    """Result of ``train_counting``: final params, number of updates, RMSE before each update and at the end."""
    params: RNNParams
    iterations: int
    rmse: np.ndarray


def train_counting(rule: str = "right", lr: float = 0.1, tol: float = 1e-4, rmse: str = "per_step",
                   max_iter: int = 10_000, example: CountingExample | None = None) -> CountingRun:
    """Gradient descent on the counting example from the slides' weights, as the slides train it:
    update every weight by -lr * gradient and stop once ``|RMSE(new) - RMSE(old)| < tol``.
    ValueError when the RMSE exceeds 1e6 (divergence) or max_iter updates do not converge.

    rule "right": BPTT gradients (``counting_gradients``); "slide": the slides' formulas
    (``slide_gradients``). The iteration count is the number of updates made.
    """
    check_choice(rule, "rule", ["right", "slide"])
    check_choice(rmse, "rmse", RMSE_KINDS)
    max_iter = check_positive_int(max_iter, "max_iter")
    for value, name in [(lr, "lr"), (tol, "tol")]:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not np.isfinite(value) or value <= 0:
            raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    ex = counting_example() if example is None else example
    params = counting_params(ex)
    grad_fn = counting_gradients if rule == "right" else slide_gradients
    history = [counting_rmse(params, ex, rmse)]
    for it in range(1, max_iter + 1):
        g = grad_fn(params, ex)
        params = RNNParams(W_xh=params.W_xh - lr * g["U"], W_hh=params.W_hh - lr * g["W"], b_h=params.b_h,
                           W_hy=params.W_hy - lr * g["V"], b_y=params.b_y, activation=params.activation)
        history.append(counting_rmse(params, ex, rmse))
        if history[-1] > DIVERGED:
            raise ValueError(f"training diverged at iteration {it}: RMSE {history[-1]:.1e} (lr={lr} is too large)")
        if abs(history[-1] - history[-2]) < tol:
            return CountingRun(params, it, np.array(history))
    raise ValueError(f"no convergence within max_iter={max_iter} iterations")


def seq_to_vector_bias_terms(params: RNNParams, x, dL_dh_last) -> np.ndarray:
    """Singh's BPTT over 3 steps, for a loss at the last step only (sequence to vector):

        dL/db_h = dL/dh_{T-1} [dh_{T-1}/db_h + J_{T-1} dh_{T-2}/db_h + J_{T-1} J_{T-2} dh_{T-3}/db_h + ...]

    with J_t = dh_t/dh_{t-1} and dh_k/db_h = diag(phi'(a_k)) (the direct effect of the bias at step k).
    x (T, 1, D), dL_dh_last (1, H) -> terms (T, H): row j is the path that enters at step T-1-j;
    their sum is rnn_backward's db_h.
    """
    check_instance(params, "params", RNNParams)
    x = as_real_array(x, "x", 3, "(T, 1, D)")
    check_shape(x, "x", (None, 1, params.D), "(T, 1, D)")
    g = as_real_array(dL_dh_last, "dL_dh_last", 2, "(1, H)")
    check_shape(g, "dL_dh_last", (1, params.H), "(1, H)")
    trace = rnn_forward(params, x)
    J = jacobians(params, trace)[:, 0]                    # (T, H, H)
    D = (1 - trace.h[:, 0] ** 2) if params.activation == "tanh" else np.ones_like(trace.h[:, 0])
    T = x.shape[0]
    terms, row = np.empty((T, params.H)), g[0]
    for j, k in enumerate(reversed(range(T))):           # k = T-1, T-2, ..., 0
        terms[j] = row * D[k]                              # ... times dh_k/db_h
        row = row @ J[k]                                   # one more Jacobian: dL/dh_{k-1} via h_k
    return terms


def input_influence(params: RNNParams, x) -> np.ndarray:
    """||dh_t / dx_0|| (Frobenius) for t = 0..T-1: how much of the first input is left in h_t.

    dh_0/dx_0 = diag(phi'(a_0)) W_xh^T and dh_t/dx_0 = J_t dh_{t-1}/dx_0. x (T, 1, D) -> (T,).
    """
    check_instance(params, "params", RNNParams)
    x = as_real_array(x, "x", 3, "(T, 1, D)")
    check_shape(x, "x", (None, 1, params.D), "(T, 1, D)")
    trace = rnn_forward(params, x)
    J = jacobians(params, trace)[:, 0]                    # (T, H, H)
    d0 = (1 - trace.h[0, 0] ** 2) if params.activation == "tanh" else np.ones(params.H)
    M = d0[:, None] * params.W_xh.T                        # (H, D)
    norms = [np.linalg.norm(M)]
    for t in range(1, x.shape[0]):
        M = J[t] @ M
        norms.append(np.linalg.norm(M))
    return np.array(norms)


def state_difference(params: RNNParams, x, x_other) -> np.ndarray:
    """||h_t - h'_t|| for t = 0..T-1, the hidden states of two input sequences (T, N, D); shape (T,)."""
    check_instance(params, "params", RNNParams)
    x = as_real_array(x, "x", 3, "(T, N, D)")
    x_other = as_real_array(x_other, "x_other", 3, "(T, N, D)")
    check_shape(x_other, "x_other", x.shape, "(T, N, D)")
    diff = rnn_forward(params, x).h - rnn_forward(params, x_other).h
    return np.sqrt((diff ** 2).sum(axis=(1, 2)))


def one_word_model(indices, K: int) -> np.ndarray:
    """A model with a one-word memory (first-order Markov chain): P[a, b] = the fraction of times
    token b follows token a in ``indices`` (1-D ints < K). Rows of unseen tokens are uniform."""
    K = check_positive_int(K, "K")
    idx = np.asarray(indices)
    if idx.ndim != 1 or idx.size < 2 or not np.issubdtype(idx.dtype, np.integer) or idx.min() < 0 or idx.max() >= K:
        raise ValueError(f"indices must be a 1-D integer array of at least 2 tokens in [0, {K}), got {idx!r:.60}")
    counts = np.zeros((K, K))
    np.add.at(counts, (idx[:-1], idx[1:]), 1)
    total = counts.sum(axis=1, keepdims=True)
    return np.where(total > 0, counts / np.maximum(total, 1), 1.0 / K)


def sample_one_word(P, start: int, n: int, *, rng: np.random.Generator) -> np.ndarray:
    """n tokens drawn from the one-word model P (K, K), starting after token ``start``."""
    P = as_real_array(P, "P", 2, "(K, K)")
    check_shape(P, "P", (P.shape[0], P.shape[0]), "(K, K)")
    n = check_positive_int(n, "n")
    check_instance(rng, "rng", np.random.Generator)
    out, cur = np.empty(n, dtype=np.int64), int(start)
    for t in range(n):
        cur = int(rng.choice(P.shape[0], p=P[cur]))
        out[t] = cur
    return out


def split_sentences(tokens, end: str = ".") -> list:
    """Cut a token list after every ``end`` token: a list of tuples (an unfinished tail is dropped)."""
    out, cur = [], []
    for tok in tokens:
        cur.append(tok)
        if tok == end:
            out.append(tuple(cur))
            cur = []
    return out
