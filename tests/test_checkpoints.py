"""The trained character LSTMs shipped in lstmlib/checkpoints/ (issue 13): each loads with
weights_only=True, scores on its held-out text what its manifest says, and is what
tools/train_checkpoints.py would build."""
import json
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from lstmlib.data import CORPORA
from lstmlib.data.text import build_vocab, encode
from lstmlib.torchside import charlm

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import train_checkpoints as script  # noqa: E402

NAMES = sorted(script.CONFIGS)


def test_every_configured_model_is_shipped_and_nothing_else():
    assert charlm.available_checkpoints() == NAMES == ["python", "shakespeare"]


@pytest.mark.parametrize("name", NAMES)
def test_manifest_records_how_to_reproduce_it(name):
    m = json.loads((charlm.CHECKPOINT_DIR / f"{name}.json").read_text())
    cfg = script.CONFIGS[name]
    assert m["command"] == f"python tools/train_checkpoints.py --only {name}"
    assert m["corpus"] == cfg["corpus"] and m["corpus_release"] == CORPORA[cfg["corpus"]]
    assert {k: m["hyperparameters"][k] for k in cfg} == cfg
    assert m["split"]["train_chars"] + m["split"]["val_chars"] == m["corpus_chars"]
    for key in ("device", "torch", "train_seconds", "val_nats_per_char", "test_nats_per_char", "test_chars"):
        assert key in m
    assert (charlm.CHECKPOINT_DIR / f"{name}.pt").stat().st_size < 5_000_000


@pytest.mark.parametrize("name", NAMES)
def test_the_scripts_configuration_builds_the_checkpoints_shapes(name):
    cfg = script.CONFIGS[name]
    ck = charlm.load_checkpoint(name)
    fresh = charlm.CharLM(len(ck.vocab.tokens), E=cfg["E"], H=cfg["H"], layers=cfg["layers"])
    assert {k: v.shape for k, v in fresh.state_dict().items()} == \
        {k: v.shape for k, v in ck.model.state_dict().items()}
    state = torch.load(charlm.CHECKPOINT_DIR / f"{name}.pt", weights_only=True)
    assert all(v.dtype == torch.float16 for v in state.values())


@pytest.mark.parametrize("name", NAMES)
def test_held_out_loss_is_the_manifests(name):
    """Tolerant enough for any CPU's float32 kernels; far tighter than the gap to the baselines."""
    ck = charlm.load_checkpoint(name)
    text = script.load_corpus(script.CONFIGS[name]["corpus"])
    assert ck.vocab.tokens == build_vocab(text).tokens
    train, val = charlm.corpus_split(text, 0.05)
    assert len(val) == ck.manifest["split"]["val_chars"]
    got = charlm.nats_per_char(ck.model, encode(ck.vocab, val[:ck.manifest["test_chars"]]))
    assert got == pytest.approx(ck.manifest["test_nats_per_char"], abs=5e-3)
    assert got < 0.7 * np.log(len(ck.vocab.tokens))             # far from guessing


def test_float64_loading_and_sampling():
    """dtype=float64 gives float64 weights equal to the float32 ones (both widen the same float16), and a
    seeded torch.Generator draws the same text twice and on one or two threads."""
    f32, f64 = charlm.load_checkpoint("shakespeare"), charlm.load_checkpoint("shakespeare", dtype=torch.float64)
    assert all(v.dtype == torch.float64 for v in f64.model.state_dict().values() if v.is_floating_point())
    assert all(torch.equal(v.double(), f64.model.state_dict()[k]) for k, v in f32.model.state_dict().items())
    texts = []
    for threads in (1, 2, 1):
        old = torch.get_num_threads()
        torch.set_num_threads(threads)
        try:
            texts.append(charlm.sample_text(f64.model, f64.vocab, "ROMEO:\n", 150, temperature=1.0,
                                            rng=torch.Generator().manual_seed(0)))
        finally:
            torch.set_num_threads(old)
    assert texts[0] == texts[1] == texts[2]
    with pytest.raises(ValueError, match="dtype must be"):
        charlm.load_checkpoint("shakespeare", dtype=torch.float16)
