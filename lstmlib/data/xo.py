"""The X/O images of Bhandare's ConvNet lecture: X, O, the trickier X, shifts, rotations, noise, a data set.
"""
from __future__ import annotations

import numpy as np
import math
from lstmlib.core.conv import _image
from lstmlib.core.validate import check_positive_int, check_probability

__all__ = ["x_image", "o_image", "tricky_x_image", "shift_image", "rotate_image", "add_noise", "xo_dataset"]


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
