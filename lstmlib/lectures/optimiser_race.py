"""SGD with momentum, Adagrad and Adam compared on the numpy char-RNN of Chapter II.5.

Each optimiser trains the same small char-RNN (``lstmlib.lectures.charrnn``) from the same seeded
initial weights, on the same chunks of text, for the same number of updates, with gradients
clipped to [-clip, clip] as min-char-rnn does; only the update rule (``lstmlib.core.optim``)
and its learning rate differ. Shape letters: T = seq_length, N = batch, K vocabulary, H hidden.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstmlib.core.bptt import clip_by_value
from lstmlib.core.optim import AdamState, adagrad_step, adam_step, check_learning_rate, sgd_step
from lstmlib.core.validate import check_choice, check_positive_int
from lstmlib.lectures.charrnn import _one_blas_thread, _streams, char_loss_and_grads, init_char_rnn

__all__ = ["OPTIMISERS", "RaceConfig", "race_losses", "race_grid"]

OPTIMISERS = ("momentum", "adagrad", "adam")


@dataclass(frozen=True)
class RaceConfig:
    """Settings shared by every optimiser in the race."""
    H: int = 32               # hidden size
    seq_length: int = 16      # T: steps of BPTT per update
    batch: int = 4            # N: parallel streams of the text
    updates: int = 200        # the budget: the same number of updates for everyone
    clip: float = 5.0         # gradients clipped to [-clip, clip] (min-char-rnn)
    init_scale: float = 0.1   # weights ~ N(0, init_scale^2), biases 0
    momentum: float = 0.9     # mu of SGD with momentum
    last: int = 50            # the score: mean loss per character over the last `last` updates

    def __post_init__(self):
        for name in ("H", "seq_length", "batch", "updates", "last"):
            check_positive_int(getattr(self, name), name)
        if self.last > self.updates:
            raise ValueError(f"last must be at most updates = {self.updates}, got {self.last}")
        check_learning_rate(self.clip, "clip")
        check_learning_rate(self.init_scale, "init_scale")


def race_losses(data, K: int, optimiser: str, lr: float, seed: int, config: RaceConfig | None = None) -> np.ndarray:
    """Train with one optimiser; returns the loss per character of every update, (updates,).

    data: int array of character indices (the encoded text); K: vocabulary size; seed: the
    initial weights (``np.random.default_rng(seed)``); the chunks are read in order from the start.
    """
    config = RaceConfig() if config is None else config
    check_choice(optimiser, "optimiser", OPTIMISERS)
    lr, K = check_learning_rate(lr), check_positive_int(K, "K")
    T, N = config.seq_length, config.batch
    streams = _streams(np.asarray(data), N, T)                        # (L, N)
    params = init_char_rnn(K, config.H, rng=np.random.default_rng(seed), scale=config.init_scale)
    state = {"momentum": None, "adagrad": params.zeros_like(),
             "adam": AdamState.zeros_like(params)}[optimiser]
    h, p, losses = np.zeros((N, config.H)), 0, np.empty(config.updates)
    with _one_blas_thread():
        for u in range(config.updates):
            if p + T + 1 > streams.shape[0]:
                h, p = np.zeros((N, config.H)), 0                      # back to the start
            loss, grads, h = char_loss_and_grads(params, streams[p:p + T], streams[p + 1:p + T + 1], h)
            grads = clip_by_value(grads, config.clip)
            if optimiser == "momentum":
                params, state = sgd_step(params, grads, lr, state, momentum=config.momentum)
            elif optimiser == "adagrad":
                params, state = adagrad_step(params, grads, state, lr)
            else:
                params, state = adam_step(params, grads, state, lr)
            losses[u], p = loss / T, p + T
    return losses


def race_grid(data, K: int, lrs, seeds, config: RaceConfig | None = None) -> np.ndarray:
    """Every optimiser x learning rate x seed: the mean loss per character over the last updates.

    Returns an array (len(OPTIMISERS), len(lrs), len(seeds)); a run that diverges scores inf.
    """
    config = RaceConfig() if config is None else config
    lrs, seeds = [check_learning_rate(v) for v in lrs], list(seeds)
    if not lrs or not seeds:
        raise ValueError(f"lrs and seeds must be non-empty, got {len(lrs)} and {len(seeds)}")
    out = np.empty((len(OPTIMISERS), len(lrs), len(seeds)))
    for a, opt in enumerate(OPTIMISERS):
        for b, lr in enumerate(lrs):
            for c, seed in enumerate(seeds):
                with np.errstate(all="ignore"):
                    score = race_losses(data, K, opt, lr, seed, config)[-config.last:].mean()
                out[a, b, c] = score if np.isfinite(score) else np.inf
    return out
