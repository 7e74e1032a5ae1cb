"""Small image data for the CNN chapters: scikit-learn's 8x8 handwritten digits."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstmlib.data.text import _check_rng
from lstmlib.core.validate import check_probability

__all__ = ["DigitsSplit", "digits", "load_breast_cancer_split"]


@dataclass(frozen=True)
class DigitsSplit:
    """Train/test split of the digits: images ``(N, 1, 8, 8)`` in [0, 1], labels ``(N,)`` in 0..9."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


def digits(*, test_fraction: float = 0.25, rng: np.random.Generator) -> DigitsSplit:
    """scikit-learn's 8x8 digits (``sklearn.datasets.load_digits``, shipped with it, no download).

    1,797 grey images of handwritten digits (pixel counts 0..16, divided by 16
    here), channel-first ``(N, C, H, W) = (N, 1, 8, 8)`` like ``torch.nn.Conv2d``.
    The rows are shuffled with ``rng`` and the last ``round(test_fraction * N)``
    go to the test set.

    Data: the UCI "Optical Recognition of Handwritten Digits" test set
    (E. Alpaydin and C. Kaynak, 1998), as distributed with scikit-learn (BSD-3-Clause).
    """
    frac = check_probability(test_fraction, "test_fraction")
    if not 0.0 < frac < 1.0:
        raise ValueError(f"test_fraction must be strictly between 0 and 1, got {frac}")
    _check_rng(rng)
    from sklearn.datasets import load_digits  # lazy: only this loader needs scikit-learn

    bunch = load_digits()
    x = (bunch.images / 16.0)[:, None, :, :]  # (N, 1, 8, 8)
    y = bunch.target.astype(np.int64)  # (N,)
    order = rng.permutation(len(y))
    n_test = int(round(frac * len(y)))
    train, test = order[: len(y) - n_test], order[len(y) - n_test:]
    return DigitsSplit(x_train=x[train], y_train=y[train], x_test=x[test], y_test=y[test])


def load_breast_cancer_split(test_fraction: float = 0.25, seed: int = 0):
    """scikit-learn's breast-cancer table (569 tumours, 30 measurements, offline), standardised
    with the training set's mean and spread. Returns X_train (N, 30), y_train, X_test, y_test."""
    from sklearn.datasets import load_breast_cancer
    d = load_breast_cancer()
    order = np.random.default_rng(seed).permutation(len(d.data))
    n_test = int(round(test_fraction * len(order)))
    test, train = order[:n_test], order[n_test:]
    mu, sd = d.data[train].mean(0), d.data[train].std(0)
    return (d.data[train] - mu) / sd, d.target[train], (d.data[test] - mu) / sd, d.target[test]
