"""IV.2's race of the cells: one budget and one search for every cell, a shipped result that a rerun reproduces."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from lstmlib.torchside import text as tm

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("cell_race_tool", ROOT / "tools" / "cell_race.py")
cell_race_tool = importlib.util.module_from_spec(spec)
spec.loader.exec_module(cell_race_tool)


def test_every_cell_gets_the_same_budget_and_lr_grid():
    cfg = tm.CELL_RACE
    assert set(cfg["options"]) == set(tm.CELLS)
    for kind in tm.CELLS:
        settings = tm.cell_race_options(kind)
        assert {s["lr"] for s in settings} == set(cfg["lr_grid"])
        assert len(settings) == len(cfg["lr_grid"]) * len(cfg["options"][kind])
    assert len(cfg["seeds"]) >= 5 and not set(cfg["seeds"]) & set(cfg["tune_seeds"])


def test_recipes_change_the_start_as_stated():
    a = tm.fit_cell("gru", 3, steps=1, lr=1e-12, update_bias=3.0, n_test=4)
    b = tm.fit_cell("gru", 3, steps=1, lr=1e-12, update_bias=0.0, n_test=4)
    assert a.losses[0] != b.losses[0]
    with pytest.raises(ValueError, match="vanilla RNN only"):
        tm.fit_cell("lstm", 3, steps=1, recurrent_init="orthogonal")
    with pytest.raises(ValueError, match="recurrent_init"):
        tm.fit_cell("rnn", 3, steps=1, recurrent_init="identity")


def test_orthogonal_rnn_start_is_orthogonal(monkeypatch):
    seen = {}
    real = tm.bptt.forward

    def spy(params, x):
        seen.setdefault("W_hh", params.W_hh.copy())
        return real(params, x)
    monkeypatch.setattr(tm.bptt, "forward", spy)
    tm.fit_cell("rnn", 3, steps=1, recurrent_init="orthogonal", n_test=4)
    W = seen["W_hh"]
    assert np.allclose(W @ W.T, np.eye(W.shape[0]), atol=1e-12)


def test_shipped_race_matches_the_script_configuration():
    data = tm.load_cell_race()
    assert data["config"] == cell_race_tool.config()
    assert set(data["cells"]) == set(tm.CELLS)
    for kind, res in data["cells"].items():
        assert len(res["scores"]) == len(data["config"]["seeds"])
        best = max(res["tuning"], key=lambda t: (t["score"], -t["end_loss"]))["setting"]
        assert res["best"] == best, kind
    assert data["manifest"]["command"].endswith("tools/cell_race.py") and data["manifest"]["seconds"] > 0


def test_a_rerun_reproduces_shipped_scores():
    """Two cheap cells rerun at their chosen setting on one seed: the same test accuracy (float64 numpy)."""
    data = tm.load_cell_race()
    cfg = data["config"]
    common = {k: cfg[k] for k in ("task", "H", "steps", "batch", "n_test", "n_distractors")}
    for kind in ("rnn", "no_forget"):
        res = data["cells"][kind]
        run = tm.fit_cell(kind, cfg["T"], seed=cfg["seeds"][0], **common, **res["best"])
        assert abs(run.score - res["scores"][0]) <= 0.01, kind


def test_load_cell_race_names_the_missing_file(tmp_path):
    with pytest.raises(ValueError, match="tools/cell_race.py"):
        tm.load_cell_race(tmp_path / "nope.json")
