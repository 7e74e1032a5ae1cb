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

from .validate import as_float_array, check_positive_int, check_probability

__all__ = ["weighted_sum", "squared_error", "squared_error_grad", "gradient_step", "feature_map_size", "pool_output_size", "zero_pad", "conv2d_mean", "conv2d_mean_naive",
           "convolve_filters", "window", "window_products", "relu", "max_pool", "max_pool_naive",
           "x_image", "o_image", "tricky_x_image", "shift_image", "rotate_image", "add_noise",
           "lecture_filters", "lecture_slide_values", "pixel_agreement", "xo_dataset", "xo_features",
           "fc_votes", "softmax"]


# -- the refresher: one neuron ------------------------------------------------------------

def weighted_sum(x, w, b: float = 0.0) -> float:
    """A neuron's input: sum_k x[k] w[k] + b (a convolution is this, over one window)."""
    x, w = as_float_array(x, "x", ndim=1), as_float_array(w, "w", ndim=1)
    if x.shape != w.shape:
        raise ValueError(f"x and w must have the same length, got {x.shape[0]} and {w.shape[0]}")
    return float(x @ w + b)


def squared_error(actual: float, model: float) -> float:
    """The lecture's error e = (actual output - model output)^2."""
    return float((actual - model) ** 2)


def squared_error_grad(x, w, actual: float, b: float = 0.0) -> np.ndarray:
    """de/dw for the linear neuron model = x . w + b:  de/dw = -2 (actual - model) x."""
    x = as_float_array(x, "x", ndim=1)
    return -2.0 * (actual - weighted_sum(x, w, b)) * x


def gradient_step(x, w, actual: float, lr: float, b: float = 0.0) -> np.ndarray:
    """One step of gradient descent: w <- w - lr * de/dw (minus: downhill on the error)."""
    if not lr > 0:
        raise ValueError(f"lr must be positive, got {lr}")
    return as_float_array(w, "w", ndim=1) - lr * squared_error_grad(x, w, actual, b)


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

def x_image() -> np.ndarray:
    """The lecture's 9x9 'X': +1 on both diagonals of the inner 7x7, -1 elsewhere."""
    x = -np.ones((9, 9))
    for k in range(1, 8):
        x[k, k] = x[k, 8 - k] = 1.0
    return x


def o_image() -> np.ndarray:
    """A 9x9 'O' in the same style: a ring of +1 pixels on a -1 background."""
    o = -np.ones((9, 9))
    o[1, 3:6] = o[7, 3:6] = o[3:6, 1] = o[3:6, 7] = 1.0
    o[2, 2] = o[2, 6] = o[6, 2] = o[6, 6] = 1.0
    return o


def tricky_x_image() -> np.ndarray:
    """The lecture's 'trickier' X (slide "What computer sees"), first 9 rows and columns as extracted."""
    t = -np.ones((9, 9))
    for r, c in [(1, 7), (2, 1), (2, 5), (3, 2), (3, 3), (3, 5), (4, 4), (5, 3), (5, 5),
                 (6, 2), (6, 6), (7, 3), (7, 7)]:
        t[r, c] = 1.0
    return t


def shift_image(x, dy: int, dx: int, fill: float = -1.0) -> np.ndarray:
    """The image moved dy rows down and dx columns right; uncovered pixels get ``fill``."""
    x = _image(x)
    for name, d in (("dy", dy), ("dx", dx)):
        if isinstance(d, bool) or not isinstance(d, (int, np.integer)):
            raise ValueError(f"{name} must be an integer, got {d!r}")
    W = x.shape[0]
    out = np.full_like(x, fill)
    if abs(dy) >= W or abs(dx) >= W:
        return out
    src = x[max(0, -dy):W - max(0, dy), max(0, -dx):W - max(0, dx)]
    out[max(0, dy):max(0, dy) + src.shape[0], max(0, dx):max(0, dx) + src.shape[1]] = src
    return out


def rotate_image(x, degrees: float, fill: float = -1.0) -> np.ndarray:
    """The image turned counter-clockwise about its centre (nearest-pixel sampling)."""
    x = _image(x)
    try:
        theta = math.radians(float(degrees))
    except (TypeError, ValueError):
        raise ValueError(f"degrees must be a number, got {degrees!r}") from None
    W = x.shape[0]
    c = (W - 1) / 2
    r, q = np.mgrid[0:W, 0:W].astype(float)       # output row, column
    # rotate output coordinates back to find the source pixel
    ys, xs = r - c, q - c
    src_r = np.rint(c + np.cos(theta) * ys - np.sin(theta) * xs).astype(int)
    src_c = np.rint(c + np.sin(theta) * ys + np.cos(theta) * xs).astype(int)
    inside = (src_r >= 0) & (src_r < W) & (src_c >= 0) & (src_c < W)
    out = np.full_like(x, fill)
    out[inside] = x[src_r[inside], src_c[inside]]
    return out


def add_noise(x, rng: np.random.Generator, flip_prob: float) -> np.ndarray:
    """Flip the sign of each pixel independently with probability ``flip_prob``."""
    x = _image(x)
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a numpy Generator (np.random.default_rng(seed)), got {type(rng).__name__}")
    p = check_probability(flip_prob, "flip_prob")
    return np.where(rng.random(x.shape) < p, -x, x)


