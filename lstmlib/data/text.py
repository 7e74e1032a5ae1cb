"""Vocabularies and time-first batches for character- and word-level models.

A vocabulary is an ordered tuple of distinct tokens (characters or words); a
token's position in it is its index. Batches are time-first, like the rest of
the book: integer arrays of shape ``(T, N)``, and one-hot arrays of shape
``(T, N, K)`` with ``K`` the vocabulary size.

For next-token prediction the targets are the inputs shifted by one step:
``targets[t] == inputs[t + 1]`` for ``t < T - 1`` (the char-RNN setup of the
CS231n notes and Karpathy's min-char-rnn).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Hashable, Iterable, Sequence

import numpy as np

from lstmlib.core.validate import check_positive_int

__all__ = ["Vocab", "build_vocab", "encode", "decode", "one_hot", "one_hot_sequences", "text_windows",
           "sample_windows"]


@dataclass(frozen=True)
class Vocab:
    """An ordered set of tokens; ``tokens[i]`` has index ``i``."""

    tokens: tuple
    index: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        tokens = tuple(self.tokens)
        if len(tokens) == 0:
            raise ValueError("tokens must not be empty, got 0 tokens")
        if len(set(tokens)) != len(tokens):
            dupes = sorted({repr(t) for t in tokens if tokens.count(t) > 1})
            raise ValueError(f"tokens must be distinct, got duplicates {', '.join(dupes)}")
        object.__setattr__(self, "tokens", tokens)
        object.__setattr__(self, "index", {t: i for i, t in enumerate(tokens)})

    def __len__(self) -> int:
        return len(self.tokens)

    @property
    def K(self) -> int:
        """Vocabulary size (the one-hot length)."""
        return len(self.tokens)


def build_vocab(sequence: Iterable[Hashable]) -> Vocab:
    """Vocabulary of the distinct tokens of ``sequence``, sorted.

    A string gives a character vocabulary: ``build_vocab("hello").tokens ==
    ('e', 'h', 'l', 'o')``. A list of words gives a word vocabulary.
    """
    tokens = list(sequence)
    if not tokens:
        raise ValueError("sequence must not be empty, got 0 tokens")
    try:
        return Vocab(tuple(sorted(set(tokens))))
    except TypeError:  # tokens of mixed types: keep first-seen order
        return Vocab(tuple(dict.fromkeys(tokens)))


def encode(vocab: Vocab, sequence: Iterable[Hashable]) -> np.ndarray:
    """Indices of the tokens of ``sequence``: int64 array of shape ``(len(sequence),)``."""
    out = []
    for pos, tok in enumerate(sequence):
        try:
            out.append(vocab.index[tok])
        except KeyError:
            raise ValueError(f"token {tok!r} at position {pos} is not in the vocabulary "
                             f"of {len(vocab)} tokens") from None
    return np.asarray(out, dtype=np.int64)


def decode(vocab: Vocab, indices, sep: str = "") -> str:
    """Join the tokens of ``indices`` with ``sep`` ("" for characters, " " for words)."""
    idx = _check_indices(indices, "indices", len(vocab))
    return sep.join(str(vocab.tokens[i]) for i in idx.ravel())


def one_hot(indices, K: int) -> np.ndarray:
    """One-hot float64 array of shape ``indices.shape + (K,)``.

    ``one_hot([[0], [2]], 3)`` has shape ``(2, 1, 3)``: a time-first batch.
    """
    K = check_positive_int(K, "K")
    idx = _check_indices(indices, "indices", K)
    return np.eye(K)[idx]


def one_hot_sequences(vocab: Vocab, sequences: Sequence[Sequence[Hashable]]):
    """Encode sequences of different lengths as one time-first one-hot batch.

    Returns ``x`` of shape ``(T, N, K)`` with ``T`` the longest length, and the
    ``lengths`` ``(N,)``. Shorter sequences are **left**-padded with all-zero
    vectors, so every sequence ends at the last step ``x[T - 1]`` (what a
    many-to-one model reads its answer from).
    """
    if isinstance(sequences, str) or len(sequences) == 0:
        raise ValueError(f"sequences must be a non-empty list of token sequences, got {sequences!r:.60}")
    encoded = [encode(vocab, s) for s in sequences]
    lengths = np.array([len(e) for e in encoded], dtype=np.int64)
    if lengths.min() == 0:
        raise ValueError(f"every sequence must hold at least one token, sequence {int(lengths.argmin())} is empty")
    T, N, K = int(lengths.max()), len(encoded), len(vocab)
    x = np.zeros((T, N, K))  # (T, N, K)
    for n, e in enumerate(encoded):
        x[np.arange(T - len(e), T), n, e] = 1.0
    return x, lengths


def text_windows(indices, T: int, stride: int | None = None):
    """All windows of ``T`` inputs and their next-token targets, time-first.

    Window ``m`` starts at ``m * stride`` (default ``stride = T``: windows do not
    overlap). Returns ``(inputs, targets)``, int64 arrays of shape ``(T, M)``
    with ``targets[t, m] == indices[m * stride + t + 1]``.
    """
    idx = _check_indices(indices, "indices")
    T = check_positive_int(T, "T")
    stride = T if stride is None else check_positive_int(stride, "stride")
    if idx.ndim != 1 or idx.size < T + 1:
        raise ValueError(f"indices must be 1-D with at least T + 1 = {T + 1} tokens, got shape {idx.shape}")
    starts = np.arange(0, idx.size - T, stride)  # (M,)
    rows = starts[None, :] + np.arange(T)[:, None]  # (T, M)
    return idx[rows], idx[rows + 1]


def sample_windows(indices, T: int, N: int, *, rng: np.random.Generator):
    """``N`` windows at random offsets: ``(inputs, targets)`` of shape ``(T, N)``."""
    idx = _check_indices(indices, "indices")
    T, N = check_positive_int(T, "T"), check_positive_int(N, "N")
    _check_rng(rng)
    if idx.ndim != 1 or idx.size < T + 1:
        raise ValueError(f"indices must be 1-D with at least T + 1 = {T + 1} tokens, got shape {idx.shape}")
    starts = rng.integers(0, idx.size - T, size=N)  # (N,)
    rows = starts[None, :] + np.arange(T)[:, None]  # (T, N)
    return idx[rows], idx[rows + 1]


def _check_indices(indices, name: str, K: int | None = None) -> np.ndarray:
    if isinstance(indices, (str, bytes)):
        raise ValueError(f"{name} must be integer indices, got a string (encode it first)")
    arr = np.asarray(indices)
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {arr.shape}")
    if not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(f"{name} must hold integers, got dtype {arr.dtype}")
    if arr.min() < 0 or (K is not None and arr.max() >= K):
        want = "non-negative" if K is None else f"in [0, {K})"
        raise ValueError(f"{name} must be {want}, got values from {arr.min()} to {arr.max()}")
    return arr.astype(np.int64, copy=False)


def _check_rng(rng) -> None:
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a numpy.random.Generator (np.random.default_rng(seed)), "
                         f"got {type(rng).__name__}")
