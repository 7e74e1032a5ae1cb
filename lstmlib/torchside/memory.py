"""Experiment runners for Part III: what the LSTM buys, measured.

Shape letters: N batch, T time steps, D input size, H hidden size, K output size.

Three groups of helpers, all built on :mod:`lstmlib.torch_bridge`'s models and ``train`` loop:

* memory tasks: :func:`run_memory_task` trains one RNN / LSTM / GRU on
  ``remember_first`` or the adding problem at one sequence length and seed, and
  returns its loss history and test score; :func:`sweep` runs a grid of them.
  Each run draws fresh training batches (so it never sees a batch twice) and
  scores on a separate test set.
* forecasting: rolling one-step baselines (last value, local linear trend),
  intervals from the empirical quantiles of past one-step errors, and an
  ensemble of small LSTMs over seeds (its spread is the models' disagreement).
* LSTM anatomy: setting the forget-gate bias, the gender-memory stream of
  sentences for the cell walkthrough, and finding the cell unit that holds a label.

Every run seeds torch and numpy from its ``seed`` and trains on one CPU thread
(:func:`single_thread`), so the numbers repeat exactly from one execution to the next.
"""
from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass

import numpy as np
import torch

from lstmlib.data import adding_problem, remember_first
from lstmlib.data.text import Vocab, encode, one_hot
from lstmlib.core import bptt
from lstmlib.core.gru import GRUParams
from lstmlib.core.lstm import LSTMParams
from lstmlib.core.rnn import RNNParams
from lstmlib.torchside.bridge import GRUModel, LSTMModel, RNNModel, seeded, train
from lstmlib.core.validate import as_float_array, check_choice, check_instance, check_positive_int
import functools
from lstmlib.data.toy import first_element_task
from lstmlib.torchside.bridge import set_forget_bias, single_thread
from lstmlib.core.validate import check_finite

__all__ = ["KINDS", "TASKS", "Run", "make_model", "with_forget_bias", "predict_all", "predict_last",
           "task_data", "run_memory_task", "sweep", "success_table", "first_step_below", "recurrent_macs",
           "time_forward_backward", "length_batches", "memory_unit", "train_scalar_lstm",
           "last_step_accuracy"]

KINDS = {"rnn": RNNModel, "lstm": LSTMModel, "gru": GRUModel}
"""Model name -> torch_bridge model class."""

TASKS = ("remember_first", "adding")


# ---------------------------------------------------------------------------- models


def _check_kind(kind):
    check_choice(kind, "kind", list(KINDS))
    return KINDS[kind]


def with_forget_bias(params: LSTMParams, value: float) -> LSTMParams:
    """numpy LSTM params with b_f replaced by ``value`` in every unit."""
    check_instance(params, "params", LSTMParams)
    value = check_finite(value, "value")
    return dataclasses.replace(params, b_f=np.full_like(params.b_f, value))


def make_model(kind: str, D: int, H: int, K: int, *, seed: int = 0, forget_bias: float | None = None,
               dtype=torch.float64):
    """A fresh RNN / LSTM / GRU model with torch's default initialisation drawn from ``seed``.

    forget_bias: LSTM only, the initial b_f (None keeps the uniform default, centred on 0).
    dtype: float64 by default. The book's models are small, so double precision costs
    little, and a model trained in it ends up the same, to every printed digit, whichever
    CPU kernels torch uses (in float32 their last-bit differences grow over training).
    """
    cls = _check_kind(kind)
    if forget_bias is not None and kind != "lstm":
        raise ValueError(f"forget_bias applies to kind='lstm' only, got kind={kind!r}")
    with seeded(seed):
        model = cls(check_positive_int(D, "D"), check_positive_int(H, "H"), check_positive_int(K, "K"),
                    rng=np.random.default_rng(seed), dtype=dtype)
    if forget_bias is not None:
        set_forget_bias(model, forget_bias)
    return model


def predict_all(model, x) -> np.ndarray:
    """The model's outputs y_t (T, N, K) at every step, as float64 numpy, for x (T, N, D)."""
    check_instance(model, "model", tuple(KINDS.values()))
    x = as_float_array(x, "x", 3, "(T, N, D)")
    p = next(model.parameters())
    with torch.no_grad():
        y = model(torch.as_tensor(x, dtype=p.dtype, device=p.device))[0]       # (T, N, K)
    return y.cpu().double().numpy()


def predict_last(model, x) -> np.ndarray:
    """The model's output at the last step, y_{T-1} (N, K), as float64 numpy, for x (T, N, D)."""
    return predict_all(model, x)[-1]


def last_step_accuracy(model, x, labels) -> float:
    """Fraction of sequences whose last-step arg-max equals ``labels`` (N,)."""
    scores = predict_last(model, x)
    labels = np.asarray(labels)
    if labels.shape != scores.shape[:1]:
        raise ValueError(f"labels must have shape (N,) = ({scores.shape[0]},), got {labels.shape}")
    return float(np.mean(scores.argmax(axis=1) == labels))