def lecture_filters() -> dict[str, np.ndarray]:
    """The lecture's three 3x3 filters, in slide order: diagonal '\\', 'X', diagonal '/'."""
    d = -np.ones((3, 3)) + 2 * np.eye(3)
    x = np.maximum(d, d[:, ::-1])
    return {"diagonal \\": d, "X": x, "diagonal /": d[:, ::-1].copy()}


def lecture_slide_values() -> dict[str, np.ndarray]:
    """Numbers as printed on the lecture's slides (text extraction), for comparison.

    Keys: ``map1``..``map3`` (7x7 feature maps of the X with the three filters),
    ``relu1``..``relu3`` (after ReLU, slide "ReLU layer"), ``relu2_pool``/``relu3_pool``
    (the same maps as reprinted on the pooling slide), ``pool1``..``pool3`` (4x4),
    ``pool_again`` (the three 2x2 maps of the "Deep stacking" slide, stacked (3, 2, 2)).
    """
    a = np.array
    map1 = a([[.77, -.11, .11, .33, .55, -.11, .33], [-.11, 1, -.11, .33, -.11, .11, -.11],
              [.11, -.11, 1, -.33, .11, -.11, .55], [.33, .33, -.33, .55, -.33, .33, .33],
              [.55, -.11, .11, -.33, 1, -.11, .11], [-.11, .11, -.11, .33, -.11, 1, -.11],
              [.33, -.11, .55, .33, .11, -.11, .77]])
    map2 = a([[.33, -.55, .11, -.11, .11, -.55, .33], [-.55, .55, -.55, .33, -.55, .55, -.55],
              [.11, -.55, .55, -.77, .55, -.55, .11], [-.11, .33, -.77, 1, -.77, .33, -.11],
              [.11, -.55, .55, -.77, .55, -.55, .11], [-.55, .55, -.55, .33, -.55, .55, -.55],
              [.33, -.55, .11, -.11, .11, -.55, .33]])
    map3 = a([[.33, -.11, .55, .33, .11, -.11, .77], [-.11, .11, -.11, .33, -.11, 1, -.11],
              [.55, -.11, .11, -.33, 1, -.11, .11], [.33, .33, -.33, .55, -.33, .33, .33],
              [.11, -.11, 1, -.33, .11, -.11, .55], [-.11, 1, -.11, .33, -.11, .11, -.11],
              [.77, -.11, .11, .33, .55, -.11, .33]])
    relu3 = np.maximum(map3, 0)
    relu3[4] = [.11, 0, 1, 0, 0, .11, 0]                      # as printed on the "ReLU layer" slide
    relu2_pool = np.maximum(map2, 0)
    relu2_pool[1, 1], relu2_pool[3, 1] = .33, .55             # as reprinted on the pooling slide
    relu3_pool = np.maximum(map3, 0)
    relu3_pool[0, 3] = .11
    relu3_pool[3] = [.11, 0, .55, 0, .33, .33, 0]
    return {
        "map1": map1, "map2": map2, "map3": map3,
        "relu1": np.maximum(map1, 0), "relu2": np.maximum(map2, 0), "relu3": relu3,
        "relu2_pool": relu2_pool, "relu3_pool": relu3_pool,
        "pool1": a([[1, .33, .55, .33], [.33, 1, .33, .55], [.55, .33, 1, .11], [.33, .55, .11, .77]]),
        "pool2": a([[.55, .33, .55, .33], [.33, 1, .55, .11], [.55, .55, .55, .11], [.33, .11, .11, .33]]),
        "pool3": a([[.33, .55, 1, .77], [.55, .55, 1, .33], [1, 1, .11, .55], [.77, .33, .55, .33]]),
        "pool_again": a([[[1, .55], [.55, 1]], [[1, .55], [.55, .55]], [[.55, 1], [1, .55]]]),
    }


def pixel_agreement(a, b) -> float:
    """Fraction of pixels where two +1/-1 images agree (the 'pixel matching' score)."""
    a, b = _image(a, "a"), _image(b, "b")
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    return float(np.mean(a == b))


def xo_dataset(n: int, rng: np.random.Generator, max_shift: int = 1, max_degrees: float = 20.0,
               flip_prob: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """n random variants of the X (label 0) and the O (label 1): shifted, rotated, noisy.

    Returns images (n, 9, 9) of +1/-1 and labels (n,) of 0/1.
    """
    n = check_positive_int(n, "n")
    max_shift = check_positive_int(max_shift, "max_shift", minimum=0)
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a numpy Generator, got {type(rng).__name__}")
    base = (x_image(), o_image())
    labels = rng.integers(0, 2, size=n)
    images = np.empty((n, 9, 9))
    for k, label in enumerate(labels):
        img = rotate_image(base[label], rng.uniform(-max_degrees, max_degrees))
        img = shift_image(img, int(rng.integers(-max_shift, max_shift + 1)),
                          int(rng.integers(-max_shift, max_shift + 1)))
        images[k] = add_noise(img, rng, flip_prob)
    return images, labels


# -- the fully connected layer of the lecture's pipeline ------------------------------------

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


def softmax(y) -> np.ndarray:
    """p_k = exp(y_k) / sum_j exp(y_j) along the last axis (shifted by the max: never overflows)."""
    y = as_float_array(y, "y")
    e = np.exp(y - y.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)
