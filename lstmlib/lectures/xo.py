"""Classifying X and O as the lecture does: pixel agreement, pooled filter features, votes.
"""
from __future__ import annotations

import numpy as np
from lstmlib.core.conv import _image, convolve_filters, max_pool, relu
from lstmlib.core.validate import as_float_array
from lstmlib.data.lectures import lecture_filters

__all__ = ["pixel_agreement", "xo_features", "fc_votes"]


def pixel_agreement(a, b) -> float:
    """Fraction of pixels where two +1/-1 images agree (the 'pixel matching' score)."""
    a, b = _image(a, "a"), _image(b, "b")
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    return float(np.mean(a == b))


def xo_features(image, filters=None) -> np.ndarray:
    """The lecture's stack on a 9x9 image: conv (3 filters) -> ReLU -> pool -> pool, flattened.

    (9, 9) -> (3, 7, 7) -> (3, 4, 4) -> (3, 2, 2) -> (12,).
    """
    filters = np.stack(list(lecture_filters().values())) if filters is None else filters
    maps = relu(convolve_filters(image, filters))
    return np.stack([max_pool(max_pool(m)) for m in maps]).ravel()


def fc_votes(features, weights) -> np.ndarray:
    """Votes y (K,) of a fully connected layer without bias, as weighted averages:
    y_k = sum_j weights[k, j] features[j] / sum_j weights[k, j].  weights: (K, D), features: (D,)."""
    f = as_float_array(features, "features", ndim=1)
    w = as_float_array(weights, "weights", ndim=2, dims="(K, D)")
    if w.shape[1] != f.shape[0]:
        raise ValueError(f"weights must have shape (K, {f.shape[0]}), got {w.shape}")
    return w @ f / w.sum(axis=1)
