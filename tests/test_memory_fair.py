"""The fair memory comparison (III.5, III.8): recipes, curriculum, one budget, and the shipped sweep."""
import json
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from lstmlib.core.gru import gru_forward
from lstmlib.torchside import memory as ex

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "lstmlib" / "datafiles" / "memory_sweep.json"
sys.path.insert(0, str(ROOT / "tools"))
import memory_sweep  # noqa: E402

H = 16


# ------------------------------------------------------------------ recipes
def test_lstm_forget_bias_lands_in_the_forget_rows():
    m = ex.make_model("lstm", 10, H, 2, recipe="lstm-forget-bias", dtype=torch.float32)
    b_ih, b_hh = m.rnn.bias_ih_l0.detach().numpy(), m.rnn.bias_hh_l0.detach().numpy()
    assert np.all(b_ih[H:2 * H] == 3.0) and np.all(b_hh[H:2 * H] == 0.0)       # torch's rows i, f, g, o
    p = m.to_params()                                                            # lstmlib's b_f = b_ih + b_hh
    assert np.allclose(p.b_f, 3.0) and not np.allclose(p.b_i, 3.0)
    default = ex.make_model("lstm", 10, H, 2, recipe="lstm-default").to_params()
    assert np.all(np.abs(default.b_f) < 1)                                       # torch's default: around 0


def test_gru_update_bias_makes_a_fresh_gru_keep_its_state():
    m = ex.make_model("gru", 10, H, 2, recipe="gru-update-bias", dtype=torch.float64)
    assert np.all(m.rnn.bias_ih_l0.detach().numpy()[H:2 * H] == 3.0)             # torch's rows r, z, n
    p = m.to_params()
    assert np.allclose(p.b_z, 3.0)
    # z multiplies h_{t-1} in lstmlib's GRU (and torch's): a large positive b_z keeps h0
    keep = ex.apply_recipe(ex.make_model("gru", 10, H, 2), ex.Recipe("gru", gate_bias=30.0)).to_params()
    h0 = np.random.default_rng(0).normal(size=(4, H))
    x = np.random.default_rng(1).normal(size=(20, 4, 10))
    assert np.allclose(gru_forward(keep, x, h0).h[-1], h0, atol=1e-6)
    forget = ex.apply_recipe(ex.make_model("gru", 10, H, 2), ex.Recipe("gru", gate_bias=-30.0)).to_params()
    assert not np.allclose(gru_forward(forget, x, h0).h[-1], h0, atol=1e-2)


def test_irnn_starts_at_the_identity_with_relu_and_clipping():
    m = ex.make_model("rnn", 10, H, 2, recipe="irnn", dtype=torch.float32)
    assert torch.equal(m.rnn.weight_hh_l0.detach(), torch.eye(H))
    assert not m.rnn.bias_ih_l0.detach().any() and not m.rnn.bias_hh_l0.detach().any()
    assert m.rnn.nonlinearity == "relu" and ex.RECIPES["irnn"].clip == 1.0
    x = torch.rand(5, 3, 10)
    y, h = m(x)
    assert (h >= 0).all()                                                         # relu states
    with pytest.raises(ValueError):
        m.to_params()                                                             # numpy has no relu RNN


def test_orthogonal_recurrent_matrix():
    W = ex.make_model("rnn", 10, H, 2, recipe="rnn-orthogonal", seed=3).rnn.weight_hh_l0.detach().numpy()
    assert np.allclose(W @ W.T, np.eye(H), atol=1e-10) and not np.allclose(W, np.eye(H))
    W2 = ex.make_model("rnn", 10, H, 2, recipe="rnn-orthogonal", seed=3).rnn.weight_hh_l0.detach().numpy()
    assert np.array_equal(W, W2)


def test_run_memory_task_uses_the_recipe_clip(monkeypatch):
    seen = {}
    real = ex.train

    def spy(model, batches, **kw):
        seen.update(kw, bias=model.rnn.bias_ih_l0.detach().clone())
        return real(model, batches, **kw)
    monkeypatch.setattr(ex, "train", spy)
    r = ex.run_memory_task("lstm", 5, steps=3, H=H, recipe="lstm-forget-bias", n_test=10)
    assert seen["clip"] == 1.0 and torch.all(seen["bias"][H:2 * H] == 3.0) and r.recipe == "lstm-forget-bias"


# ------------------------------------------------------------------ curriculum
def test_curriculum_passes_only_with_enough_accurate_batches():
    c = ex.Curriculum((5, 10), threshold=0.9, window=4)
    assert not c.passed([1.0, 1.0, 1.0])                    # fewer than window batches
    assert c.passed([0.0, 1.0, 1.0, 0.9, 0.9]) and not c.passed([1.0, 1.0, 1.0, 0.5])


def test_train_curriculum_lengthens_when_the_running_accuracy_passes():
    c = ex.Curriculum((5, 10, 20), threshold=0.9, window=20)
    r = ex.train_curriculum("lstm-forget-bias", c, steps=200, seed=0, lr=1e-2, H=8, n_test=50)
    assert r.passed, "the LSTM should pass T = 5 within 200 steps"
    for T, step in r.passed.items():
        level = c.lengths.index(T)
        at = np.flatnonzero(r.lengths == T)
        assert at[-1] + 1 == step                                   # last step at T is the passing one
        assert r.accuracy[step - c.window:step].mean() >= c.threshold
        if step < len(r.lengths):
            assert r.lengths[step] == c.lengths[level + 1]          # lengthened right after
    first = np.flatnonzero(r.lengths == 5)
    for s in range(c.window, len(first)):                           # never earlier than the threshold allows
        assert r.accuracy[s - c.window:s].mean() < c.threshold
    short = ex.train_curriculum("lstm-forget-bias", c, steps=30, seed=0, lr=1e-2, H=8, n_test=50)
    assert np.array_equal(short.history, r.history[:30])          # a shorter run is the start of a longer one


