"""Train the digits comparisons of Part I (batch normalisation; plain, residual and inception blocks)
and store every run in lstmlib/datafiles/digits_convnets.json.

    python tools/digits_convnets.py                 # both experiments, as shipped (about 10 minutes)
    python tools/digits_convnets.py --only batchnorm --out /tmp/runs.json

Every model of an experiment gets the same data split (data.digits with rng seed 0, the last 270
training digits held out for validation), the same budget (DIGITS_EPOCHS passes, batch 32, Adam),
the same learning-rate grid DIGITS_LRS and the same seeds DIGITS_SEEDS, in float64 on one CPU thread
(lstmlib.torchside.cnn.digits_runs). tests/test_cnn.py reruns one of the runs and compares.
"""
from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lstmlib import data  # noqa: E402
from lstmlib.torchside import cnn  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", choices=["batchnorm", "blocks"], default=None)
    ap.add_argument("--out", default=str(ROOT / "lstmlib" / "datafiles" / cnn.DIGITS_RUNS_FILE))
    args = ap.parse_args()
    split = data.digits(test_fraction=0.25, rng=np.random.default_rng(0))
    result = {"settings": dict(split="data.digits(test_fraction=0.25, rng=np.random.default_rng(0))", n_val=270,
                               epochs=cnn.DIGITS_EPOCHS, batch_size=32, optimizer="adam", dtype="float64",
                               lrs=list(cnn.DIGITS_LRS), seeds=list(cnn.DIGITS_SEEDS),
                               command="python tools/digits_convnets.py", torch=torch.__version__,
                               machine=platform.machine())}
    for name in ["batchnorm", "blocks"] if args.only is None else [args.only]:
        start = time.time()
        result[name] = cnn.digits_runs(cnn.digits_models(name), split, lrs=cnn.DIGITS_LRS, seeds=cnn.DIGITS_SEEDS,
                                       epochs=cnn.DIGITS_EPOCHS, n_val=270, progress=True)
        result["settings"][f"{name}_seconds"] = round(time.time() - start)
    Path(args.out).write_text(json.dumps(result, indent=1) + "\n")
    print("wrote", args.out)


if __name__ == "__main__":
    main()
