"""The baselines every language model is measured against: n-gram models of characters, and perplexity.

An n-gram model predicts the next symbol from the n - 1 before it by counting, with add-alpha
(Laplace) smoothing so that an unseen pair is unlikely but not impossible:

    p(x_t = k | context) = (count(context, k) + alpha) / (count(context) + alpha K)

n = 1 ignores the context (the symbol frequencies), n = 2 looks at one symbol back. A model's
cross-entropy on held-out text, H = -mean_t ln p(x_t | x_<t) nats per symbol, is what char-RNN
papers report (in bits: H / ln 2); its exponential is the perplexity, exp(H): the number of
equally likely symbols the model is, on average, choosing between.
"""
from __future__ import annotations

import numpy as np

from lstmlib.core.validate import check_positive_int

__all__ = ["perplexity", "ngram_nats_per_char"]


def perplexity(nats: float) -> float:
    """exp(H) for a cross-entropy of H nats per symbol."""
    if isinstance(nats, bool) or not isinstance(nats, (int, float, np.floating)) or not np.isfinite(nats) or nats < 0:
        raise ValueError(f"nats must be a finite number >= 0, got {nats!r}")
    return float(np.exp(nats))


def _ids(value, name, K):
    ids = np.asarray(value)
    if ids.ndim != 1 or not np.issubdtype(ids.dtype, np.integer) or ids.size < 2:
        raise ValueError(f"{name} must be a 1-D integer array of at least 2 ids, got {ids.dtype} {ids.shape}")
    if ids.min() < 0 or ids.max() >= K:
        raise ValueError(f"{name} must hold ids in 0..{K - 1}, got values in {ids.min()}..{ids.max()}")
    return ids.astype(np.int64)


def ngram_nats_per_char(train_ids, val_ids, K: int, n: int = 2, alpha: float = 1.0) -> float:
    """Held-out cross-entropy (nats per symbol) of an add-alpha n-gram model counted on ``train_ids``.

    n = 1 or 2 (unigram or bigram); ids in 0..K-1. The first symbol of ``val_ids`` only serves as
    context for the bigram, so both models are scored on val_ids[1:].
    """
    K = check_positive_int(K, "K")
    if n not in (1, 2):
        raise ValueError(f"n must be 1 (unigram) or 2 (bigram), got {n!r}")
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or not alpha > 0:
        raise ValueError(f"alpha must be a number > 0, got {alpha!r}")
    train, val = _ids(train_ids, "train_ids", K), _ids(val_ids, "val_ids", K)
    return _held_out_nats(train, val, K, n, alpha)


def _held_out_nats(train, val, K, n, alpha):
    if n == 1:
        counts = np.bincount(train, minlength=K) + alpha                     # (K,) count(k) + alpha
        logp = np.log(counts / counts.sum())                                 # ln p(k)
        return float(-logp[val[1:]].mean())
    pairs = np.zeros((K, K))
    np.add.at(pairs, (train[:-1], train[1:]), 1.0)                           # pairs[a, b] = count(a then b)
    pairs += alpha
    logp = np.log(pairs / pairs.sum(axis=1, keepdims=True))                  # ln p(b | a), each row sums to 1
    return float(-logp[val[:-1], val[1:]].mean())
