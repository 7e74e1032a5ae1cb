"""Convolution, ReLU and max pooling in numpy, exactly as the Bhandare lecture computes them.

Shape letters and sizes (the notation of the book, chapter "Convolution"):
W input width (= height, images are square), F filter width, P zero padding,
S stride. An image is an (W, W) array; a filter is (F, F).

The lecture's convolution is the **mean** of the element-wise products of the
filter and the window under it (a dot product divided by F*F)::

    m[i, j] = (1 / F^2) * sum_{u, v} x[i*S + u, j*S + v] * f[u, v]      (x zero-padded by P)

so a perfect match of +1/-1 pixels scores exactly 1. The feature map is
(W', W') with W' = 1 + (W - F + 2P) / S, which must be a whole number.

Max pooling takes the largest value in each (k, k) window moved by ``stride``;
with ``ceil_mode=True`` the last, partial windows at the border are kept,
which is how the lecture gets 7x7 -> 4x4 with a 2x2 window and stride 2.

``conv2d_mean`` and ``max_pool`` are vectorised; ``conv2d_mean_naive`` and
``max_pool_naive`` are the same computations as plain loops, kept for reading
(the tests check that both agree, and agree with torch).
"""
from __future__ import annotations

import math

import numpy as np

from lstmlib.core.validate import as_float_array, check_positive_int

__all__ = ["feature_map_size", "pool_output_size", "zero_pad", "conv2d_mean", "conv2d_mean_naive",
           "convolve_filters", "window", "window_products", "relu", "max_pool", "max_pool_naive"]


# -- the refresher: one neuron ------------------------------------------------------------


# -- sizes ---------------------------------------------------------------------------------

def feature_map_size(W: int, F: int, P: int = 0, S: int = 1) -> int:
    """W' = 1 + (W - F + 2P) / S; ValueError unless the filter fits a whole number of times."""
    W = check_positive_int(W, "W (input width)")
    F = check_positive_int(F, "F (filter width)")
    P = check_positive_int(P, "P (padding)", minimum=0)
    S = check_positive_int(S, "S (stride)")
    span = W - F + 2 * P
    if span < 0:
        raise ValueError(f"filter width F={F} is larger than the padded input W + 2P = {W + 2 * P}")
    if span % S:
        raise ValueError(f"1 + (W - F + 2P)/S = 1 + ({W} - {F} + 2*{P})/{S} = 1 + {span}/{S} is not "
                         f"a whole number: stride {S} does not fit; change S or P")
    return 1 + span // S


def pool_output_size(W: int, k: int = 2, stride: int = 2, ceil_mode: bool = True) -> int:
    """Width after max pooling: 1 + ceil (or floor) of (W - k)/stride (7, 2, 2 -> 4 with ceil);
    every window starts inside the input."""
    W = check_positive_int(W, "W (input width)")
    k = check_positive_int(k, "k (pool window)")
    stride = check_positive_int(stride, "stride")
    if k > W:
        raise ValueError(f"pool window k={k} is larger than the input width W={W}")
    rounding = math.ceil if ceil_mode else math.floor
    n = 1 + rounding((W - k) / stride)
    if (n - 1) * stride >= W:          # a last window would start beyond the input: drop it (as torch)
        n -= 1
    return n


# -- convolution ---------------------------------------------------------------------------

def _image(x, name="image") -> np.ndarray:
    x = as_float_array(x, name, ndim=2, dims="(W, W)")
    if x.shape[0] != x.shape[1]:
        raise ValueError(f"{name} must be square (W, W), got shape {x.shape}")
    return x


def zero_pad(x, P: int) -> np.ndarray:
    """The image with P rows/columns of zeros added on every side: (W, W) -> (W+2P, W+2P)."""
    x = _image(x)
    P = check_positive_int(P, "P (padding)", minimum=0)
    return np.pad(x, P, mode="constant", constant_values=0.0)


