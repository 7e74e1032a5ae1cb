"""A character-level vanilla RNN trained from scratch in numpy, in the manner of Karpathy's
min-char-rnn (the CS231n notes' numpy char-RNN): one-hot characters in, a softmax over the
next character out, BPTT over ``seq_length`` steps, Adagrad, a smoothed loss, gradients
clipped to [-5, 5], and sampling with a temperature.

Shape letters: N batch (parallel streams of the text), T = seq_length, K vocabulary size
(= input size D = output size), H hidden size. Time-first, row vectors (x_t @ W_xh).

The model is lstmlib's tanh RNN (``RNNParams`` with an output layer); forward and BPTT are
``lstmlib.rnn.rnn_forward`` / ``rnn_backward`` and the loss is
``lstmlib.bptt.softmax_cross_entropy`` (sum over t of the batch-mean of -log p_t[target]).

    Adagrad:   m <- m + g^2,   theta <- theta - lr * g / sqrt(m + 1e-8)   (``lstmlib.core.optim.adagrad_step``)
    smoothing: s <- 0.999 s + 0.001 loss,  starting from s = -log(1/K) * T (a uniform guess)
    sampling:  p = softmax(y_t / temperature)
"""
from __future__ import annotations

import contextlib
import dataclasses
from dataclasses import dataclass, field

import numpy as np

from lstmlib.core.bptt import clip_by_value
from lstmlib.core.losses import softmax, softmax_cross_entropy
from lstmlib.core.optim import adagrad_step   # re-exported: the one Adagrad, eps = 1e-8 inside the sqrt
from lstmlib.data.text import Vocab, build_vocab, decode, encode, one_hot
from lstmlib.core.rnn import RNNParams, rnn_backward, rnn_forward
from lstmlib.core.validate import as_real_array, check_instance, check_positive_int, check_shape

__all__ = ["CharRNNConfig", "CharRNNRun", "init_char_rnn", "char_loss_and_grads", "sample", "train_char_rnn",
           "gradient_check", "char_rnn_nats"]

SMOOTHING = 0.999


