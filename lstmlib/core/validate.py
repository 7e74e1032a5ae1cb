"""Input validation shared by every public function of lstmlib.

Each helper raises ``ValueError`` with a message that names the argument, says
what was expected and what arrived, e.g.::

    ValueError: x must have 3 dimensions (T, N, D), got shape (5, 3)
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

__all__ = ["as_float_array", "check_shape", "check_positive_int", "check_choice", "check_probability",
           "as_real_array", "check_instance", "check_finite"]


def as_float_array(value, name: str, ndim: int | None = None, dims: str = "",
                   allow_empty: bool = False) -> np.ndarray:
    """Return ``value`` as a finite float64 array, or raise ValueError.

    ndim: required number of dimensions (None: any). dims: the shape letters
    used in the message, e.g. "(T, N, D)".
    """
    if isinstance(value, (str, bytes)) or value is None:
        raise ValueError(f"{name} must be a numeric array{(' ' + dims) if dims else ''}, got {type(value).__name__}")
    try:
        arr = np.asarray(value)
    except Exception as exc:  # ragged lists and the like
        raise ValueError(f"{name} must be a numeric array, got {type(value).__name__} ({exc})") from None
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise ValueError(f"{name} must hold numbers, got dtype {arr.dtype}")
    if np.issubdtype(arr.dtype, np.complexfloating):
        raise ValueError(f"{name} must be real, got dtype {arr.dtype}")
    arr = arr.astype(np.float64, copy=False)
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} dimension{'s' if ndim != 1 else ''}"
                         f"{(' ' + dims) if dims else ''}, got shape {arr.shape}")
    if arr.size == 0 and not allow_empty:
        raise ValueError(f"{name} must not be empty, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite, got {int(np.sum(~np.isfinite(arr)))} NaN or infinite value(s)")
    return arr


def check_shape(arr: np.ndarray, name: str, expected: Sequence[int | None], dims: str = "") -> None:
    """Raise ValueError unless ``arr.shape`` matches ``expected`` (None matches any size)."""
    ok = arr.ndim == len(expected) and all(e is None or e == s for e, s in zip(expected, arr.shape))
    if not ok:
        want = "(" + ", ".join("any" if e is None else str(e) for e in expected) + ")"
        raise ValueError(f"{name} must have shape {want}{(' ' + dims) if dims else ''}, got {arr.shape}")


def check_positive_int(value, name: str, minimum: int = 1) -> int:
    """Return ``value`` as an int >= minimum, or raise ValueError."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value}")
    return int(value)


def check_choice(value, name: str, choices: Sequence) -> None:
    """Raise ValueError unless ``value`` is one of ``choices``."""
    if value not in choices:
        raise ValueError(f"{name} must be one of {list(choices)}, got {value!r}")


def check_probability(value, name: str) -> float:
    """Return ``value`` as a float in [0, 1], or raise ValueError."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number in [0, 1], got {value!r}") from None
    if not 0.0 <= v <= 1.0:
        raise ValueError(f"{name} must be a number in [0, 1], got {v}")
    return v


def as_real_array(value, name: str, ndim: int | None = None, dims: str = "",
                  dtype=None, allow_empty: bool = False) -> np.ndarray:
    """Like ``as_float_array`` but keeps float32 input as float32 (everything else
    becomes float64); ``dtype`` (float32 or float64) forces one of the two."""
    keep32 = dtype is None and getattr(value, "dtype", None) == np.float32
    arr = as_float_array(value, name, ndim, dims, allow_empty)
    target = np.dtype(dtype) if dtype is not None else np.dtype(np.float32 if keep32 else np.float64)
    if target not in (np.dtype(np.float32), np.dtype(np.float64)):
        raise ValueError(f"dtype for {name} must be float32 or float64, got {target}")
    if arr.dtype != target:
        with np.errstate(over="ignore"):
            arr = arr.astype(target)
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{name} must be finite in {target}, got values that overflow")
    return arr


def check_instance(value, name: str, types) -> None:
    """Raise ValueError unless ``value`` is an instance of ``types`` (a class or tuple)."""
    if not isinstance(value, types):
        want = " or ".join(t.__name__ for t in (types if isinstance(types, tuple) else (types,)))
        raise ValueError(f"{name} must be {want}, got {type(value).__name__}")


def check_finite(value, name: str) -> float:
    """A real, finite number (not a bool), as a float; ValueError naming ``name`` otherwise."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
            or not np.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return float(value)
