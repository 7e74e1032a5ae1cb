"""A word embedding in numpy: one-hot times a matrix is a row lookup, and its gradient is a scatter-add.

Shape letters: T time, N batch, V vocabulary size (word ids 0 .. V-1), E embedding size.
W_e (V, E) is the embedding matrix (``torch.nn.Embedding(V, E).weight``); ids (T, N) are word ids.

    e_t = onehot(ids_t) W_e = W_e[ids_t]                        forward   (T, N, E)
    dL/dW_e = sum_{t, n} onehot(ids_t,n)^T de_t,n               backward  (V, E):
            row v = the sum of de_t,n over every position where ids_t,n = v
"""
from __future__ import annotations

import numpy as np

from lstmlib.core.validate import as_float_array, check_positive_int, check_shape

__all__ = ["embedding_forward", "embedding_backward"]


def _check_ids(ids, V: int) -> np.ndarray:
    t = np.asarray(ids) if not isinstance(ids, (str, bytes)) else None
    if t is None or t.dtype == object or not np.issubdtype(t.dtype, np.integer):
        raise ValueError(f"ids must be an integer array of word ids, got "
                         f"{type(ids).__name__ if t is None else t.dtype}")
    if t.size and (t.min() < 0 or t.max() >= V):
        raise ValueError(f"ids must be word ids in [0, {V - 1}], got range [{t.min()}, {t.max()}]")
    return t


def embedding_forward(W_e, ids) -> np.ndarray:
    """The vectors of the words: W_e (V, E), ids int (T, N) -> e (T, N, E), e[t, n] = W_e[ids[t, n]].

    The same as one_hot(ids, V) @ W_e, without building the (T, N, V) one-hot array.
    """
    W_e = as_float_array(W_e, "W_e", 2, "(V, E)")
    ids = _check_ids(ids, W_e.shape[0])
    return W_e[ids]                                   # row lookup = onehot(ids) @ W_e


def embedding_backward(de, ids, V: int) -> np.ndarray:
    """dL/dW_e (V, E) from de = dL/de (T, N, E) and ids int (T, N): a scatter-add of the rows.

    Row v is the sum of de[t, n] over every (t, n) with ids[t, n] == v (zero for unused words).
    np.add.at adds once per occurrence; ``dW[ids] += de`` would keep only one of a repeated word.
    """
    V = check_positive_int(V, "V")
    de = as_float_array(de, "de", None, "(T, N, E)")
    ids = _check_ids(ids, V)
    check_shape(de, "de", (*ids.shape, None), "(T, N, E), the shape of ids plus E")
    dW_e = np.zeros((V, de.shape[-1]), de.dtype)
    np.add.at(dW_e, ids, de)                           # sum_{t,n} onehot(ids[t, n])^T de[t, n]
    return dW_e