def _prepare(x, f, S, P):
    x, f = _image(x), _image(f, "filter")
    n = feature_map_size(x.shape[0], f.shape[0], P, S)
    return zero_pad(x, P), f, n


def conv2d_mean(x, f, S: int = 1, P: int = 0) -> np.ndarray:
    """The lecture's convolution: mean of filter * window at every position. (W, W), (F, F) -> (W', W')."""
    xp, f, n = _prepare(x, f, S, P)
    F = f.shape[0]
    windows = np.lib.stride_tricks.sliding_window_view(xp, (F, F))[::S, ::S]   # (W', W', F, F)
    return np.einsum("ijuv,uv->ij", windows[:n, :n], f) / (F * F)


def conv2d_mean_naive(x, f, S: int = 1, P: int = 0) -> np.ndarray:
    """Same as ``conv2d_mean``, written as loops over output cells and filter entries."""
    xp, f, n = _prepare(x, f, S, P)
    F = f.shape[0]
    m = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            total = 0.0
            for u in range(F):
                for v in range(F):
                    total += xp[i * S + u, j * S + v] * f[u, v]
            m[i, j] = total / (F * F)
    return m


def convolve_filters(x, filters, S: int = 1, P: int = 0) -> np.ndarray:
    """One convolutional layer: every filter over the image -> a stack (n_filters, W', W')."""
    filters = as_float_array(filters, "filters", ndim=3, dims="(n_filters, F, F)")
    return np.stack([conv2d_mean(x, f, S, P) for f in filters])


def window(x, f_width: int, i: int, j: int, S: int = 1, P: int = 0) -> np.ndarray:
    """The (F, F) window of the padded image under output cell (i, j)."""
    x = _image(x)
    n = feature_map_size(x.shape[0], f_width, P, S)
    if not (0 <= i < n and 0 <= j < n):
        raise ValueError(f"output cell (i, j) must lie in the {n}x{n} feature map, got ({i}, {j})")
    xp = zero_pad(x, P)
    return xp[i * S:i * S + f_width, j * S:j * S + f_width]


def window_products(x, f, i: int, j: int, S: int = 1, P: int = 0) -> np.ndarray:
    """filter * window at output cell (i, j), element by element; their mean is m[i, j]."""
    f = _image(f, "filter")
    return window(x, f.shape[0], i, j, S, P) * f


# -- ReLU and pooling ----------------------------------------------------------------------

def relu(x) -> np.ndarray:
    """max(0, x) element-wise: a stack of maps becomes one with no negative values."""
    return np.maximum(as_float_array(x, "x"), 0.0)


def _pool_prepare(x, k, stride, ceil_mode):
    x = _image(x, "feature map")
    n = pool_output_size(x.shape[0], k, stride, ceil_mode)
    return x, n


def max_pool(x, k: int = 2, stride: int = 2, ceil_mode: bool = True) -> np.ndarray:
    """Max over (k, k) windows moved by ``stride``; ceil_mode keeps the partial border windows."""
    x, n = _pool_prepare(x, k, stride, ceil_mode)
    need = (n - 1) * stride + k                   # padded width so every window is complete
    xp = np.full((need, need), -np.inf)
    w = min(need, x.shape[0])
    xp[:w, :w] = x[:w, :w]
    windows = np.lib.stride_tricks.sliding_window_view(xp, (k, k))[::stride, ::stride]   # (n, n, k, k)
    return windows[:n, :n].max(axis=(2, 3))


def max_pool_naive(x, k: int = 2, stride: int = 2, ceil_mode: bool = True) -> np.ndarray:
    """Same as ``max_pool`` with loops: each output is the max of the cells its window covers."""
    x, n = _pool_prepare(x, k, stride, ceil_mode)
    W = x.shape[0]
    out = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            out[i, j] = x[i * stride:min(i * stride + k, W), j * stride:min(j * stride + k, W)].max()
    return out


# -- the lecture's images and filters ------------------------------------------------------


# -- the fully connected layer of the lecture's pipeline ------------------------------------


