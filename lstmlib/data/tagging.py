"""A tagging task whose answer needs the right context: does this token come back later?

Shape letters: N sequences, T positions, V token types, M tags per position.

Each sequence holds T tokens drawn uniformly and independently from 0..V-1. Every position t
gets M = 2 binary tags:

* ``LATER`` (tag 0): the token x_t occurs again at some position s > t. It depends on the
  tokens *after* t, so a network that reads left to right must guess it.
* ``EARLIER`` (tag 1), the control: x_t occurred at some position s < t. It needs only the
  tokens before t, so a left-to-right network can get it exactly right.

Because the tokens after t are independent of everything up to t, the best any left-to-right
reader can do on ``LATER`` is to answer with the more likely value of
P(x_t comes back) = 1 - (1 - 1/V)^(T-1-t), whatever it has read (:func:`left_only_guess`); its
accuracy is :func:`left_only_ceiling`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstmlib.core.validate import check_instance, check_positive_int

__all__ = ["TAGS", "LATER", "EARLIER", "TaggingSet", "repeat_tags", "repeat_task", "left_only_guess", "left_only_ceiling"]

LATER, EARLIER = 0, 1
TAGS = ("comes back later", "seen before")     # the names of tags 0 and 1


@dataclass(frozen=True)
class TaggingSet:
    """tokens (T, N) integer ids in 0..V-1; tags (T, N, M) in {0, 1} (M = 2: LATER, EARLIER)."""
    tokens: np.ndarray
    tags: np.ndarray

    @property
    def T(self) -> int:
        return self.tokens.shape[0]

    @property
    def N(self) -> int:
        return self.tokens.shape[1]


def repeat_tags(tokens) -> np.ndarray:
    """The tags (T, N, 2) of token ids (T, N): [..., LATER] is 1 where x_t occurs again after t,
    [..., EARLIER] is 1 where x_t occurred before t."""
    arr = np.asarray(tokens) if not isinstance(tokens, (str, bytes)) and tokens is not None else np.array(None)
    if arr.ndim != 2 or arr.size == 0 or not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(f"tokens must be a non-empty integer array of ids (T, N), got "
                         f"{getattr(arr, 'dtype', type(tokens).__name__)} of shape {arr.shape}")
    tokens = arr
    same = tokens[:, None, :] == tokens[None, :, :]               # (T, T, N): x_t == x_s
    t = np.arange(tokens.shape[0])
    later = (same & (t[None, :] > t[:, None])[:, :, None]).any(1)     # some s > t
    earlier = (same & (t[None, :] < t[:, None])[:, :, None]).any(1)   # some s < t
    return np.stack([later, earlier], axis=-1).astype(np.int64)


def repeat_task(n: int, T: int = 12, V: int = 8, *, rng: np.random.Generator) -> TaggingSet:
    """n sequences of T tokens drawn uniformly from V types, with their tags (:func:`repeat_tags`)."""
    n, T, V = check_positive_int(n, "n"), check_positive_int(T, "T", 2), check_positive_int(V, "V", 2)
    check_instance(rng, "rng", np.random.Generator)
    tokens = rng.integers(0, V, size=(T, n))
    return TaggingSet(tokens=tokens, tags=repeat_tags(tokens))


def left_only_guess(T: int = 12, V: int = 8) -> np.ndarray:
    """The best answer (T,) on tag LATER of a reader that sees only x_0..x_t: 1 where
    p_t = 1 - (1 - 1/V)^(T-1-t) > 1/2 (x_t more likely than not comes back), else 0."""
    T, V = check_positive_int(T, "T", 2), check_positive_int(V, "V", 2)
    return (1 - (1 - 1 / V) ** (T - 1 - np.arange(T)) > 0.5).astype(np.int64)


def left_only_ceiling(T: int = 12, V: int = 8) -> np.ndarray:
    """The best accuracy (T,) at each position of a reader that sees only x_0..x_t on tag LATER.

    The tokens after t are independent of those up to t, so its best answer is the more likely
    value of p_t = 1 - (1 - 1/V)^(T-1-t): accuracy max(p_t, 1 - p_t). Its mean over t is the
    ceiling of any left-to-right model on this tag, however large.
    """
    T, V = check_positive_int(T, "T", 2), check_positive_int(V, "V", 2)
    p = 1 - (1 - 1 / V) ** (T - 1 - np.arange(T))
    return np.maximum(p, 1 - p)
