"""The fair race of the LSTM variants, the GRU and the RNN (IV.2), run in full; writes lstmlib/datafiles/cell_race.json.

    PYTHONPATH=$PWD python tools/cell_race.py [--out PATH] [--no-progress]

Its configuration is ``lstmlib.torchside.text.CELL_RACE``: every cell gets the same budget (steps, batch,
Adam, clipping) and the same search, the learning-rate grid crossed with the cell's known recipes (gate
biases, recurrent initialisation), each setting scored on two tuning seeds; the best setting then trains
five seeds. The cells are lstmlib's numpy cells in float64, so a rerun gives the same numbers up to the
last bits of the BLAS. The output holds a manifest (command, versions, start time, seconds) beside the
results.
"""
from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lstmlib.torchside import text as tm  # noqa: E402

OUT = ROOT / "lstmlib" / "datafiles" / "cell_race.json"


def config() -> dict:
    """The race's configuration, as it is written to the JSON (a deep copy through JSON)."""
    return json.loads(json.dumps(tm.CELL_RACE))


def _commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(OUT))
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args(argv)
    cfg = config()
    started, t0 = time.strftime("%Y-%m-%d %H:%M:%S"), time.perf_counter()
    results = tm.cell_race(cfg, progress=not args.no_progress)
    manifest = {"command": "PYTHONPATH=$PWD python tools/cell_race.py", "started": started,
                "seconds": round(time.perf_counter() - t0, 1), "python": platform.python_version(),
                "numpy": np.__version__, "cpu": platform.machine(), "git_commit": _commit()}
    Path(args.out).write_text(json.dumps({"manifest": manifest, "config": cfg, "cells": results}) + "\n")
    print(f"wrote {args.out} in {manifest['seconds']} s")


if __name__ == "__main__":
    main()
