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

Beyond the lecture, ``conv2d`` is the convolution of every ConvNet library: a batch of
images with C_in channels, C_out filters of size (C_in, F, F), a **sum** of products
(not a mean) plus one bias per filter, shapes (N, C_in, H, W) -> (N, C_out, H', W'),
where H, W are the image's height and width (not the hidden size of Part II).
``conv1x1`` is the F = 1 case written as what it is, a linear map across the channels
applied at every pixel.
"""
from __future__ import annotations

import math

import numpy as np

from lstmlib.core.validate import as_float_array, check_positive_int, check_shape

__all__ = ["feature_map_size", "pool_output_size", "zero_pad", "conv2d_mean", "conv2d_mean_naive",
           "convolve_filters", "window", "window_products", "relu", "max_pool", "max_pool_naive", "conv2d",
           "conv2d_naive", "conv1x1"]


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


# -- many channels: the convolution of ConvNet libraries -----------------------------------

def _conv_inputs(x, weight, bias, stride, padding):
    """Validate x (N, C_in, H, W), weight (C_out, C_in, F, F), bias (C_out,) or None; pad x."""
    x = as_float_array(x, "x", ndim=4, dims="(N, C_in, H, W)")
    weight = as_float_array(weight, "weight", ndim=4, dims="(C_out, C_in, F, F)")
    C_out, C_in, F, F2 = weight.shape
    if F != F2:
        raise ValueError(f"filters must be square (C_out, C_in, F, F), got weight shape {weight.shape}")
    if x.shape[1] != C_in:
        raise ValueError(f"x has C_in={x.shape[1]} channels but weight expects C_in={C_in} "
                         f"(x {x.shape}, weight {weight.shape})")
    if bias is None:
        bias = np.zeros(C_out)
    else:
        bias = as_float_array(bias, "bias", ndim=1, dims="(C_out,)")
        check_shape(bias, "bias", (C_out,), "(C_out,)")
    H_out = feature_map_size(x.shape[2], F, padding, stride)     # validates P and S, whole-number fit
    W_out = feature_map_size(x.shape[3], F, padding, stride)
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    return xp, weight, bias, H_out, W_out


def conv2d(x, weight, bias=None, stride: int = 1, padding: int = 0) -> np.ndarray:
    """Multi-channel convolution as ``torch.nn.functional.conv2d`` computes it (a cross-correlation).

    x: (N, C_in, H, W); weight: (C_out, C_in, F, F); bias: (C_out,) or None.
    Returns (N, C_out, H', W') with H' = 1 + (H - F + 2P)/S (likewise W')::

        out[n, o, i, j] = bias[o] + sum_{c, u, v} weight[o, c, u, v] * xpad[n, c, i*S + u, j*S + v]

    Each filter spans *all* C_in input channels, so a layer has (F F C_in + 1) C_out parameters.
    """
    xp, weight, bias, H_out, W_out = _conv_inputs(x, weight, bias, stride, padding)
    F = weight.shape[-1]
    windows = np.lib.stride_tricks.sliding_window_view(xp, (F, F), axis=(2, 3))   # (N, C_in, ., ., F, F)
    windows = windows[:, :, ::stride, ::stride][:, :, :H_out, :W_out]              # (N, C_in, H', W', F, F)
    return np.einsum("ncijuv,ocuv->noij", windows, weight) + bias[None, :, None, None]


def conv2d_naive(x, weight, bias=None, stride: int = 1, padding: int = 0) -> np.ndarray:
    """Same as :func:`conv2d`, one output number at a time: loops over images, filters and cells."""
    xp, weight, bias, H_out, W_out = _conv_inputs(x, weight, bias, stride, padding)
    N, (C_out, _, F, _) = xp.shape[0], weight.shape
    out = np.zeros((N, C_out, H_out, W_out))
    for n in range(N):
        for o in range(C_out):                      # one filter: a (C_in, F, F) block of weights
            for i in range(H_out):
                for j in range(W_out):
                    patch = xp[n, :, i * stride:i * stride + F, j * stride:j * stride + F]   # (C_in, F, F)
                    out[n, o, i, j] = bias[o] + np.sum(patch * weight[o])
    return out


def conv1x1(x, weight, bias=None) -> np.ndarray:
    """A 1x1 convolution: the same linear map of the C_in channel values at every pixel.

    x: (N, C_in, H, W); weight: (C_out, C_in); bias: (C_out,) or None -> (N, C_out, H, W)::

        out[n, :, i, j] = weight @ x[n, :, i, j] + bias

    It equals :func:`conv2d` with weight[:, :, None, None]; with C_out < C_in it cuts channels.
    """
    weight = as_float_array(weight, "weight", ndim=2, dims="(C_out, C_in)")
    return conv2d(x, weight[:, :, None, None], bias)


# -- the lecture's images and filters ------------------------------------------------------


# -- the fully connected layer of the lecture's pipeline ------------------------------------