def test_train_curriculum_without_passing_stays_at_the_first_length():
    c = ex.Curriculum((5, 10), threshold=1.0, window=10_000)
    r = ex.train_curriculum("rnn-default", c, steps=20, seed=0, H=4, n_test=20)
    assert r.passed == {} and r.reached == 0 and set(r.lengths) == {5} and set(r.test) == {5, 10}


# ------------------------------------------------------------------ one budget, bad options
def test_every_recipe_gets_the_same_budget_and_grid():
    cfg = ex.MEMORY_SWEEP
    data = json.loads(SHIPPED.read_text())
    for part, tuning in (("fixed", "tuning"), ("adding", "tuning_adding")):
        assert set(data[tuning]) == set(cfg[part]["recipes"])
        for rec, t in data[tuning].items():
            assert sorted(float(k) for k in t["scores"]) == sorted(cfg["lr_grid"]) and t["lr"] in cfg["lr_grid"]
    for part in ("fixed", "adding"):
        for rec, v in data[part].items():
            assert len(v["scores"]) == len(cfg["seeds"]) >= 5
    for rec, v in data["curriculum"].items():
        assert [r["seed"] for r in v["runs"]] == cfg["seeds"]
        assert all(r["steps_used"] <= cfg["curriculum"]["steps"] for r in v["runs"])
    for rec, v in data["direct"].items():
        assert all(len(s) == len(cfg["seeds"]) for s in v["scores"].values())


@pytest.mark.parametrize("make", [
    lambda: ex.Recipe("rnn", gate_bias=1.0),
    lambda: ex.Recipe("lstm", recurrent_init="identity"),
    lambda: ex.Recipe("gru", activation="relu"),
    lambda: ex.Recipe("rnn", recurrent_init="xavier"),
    lambda: ex.Recipe("cnn"),
    lambda: ex.Recipe("lstm", gate_bias=float("nan")),
    lambda: ex.Recipe("lstm", clip=-1.0),
    lambda: ex.Curriculum((10, 5)),
    lambda: ex.Curriculum(()),
    lambda: ex.Curriculum((1, 5)),
    lambda: ex.Curriculum((5, 10), threshold=1.5),
    lambda: ex.Curriculum((5, 10), window=0),
    lambda: ex.make_model("gru", 10, 4, 2, recipe="lstm-forget-bias"),
    lambda: ex.make_model("lstm", 10, 4, 2, recipe="lstm-forget-bias", forget_bias=1.0),
    lambda: ex.make_model("lstm", 10, 4, 2, recipe="no-such-recipe"),
    lambda: ex.apply_recipe(ex.make_model("gru", 10, 4, 2), "irnn"),
    lambda: ex.run_memory_task("lstm", 5, steps=2, recipe="lstm-forget-bias", clip=1.0),
    lambda: ex.train_curriculum(None, ex.Curriculum((5,)), steps=2),
    lambda: ex.train_curriculum("irnn", (5, 10), steps=2),
    lambda: ex.train_curriculum("irnn", ex.Curriculum((5,)), steps=0),
    lambda: ex.train_curriculum("irnn", ex.Curriculum((5,)), steps=2, lr=-1.0),
    lambda: ex.tune_lr("lstm", "lstm-forget-bias", [], T=5, seeds=[0]),
    lambda: ex.seed_summary([]),
    lambda: ex.solved_summary([1.0], task="copy"),
    lambda: ex.curriculum_summary([], [10]),
    lambda: ex.load_memory_sweep(ROOT / "no-such-file.json"),
])
def test_bad_options_raise(make):
    with pytest.raises(ValueError):
        make()


# ------------------------------------------------------------------ the shipped sweep
def test_shipped_sweep_matches_the_script_configuration():
    data = json.loads(SHIPPED.read_text())
    assert data["config"] == memory_sweep.config()
    m = data["manifest"]
    assert m["command"].endswith("tools/memory_sweep.py") and m["seconds"] > 0
    assert {"torch", "numpy", "python", "device", "started"} <= set(m)


def test_a_reduced_rerun_reproduces_shipped_entries():
    """Three cheap entries rerun here: the same verdicts (float32 kernels may move a score a little)."""
    data, cfg = json.loads(SHIPPED.read_text()), memory_sweep.config()
    lr = data["tuning"]["lstm-forget-bias"]["lr"]
    score = memory_sweep.fixed_run(cfg, "lstm-forget-bias", 0, lr)
    shipped = data["fixed"]["lstm-forget-bias"]["scores"][0]
    assert abs(score - shipped) < 0.02 or (score >= 0.99) == (shipped >= 0.99)
    lr = data["tuning"]["irnn"]["lr"]
    run = memory_sweep.curriculum_run(cfg, "irnn", 0, lr)
    shipped = data["curriculum"]["irnn"]["runs"][0]
    assert run["reached"] == shipped["reached"]
    for T, step in shipped["passed"].items():
        assert abs(run["passed"][T] - step) <= max(25, step // 5)
    lr = data["tuning_adding"]["lstm-forget-bias"]["lr"]
    mse = memory_sweep.adding_run(cfg, "lstm-forget-bias", 0, lr)
    assert (mse < 0.01) == (data["adding"]["lstm-forget-bias"]["scores"][0] < 0.01)
