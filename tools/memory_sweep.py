"""The fair memory comparison of Part III (III.5 and III.8), run in full; writes lstmlib/datafiles/memory_sweep.json.

    PYTHONPATH=$PWD python tools/memory_sweep.py [--out PATH] [--no-progress]

Its configuration is ``lstmlib.torchside.memory.MEMORY_SWEEP``: every recipe of the comparison gets the
same budget (steps, batch, Adam) and its own learning rate, the best of one grid on two tuning seeds; then
five seeds per recipe. Seeded, one CPU thread per run (CUDA when present: see the manifest's device). The
output holds a manifest (command, versions, start time, seconds, device) beside the results.
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
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lstmlib.torchside import memory as ex  # noqa: E402
from lstmlib.torchside.training import device  # noqa: E402

OUT = ROOT / "lstmlib" / "datafiles" / "memory_sweep.json"


def config() -> dict:
    """The sweep's configuration, as it is written to the JSON (a deep copy through JSON)."""
    return json.loads(json.dumps(ex.MEMORY_SWEEP))


def _opts(cfg):
    return dict(H=cfg["H"], batch=cfg["batch"], n_classes=cfg["n_classes"], n_distractors=cfg["n_distractors"],
                n_test=cfg["n_test"])


def tune(cfg, recipe, task="remember_first"):
    """(best lr, {lr: mean score}) of ``recipe`` on the tuning seeds."""
    part = cfg["fixed"] if task == "remember_first" else cfg["adding"]
    opts = _opts(cfg) if task == "remember_first" else dict(H=cfg["H"], batch=cfg["batch"], n_test=cfg["n_test"])
    kind = ex.RECIPES[recipe].kind
    return ex.tune_lr(kind, recipe, cfg["lr_grid"], T=part["T"], seeds=cfg["tune_seeds"], task=task,
                      steps=part["steps"], **opts)


def fixed_run(cfg, recipe, seed, lr, T=None, steps=None):
    """Test accuracy of one remember_first run at one length, trained from the start at that length."""
    T = cfg["fixed"]["T"] if T is None else T
    steps = cfg["fixed"]["steps"] if steps is None else steps
    return ex.run_memory_task(ex.RECIPES[recipe].kind, T, steps=steps, lr=lr, seed=seed, recipe=recipe,
                              **_opts(cfg)).score


def adding_run(cfg, recipe, seed, lr):
    """Test MSE of one adding-problem run."""
    a = cfg["adding"]
    return ex.run_memory_task(ex.RECIPES[recipe].kind, a["T"], task="adding", steps=a["steps"], lr=lr, seed=seed,
                              recipe=recipe, H=cfg["H"], batch=cfg["batch"], n_test=cfg["n_test"]).score


def curriculum_run(cfg, recipe, seed, lr, steps=None):
    """One curriculum run, as a JSON-ready dict."""
    c = cfg["curriculum"]
    cur = ex.Curriculum(tuple(c["lengths"]), c["threshold"], c["window"])
    r = ex.train_curriculum(recipe, cur, steps=c["steps"] if steps is None else steps, seed=seed, lr=lr,
                            **_opts(cfg))
    return {"seed": seed, "passed": {str(T): s for T, s in r.passed.items()}, "reached": r.reached,
            "steps_used": int(len(r.history)), "test": {str(T): a for T, a in r.test.items()}}


def run_sweep(cfg, progress=True) -> dict:
    from tqdm.auto import tqdm
    jobs = ([("tune", r) for r in cfg["fixed"]["recipes"]] + [("tune-adding", r) for r in cfg["adding"]["recipes"]]
            + [("fixed", r) for r in cfg["fixed"]["recipes"]]
            + [("direct", r) for r in cfg["direct"]["recipes"]]
            + [("curriculum", r) for r in cfg["curriculum"]["recipes"]]
            + [("adding", r) for r in cfg["adding"]["recipes"]])
    out = {"tuning": {}, "tuning_adding": {}, "fixed": {}, "direct": {}, "curriculum": {}, "adding": {}}
    for what, recipe in tqdm(jobs, disable=not progress, desc="memory sweep"):
        if what == "tune":
            lr, scores = tune(cfg, recipe)
            out["tuning"][recipe] = {"lr": lr, "scores": {repr(k): v for k, v in scores.items()}}
        elif what == "tune-adding":
            lr, scores = tune(cfg, recipe, task="adding")
            out["tuning_adding"][recipe] = {"lr": lr, "scores": {repr(k): v for k, v in scores.items()}}
        elif what == "fixed":
            lr = out["tuning"][recipe]["lr"]
            out["fixed"][recipe] = {"lr": lr, "scores": [fixed_run(cfg, recipe, s, lr) for s in cfg["seeds"]]}
        elif what == "direct":
            lr = out["tuning"][recipe]["lr"]
            d = cfg["direct"]
            out["direct"][recipe] = {"lr": lr, "scores": {
                str(T): [fixed_run(cfg, recipe, s, lr, T=T, steps=d["steps"]) for s in cfg["seeds"]]
                for T in d["lengths"]}}
        elif what == "curriculum":
            lr = out["tuning"][recipe]["lr"]
            out["curriculum"][recipe] = {"lr": lr, "runs": [curriculum_run(cfg, recipe, s, lr) for s in cfg["seeds"]]}
        else:
            lr = out["tuning_adding"][recipe]["lr"]
            out["adding"][recipe] = {"lr": lr, "scores": [adding_run(cfg, recipe, s, lr) for s in cfg["seeds"]]}
    return out


def _commit():
    try:
        return subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(OUT))
    ap.add_argument("--no-progress", action="store_true")
    args = ap.parse_args(argv)
    cfg = config()
    t0, started = time.time(), time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    results = run_sweep(cfg, progress=not args.no_progress)
    dev = device()
    manifest = {"command": "PYTHONPATH=$PWD python tools/memory_sweep.py", "started": started,
                "seconds": round(time.time() - t0, 1), "device": str(dev),
                "device_name": torch.cuda.get_device_name(0) if dev.type == "cuda" else platform.processor() or
                platform.machine(), "torch_threads_per_run": 1, "python": platform.python_version(),
                "torch": torch.__version__, "numpy": np.__version__, "git_commit": _commit()}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps({"manifest": manifest, "config": cfg, **results}, indent=1) + "\n")
    print(f"wrote {args.out} in {manifest['seconds']} s")


if __name__ == "__main__":
    main()