# ---------------------------------------------------------------------------- memory tasks
def task_data(task: str, n: int, T: int, *, rng: np.random.Generator, n_classes: int = 2,
              n_distractors: int = 2):
    """(x (T, N, D), targets) of ``task``: int labels (N,) for "remember_first", float (N, 1) for "adding"."""
    check_choice(task, "task", list(TASKS))
    if task == "remember_first":
        return remember_first(n, T, n_classes=n_classes, n_distractors=n_distractors, rng=rng)
    x, s = adding_problem(n, T, rng=rng)
    return x, s[:, None]


@dataclass(frozen=True)
class Run:
    """One training run. history: the training loss of every step (steps,).

    score: test accuracy (remember_first) or test mean squared error (adding);
    solved: accuracy >= 0.99, or MSE below 0.01 (a tenth of the 0.167 of always
    answering the mean sum 1, whose variance is 1/6).
    """
    kind: str
    task: str
    T: int
    seed: int
    H: int
    steps: int
    lr: float
    forget_bias: float | None
    history: np.ndarray
    score: float

    @property
    def solved(self) -> bool:
        return self.score >= 0.99 if self.task == "remember_first" else self.score < 0.01


def run_memory_task(kind: str, T: int, *, task: str = "remember_first", H: int = 16, steps: int = 500,
                    batch: int = 32, lr: float = 1e-2, seed: int = 0, forget_bias: float | None = None,
                    clip: float | None = None, n_test: int = 1000, n_classes: int = 2,
                    n_distractors: int = 2, progress: bool = False, dtype=torch.float32) -> Run:
    """Train a fresh ``kind`` model on ``task`` with sequences of length ``T`` and score it.

    ``steps`` Adam steps, each on a new batch of ``batch`` sequences drawn from
    ``np.random.default_rng(seed)``; the test set (``n_test`` sequences) comes from a
    generator seeded ``seed + 10_000``. The loss is read at the last step only. float32 by
    default (these sweeps train many models): report their results by robust summaries.
    """
    _check_kind(kind)
    check_choice(task, "task", list(TASKS))
    T, steps = check_positive_int(T, "T", minimum=2), check_positive_int(steps, "steps")
    batch, n_test = check_positive_int(batch, "batch"), check_positive_int(n_test, "n_test")
    opts = dict(n_classes=n_classes, n_distractors=n_distractors)
    with single_thread():
        rng = np.random.default_rng(seed)
        batches = [task_data(task, batch, T, rng=rng, **opts) for _ in range(steps)]
        D = batches[0][0].shape[2]
        K = n_classes if task == "remember_first" else 1
        model = make_model(kind, D, H, K, seed=seed, forget_bias=forget_bias, dtype=dtype)
        history = train(model, batches, epochs=1, lr=lr, clip=clip, seed=seed, shuffle=False, progress=progress,
                        loss="cross_entropy" if task == "remember_first" else "mse")
        x, target = task_data(task, n_test, T, rng=np.random.default_rng(seed + 10_000), **opts)
        if task == "remember_first":
            score = last_step_accuracy(model, x, target)
        else:
            score = float(np.mean((predict_last(model, x) - target) ** 2))
    return Run(kind, task, T, seed, H, steps, float(lr), forget_bias, np.asarray(history), score)


def sweep(kinds, lengths, seeds, **options) -> list[Run]:
    """``run_memory_task`` for every (kind, T, seed); ``options`` go to every run."""
    kinds, lengths, seeds = list(kinds), list(lengths), list(seeds)
    if not kinds or not lengths or not seeds:
        raise ValueError(f"kinds, lengths and seeds must be non-empty, got {kinds}, {lengths}, {seeds}")
    return [run_memory_task(k, T, seed=s, **options) for k in kinds for T in lengths for s in seeds]


def success_table(runs) -> dict:
    """{(kind, T): (runs solved, runs, mean score)} over the seeds of a sweep."""
    out = {}
    for r in runs:
        check_instance(r, "run", Run)
        out.setdefault((r.kind, r.T), []).append(r)
    return {key: (sum(r.solved for r in rs), len(rs), float(np.mean([r.score for r in rs])))
            for key, rs in out.items()}


def first_step_below(history, threshold: float, window: int = 20) -> int | None:
    """First step at which the mean loss of the last ``window`` steps is below ``threshold`` (None: never)."""
    h = as_float_array(history, "history", 1, "(steps,)")
    window = check_positive_int(window, "window")
    if h.size < window:
        return None
    means = np.convolve(h, np.ones(window) / window, mode="valid")   # means[j] = mean of h[j : j + window]
    hit = np.flatnonzero(means < threshold)
    return None if hit.size == 0 else int(hit[0] + window - 1)