@dataclass(frozen=True)
class CharRNNConfig:
    """Settings of ``train_char_rnn`` (defaults: min-char-rnn's)."""
    H: int = 100              # hidden size
    seq_length: int = 25      # T: steps of BPTT per update
    lr: float = 0.1           # Adagrad learning rate
    clip: float = 5.0         # gradients clipped to [-clip, clip]
    init_scale: float = 0.01  # weights ~ N(0, init_scale^2), biases 0
    batch: int = 1            # N: parallel streams, each a contiguous slice of the text

    def __post_init__(self):
        for name in ("H", "seq_length", "batch"):
            check_positive_int(getattr(self, name), name)
        for name in ("lr", "clip", "init_scale"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not np.isfinite(v) or v <= 0:
                raise ValueError(f"{name} must be a finite number > 0, got {v!r}")


@dataclass(frozen=True, eq=False)
class CharRNNRun:
    """What ``train_char_rnn`` returns.

    params: trained RNNParams; vocab: the characters; h: the last hidden state (N, H);
    losses (iterations,): the loss of each update; smooth_losses (iterations,): smoothed loss;
    samples: {iteration: text sampled after that many updates}.
    """
    params: RNNParams
    vocab: Vocab
    h: np.ndarray
    losses: np.ndarray
    smooth_losses: np.ndarray
    samples: dict = field(default_factory=dict)


def init_char_rnn(K: int, H: int, *, rng: np.random.Generator, scale: float = 0.01) -> RNNParams:
    """tanh RNN with input and output size K: W_xh (K, H), W_hh (H, H), W_hy (H, K) ~ N(0, scale^2), zero biases."""
    K, H = check_positive_int(K, "K"), check_positive_int(H, "H")
    check_instance(rng, "rng", np.random.Generator)
    return RNNParams(W_xh=rng.standard_normal((K, H)) * scale, W_hh=rng.standard_normal((H, H)) * scale,
                     b_h=np.zeros(H), W_hy=rng.standard_normal((H, K)) * scale, b_y=np.zeros(K))


def _check_params(params):
    check_instance(params, "params", RNNParams)
    if params.K is None or params.K != params.D:
        raise ValueError(f"params must map K characters to K scores (D == K), got D={params.D}, K={params.K}")


def char_loss_and_grads(params: RNNParams, inputs, targets, h_prev=None):
    """Forward and BPTT over one chunk. inputs, targets: int (T, N) character indices;
    h_prev (N, H) or None (zeros). Returns (loss, grads as RNNParams, h of the last step (N, H))."""
    _check_params(params)
    inputs, targets = np.asarray(inputs), np.asarray(targets)
    if inputs.ndim != 2 or targets.shape != inputs.shape:
        raise ValueError(f"inputs and targets must be integer arrays of the same shape (T, N), "
                         f"got {inputs.shape} and {targets.shape}")
    x = one_hot(inputs, params.K)                        # (T, N, K)
    trace = rnn_forward(params, x, h_prev)
    loss, dy = softmax_cross_entropy(trace.y, targets)
    grads = rnn_backward(params, trace, dy=dy).dparams
    return loss, grads, trace.h[-1]


def sample(params: RNNParams, seed_ix: int, n: int, *, rng: np.random.Generator, h=None,
           temperature: float = 1.0) -> np.ndarray:
    """Draw n characters one at a time, feeding each back in; returns their indices (n,).

    seed_ix: the first input character; h (1, H) or None (zeros); temperature > 0: below 1
    sharpens p = softmax(y / temperature) towards the most likely character, above 1 flattens it.
    """
    _check_params(params)
    n = check_positive_int(n, "n")
    check_instance(rng, "rng", np.random.Generator)
    if isinstance(seed_ix, bool) or not isinstance(seed_ix, (int, np.integer)) or not 0 <= seed_ix < params.K:
        raise ValueError(f"seed_ix must be a character index in [0, {params.K}), got {seed_ix!r}")
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float)) \
            or not np.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a finite number > 0, got {temperature!r}")
    h = np.zeros((1, params.H)) if h is None else as_real_array(h, "h", 2, "(1, H)")
    check_shape(h, "h", (1, params.H), "(1, H)")
    out, ix = np.empty(n, dtype=np.int64), int(seed_ix)
    for t in range(n):
        a = params.W_xh[ix] + h @ params.W_hh + params.b_h      # x_t W_xh with one-hot x_t = row ix
        h = np.tanh(a)
        p = softmax((h @ params.W_hy + params.b_y)[0] / temperature)
        ix = int(rng.choice(params.K, p=p))
        out[t] = ix
    return out


def char_rnn_nats(params: RNNParams, ids) -> float:
    """Mean cross-entropy, in nats per character, of predicting ids[1:] from ids[:-1] (T + 1,) in one
    pass from h = 0: -(1/T) sum_t ln p(x_{t+1} | x_0..x_t). Its exponential is the perplexity."""
    _check_params(params)
    ids = np.asarray(ids)
    if ids.ndim != 1 or ids.size < 2 or not np.issubdtype(ids.dtype, np.integer):
        raise ValueError(f"ids must be a 1-D integer array of at least 2 characters, got {ids.dtype} {ids.shape}")
    if ids.min() < 0 or ids.max() >= params.K:
        raise ValueError(f"ids must lie in [0, {params.K}), got values in [{ids.min()}, {ids.max()}]")
    with _one_blas_thread():
        y = rnn_forward(params, one_hot(ids[:-1, None], params.K)).y      # (T, 1, K)
    loss, _ = softmax_cross_entropy(y, ids[1:, None])                     # summed over the T steps
    return float(loss / (ids.size - 1))


