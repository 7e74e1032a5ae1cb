"""Real-valued time series: R's WWWusage (shipped) and windows for next-step prediction."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from lstmlib.core.validate import as_float_array, check_positive_int

__all__ = ["DATAFILES", "wwwusage", "series_windows"]

DATAFILES = Path(__file__).resolve().parent.parent / "datafiles"
"""Folder of the small data files shipped inside the package (``lstmlib/datafiles``)."""


def wwwusage() -> np.ndarray:
    """R's ``WWWusage``: users connected to the Internet through a server, each minute.

    100 values (float64, shape ``(100,)``), starting 88, 84, 85, 85, 84 and
    ending 226, 222, 220. Read from the shipped ``lstmlib/datafiles/wwwusage.csv``.

    Data from R's ``datasets`` package; its documented source is Durbin & Koopman
    (2001), *Time Series Analysis by State Space Methods*, Oxford University Press,
    with reference Makridakis, Wheelwright & Hyndman (1998), *Forecasting: Methods
    and Applications*, Wiley. See ``lstmlib/datafiles/README.md``.
    """
    path = DATAFILES / "wwwusage.csv"
    if not path.is_file():
        raise FileNotFoundError(f"the shipped data file {path} is missing: reinstall lstmlib "
                                f"(its package data must include datafiles/*)")
    table = np.loadtxt(path, delimiter=",", skiprows=1)  # (100, 2): minute, users
    return table[:, 1].copy()


def series_windows(values, T: int, horizon: int = 1):
    """Cut a 1-D series into overlapping windows for many-to-one prediction.

    Window ``m`` holds ``values[m : m + T]`` and its target is
    ``values[m + T + horizon - 1]`` (the next value for ``horizon=1``).

    Returns ``x`` of shape ``(T, M, 1)`` and ``targets`` of shape ``(M, 1)`` with
    ``M = len(values) - T - horizon + 1``.
    """
    v = as_float_array(values, "values", ndim=1, dims="(L,)")
    T, horizon = check_positive_int(T, "T"), check_positive_int(horizon, "horizon")
    M = v.size - T - horizon + 1
    if M < 1:
        raise ValueError(f"values must have at least T + horizon = {T + horizon} entries, got {v.size}")
    rows = np.arange(M)[None, :] + np.arange(T)[:, None]  # (T, M)
    return v[rows][..., None], v[np.arange(M) + T + horizon - 1][:, None]