def recurrent_macs(kind: str, D: int, H: int) -> int:
    """Multiply-adds of the matrix products of one time step (batch of one, output layer excluded).

    Each gate (the RNN has 1 "gate", the GRU 3, the LSTM 4) multiplies x_t (D,) by a
    (D, H) matrix and h_{t-1} (H,) by an (H, H) matrix: G (D + H) H multiply-adds.
    """
    G = {"rnn": 1, "gru": 3, "lstm": 4}
    check_choice(kind, "kind", list(G))
    D, H = check_positive_int(D, "D"), check_positive_int(H, "H")
    return G[kind] * (D + H) * H


def time_forward_backward(kind: str, *, T: int = 50, N: int = 32, D: int = 10, H: int = 64,
                          repeats: int = 10) -> float:
    """Median seconds of one forward and BPTT pass of lstmlib's numpy ``kind`` model.

    numpy, so the three models share one implementation style (a stacked matrix product
    per step); torch's CPU kernels differ in how much they fuse, which can hide the cost.
    Wall-clock time varies from machine to machine and run to run: compare ratios.
    """
    _check_kind(kind)
    T, N, repeats = (check_positive_int(v, n) for v, n in [(T, "T"), (N, "N"), (repeats, "repeats")])
    cls = {"rnn": RNNParams, "lstm": LSTMParams, "gru": GRUParams}[kind]
    params = cls.init(check_positive_int(D, "D"), check_positive_int(H, "H"), rng=np.random.default_rng(0))
    x = np.random.default_rng(1).normal(size=(T, N, D))
    dh = np.ones((T, N, H))
    times = []
    for _ in range(repeats + 1):                                        # one warm-up pass
        t0 = time.perf_counter()
        bptt.backward(params, bptt.forward(params, x), dh=dh)
        times.append(time.perf_counter() - t0)
    return float(np.median(times[1:]))


# ---------------------------------------------------------------------------- forecasting


# ---------------------------------------------------------------------------- gender memory


def length_batches(vocab: Vocab, seqs, targets, batch: int = 32) -> list:
    """(x (T, N, K) one-hot, targets (T, N)) batches of equal-length sequences, at most ``batch`` each.

    Sequences are grouped by length (in order of first appearance), so no padding is needed.
    """
    check_instance(vocab, "vocab", Vocab)
    batch = check_positive_int(batch, "batch")
    if len(seqs) != len(targets) or not seqs:
        raise ValueError(f"seqs and targets must be non-empty and of equal length, got {len(seqs)} and {len(targets)}")
    groups = {}
    for s, t in zip(seqs, targets):
        if len(s) != len(t):
            raise ValueError(f"every target array must match its sequence's length, got {len(t)} for {len(s)}")
        groups.setdefault(len(s), []).append((encode(vocab, s), np.asarray(t)))
    out = []
    for items in groups.values():
        for j in range(0, len(items), batch):
            chunk = items[j:j + batch]
            idx = np.stack([c[0] for c in chunk], axis=1)                      # (T, N)
            out.append((one_hot(idx, len(vocab)), np.stack([c[1] for c in chunk], axis=1)))
    return out


def memory_unit(c, labels) -> tuple[int, np.ndarray]:
    """The cell unit whose state best separates two labels, and every unit's separation.

    c (N, H): cell states at one step; labels (N,) in {0, 1}. Separation of unit j:
    ``|mean c_j over label 1 - mean over label 0|`` / (pooled standard deviation + 1e-8).
    """
    c = as_float_array(c, "c", 2, "(N, H)")
    labels = np.asarray(labels)
    if labels.shape != c.shape[:1] or not set(np.unique(labels)) <= {0, 1} or len(np.unique(labels)) < 2:
        raise ValueError(f"labels must be (N,) = ({c.shape[0]},) holding both 0 and 1, got {labels!r}")
    a, b = c[labels == 1], c[labels == 0]
    pooled = np.sqrt((a.var(axis=0) + b.var(axis=0)) / 2)
    sep = np.abs(a.mean(axis=0) - b.mean(axis=0)) / (pooled + 1e-8)
    return int(np.argmax(sep)), sep


@functools.lru_cache(maxsize=2)
def train_scalar_lstm(epochs: int = 25, seed: int = 0) -> tuple[LSTMParams, tuple]:
    """A scalar LSTM with output layer (D = H = K = 1) trained with ``torch_bridge.train`` (Adam,
    lr 0.05, mse at the last step) on 20 batches of 32 sequences of ``first_element_task``.
    Returns (numpy float64 params, the loss of every update). Deterministic on CPU."""
    from lstmlib.torchside.bridge import LSTMModel, model_to_params, seeded, train
    rng = np.random.default_rng(seed)
    batches = [first_element_task(32, 4, rng=rng) for _ in range(20)]
    with seeded(seed):
        model = LSTMModel(1, 1, 1, rng=np.random.default_rng(seed))
        history = train(model, batches, epochs=epochs, lr=0.05, loss="mse", seed=seed, progress=False)
    return model_to_params(model), tuple(history)