def _one_blas_thread():
    """Run BLAS on one thread: the char-RNN's matrices are small, and on a busy machine BLAS threads
    waiting for each other can make training ten times slower. A no-op without threadpoolctl."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def _streams(data: np.ndarray, N: int, T: int) -> np.ndarray:
    """Cut the encoded text into N contiguous streams of equal length: (L, N)."""
    L = data.size // N
    if L < T + 1:
        raise ValueError(f"text too short: each of batch={N} streams needs at least seq_length + 1 = {T + 1} "
                         f"characters, got {L}")
    return data[:L * N].reshape(N, L).T


def train_char_rnn(text, iterations: int, *, rng: np.random.Generator, config: CharRNNConfig | None = None,
                   sample_at=(), sample_len: int = 200, temperature: float = 1.0) -> CharRNNRun:
    """Train a char-RNN on ``text`` for ``iterations`` Adagrad updates.

    text: a string (characters are the tokens), or a list of tokens such as words
    (samples are then joined with spaces).

    Each update reads the next seq_length characters of every stream (the hidden state
    carries over between chunks; back to the start and h = 0 at the end of the text),
    clips the gradients to [-clip, clip] and applies Adagrad. ``sample_at``: iteration
    counts after which a sample of ``sample_len`` characters is drawn (0: before training).
    """
    config = CharRNNConfig() if config is None else config
    check_instance(config, "config", CharRNNConfig)
    if not isinstance(text, (str, list, tuple)) or len(text) < 2:
        raise ValueError(f"text must be a string or a list of at least 2 tokens, got {type(text).__name__}")
    sep = "" if isinstance(text, str) else " "
    iterations = check_positive_int(iterations, "iterations")
    check_instance(rng, "rng", np.random.Generator)
    sample_at = sorted({check_positive_int(s, "sample_at entry", minimum=0) for s in sample_at})
    vocab = build_vocab(text)
    K, T, N = vocab.K, config.seq_length, config.batch
    data = _streams(encode(vocab, text), N, T)                # (L, N)
    params = init_char_rnn(K, config.H, rng=rng, scale=config.init_scale)
    memory = params.zeros_like()
    smooth = -np.log(1.0 / K) * T
    h, p = np.zeros((N, config.H)), 0
    losses, smooth_losses, samples = np.empty(iterations), np.empty(iterations), {}

    def draw(it):
        seed = int(data[p % data.shape[0], 0])
        samples[it] = decode(vocab, sample(params, seed, sample_len, rng=rng, h=h[:1], temperature=temperature), sep)

    if 0 in sample_at:
        draw(0)
    with _one_blas_thread():
        for it in range(1, iterations + 1):
            if p + T + 1 > data.shape[0]:
                h, p = np.zeros((N, config.H)), 0                  # back to the start, fresh memory
            loss, grads, h = char_loss_and_grads(params, data[p:p + T], data[p + 1:p + T + 1], h)
            grads = clip_by_value(grads, config.clip)              # against exploding gradients
            params, memory = adagrad_step(params, grads, memory, config.lr)
            smooth = SMOOTHING * smooth + (1 - SMOOTHING) * loss
            losses[it - 1], smooth_losses[it - 1] = loss, smooth
            p += T
            if it in sample_at:
                draw(it)
    return CharRNNRun(params=params, vocab=vocab, h=h, losses=losses, smooth_losses=smooth_losses,
                      samples=samples)


def gradient_check(params: RNNParams, inputs, targets, *, rng: np.random.Generator, n_checks: int = 10,
                   eps: float = 1e-5, h_prev=None) -> dict:
    """Compare BPTT's gradient with central differences at n_checks random entries of each parameter.

    Returns {name: largest relative error ``|a - n| / max(|a| + |n|, 1e-12)``} (min-char-rnn's gradCheck).
    """
    _check_params(params)
    n_checks = check_positive_int(n_checks, "n_checks")
    check_instance(rng, "rng", np.random.Generator)
    _, grads, _ = char_loss_and_grads(params, inputs, targets, h_prev)
    worst = {}
    for name in params.names():
        theta = getattr(params, name)
        errors = []
        for _ in range(n_checks):
            j = tuple(int(rng.integers(0, s)) for s in theta.shape)
            losses = []
            for sign in (1, -1):
                moved = theta.copy()
                moved[j] += sign * eps
                losses.append(char_loss_and_grads(dataclasses.replace(params, **{name: moved}),
                                                  inputs, targets, h_prev)[0])
            numeric = (losses[0] - losses[1]) / (2 * eps)
            analytic = getattr(grads, name)[j]
            errors.append(abs(analytic - numeric) / max(abs(analytic) + abs(numeric), 1e-12))
        worst[name] = float(max(errors))
    return worst
