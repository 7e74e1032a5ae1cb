"""The book's one torch training loop (lstmlib.torchside.training.fit) and the models that use it."""
import ast
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

from lstmlib.torchside import training
from lstmlib.torchside.training import fit, seeded

ROOT = Path(__file__).resolve().parents[1]


def _problem(seed=0, n=64):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 3, generator=g, dtype=torch.float64)
    y = x @ torch.tensor([[1.0], [-2.0], [0.5]], dtype=torch.float64)
    return x, y


def _mse(model, x, y):
    return ((model(x) - y) ** 2).mean()


def _model(seed=0):
    with seeded(seed):
        return nn.Linear(3, 1).double()


def test_fit_learns_and_returns_every_step():
    x, y = _problem()
    batches = [(x[i:i + 16], y[i:i + 16]) for i in range(0, 64, 16)]
    history = fit(_model(), batches, _mse, epochs=30, lr=0.05, progress=False)
    assert len(history) == 30 * 4
    assert history[-1] < 1e-2 * history[0]


def test_same_seed_same_run_other_seed_other_order():
    x, y = _problem()
    batches = [(x[i:i + 8], y[i:i + 8]) for i in range(0, 64, 8)]
    a = fit(_model(), batches, _mse, epochs=3, lr=0.01, seed=1, progress=False)
    b = fit(_model(), batches, _mse, epochs=3, lr=0.01, seed=1, progress=False)
    c = fit(_model(), batches, _mse, epochs=3, lr=0.01, seed=2, progress=False)
    assert a == b and a != c
    d = fit(_model(), batches, _mse, epochs=1, lr=0.01, shuffle=False, progress=False)
    assert d[0] == pytest.approx(float(_mse(_model(), *batches[0]).detach()))


def test_a_batch_function_draws_a_new_list_each_epoch_with_the_seeded_generator():
    x, y = _problem()
    seen = []

    def draw(gen):
        assert isinstance(gen, torch.Generator)
        order = torch.randperm(64, generator=gen)
        seen.append(order[:4].tolist())
        return [(x[order[s:s + 32]], y[order[s:s + 32]]) for s in range(0, 64, 32)]

    history = fit(_model(), draw, _mse, epochs=3, lr=0.01, seed=5, progress=False)
    assert len(history) == 6 and len(seen) == 3 and seen[0] != seen[1]


def test_clipping_bounds_the_step():
    x, y = _problem()
    big = (x, 1e6 * y)
    m1, m2 = _model(), _model()
    w0 = m1.weight.detach().clone()
    fit(m1, [big], _mse, lr=1.0, optimizer="sgd", clip=1e-3, progress=False)
    fit(m2, [big], _mse, lr=1.0, optimizer="sgd", progress=False)
    step = torch.cat([(m1.weight - w0).flatten(), m1.bias.flatten() - _model().bias.flatten()]).norm()
    assert float(step) == pytest.approx(1e-3, rel=1e-6)
    assert float((m2.weight - w0).norm()) > 1.0


def test_the_model_comes_back_home_in_eval_mode():
    x, y = _problem()
    model = nn.Sequential(nn.Linear(3, 4), nn.Dropout(0.5), nn.Linear(4, 1)).double()
    fit(model, [(x, y)], _mse, progress=False, on="cpu")
    assert not model.training and next(model.parameters()).device == torch.device("cpu")


@pytest.mark.parametrize("kwargs, message", [
    (dict(epochs=0), "epochs"), (dict(lr=-1.0), "lr must be"), (dict(lr=float("nan")), "lr must be"),
    (dict(optimizer="rmsprop"), "optimizer"), (dict(clip=0.0), "clip must be None, a number > 0 or a function"),
    (dict(on="no-such-device"), "on must name a torch device")])
def test_bad_options_say_what_was_expected(kwargs, message):
    x, y = _problem()
    with pytest.raises(ValueError, match=message):
        fit(_model(), [(x, y)], _mse, progress=False, **kwargs)


def test_bad_arguments_say_what_was_expected():
    x, y = _problem()
    with pytest.raises(ValueError, match="model must be a torch.nn.Module"):
        fit("model", [(x, y)], _mse, progress=False)
    with pytest.raises(ValueError, match="batches must be a non-empty list"):
        fit(_model(), [], _mse, progress=False)
    with pytest.raises(ValueError, match="loss must be a function"):
        fit(_model(), [(x, y)], "mse", progress=False)
    with pytest.raises(ValueError, match="each batch must be a non-empty tuple"):
        fit(_model(), [x], _mse, progress=False)


def test_device_is_cuda_exactly_when_available(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert training.device() == torch.device("cpu")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert training.device() == torch.device("cuda")


def test_seeded_block_restores_the_callers_random_stream():
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    with seeded(0):
        inside = torch.rand(3)
    assert torch.equal(torch.rand(3), expected)
    with seeded(0):
        assert torch.equal(torch.rand(3), inside)


def test_only_the_training_module_builds_an_optimiser_or_steps_one():
    """One loop: no other module of lstmlib creates a torch optimiser or zeroes gradients between steps
    (backward() alone is fine elsewhere: the bridge reads gradients, it does not train)."""
    offenders = []
    for path in sorted((ROOT / "lstmlib").rglob("*.py")):
        if path.name == "training.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and (
                    node.attr in ("Adam", "SGD", "AdamW", "RMSprop", "Adagrad") and
                    isinstance(node.value, ast.Attribute) and node.value.attr == "optim"
                    or node.attr == "zero_grad"):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} .{node.attr}")
    assert not offenders, "training steps outside lstmlib/torchside/training.py: " + ", ".join(offenders)


@pytest.mark.parametrize("module, call", [
    ("cnn", "train_classifier"), ("text", "train_sentiment"), ("captioning", "train_captioner"),
    ("bridge", "train"), ("seq2seq", "train_seq2seq")])
def test_every_trainer_goes_through_fit(monkeypatch, module, call):
    import importlib
    mod = importlib.import_module(f"lstmlib.torchside.{module}")
    calls = []

    def spy(*args, **kwargs):
        calls.append(kwargs)
        return training.fit(*args, **kwargs)

    monkeypatch.setattr(mod, "fit", spy)
    rng = np.random.default_rng(0)
    if module == "cnn":
        mod.train_classifier(nn.Sequential(nn.Flatten(), nn.Linear(4, 2)),
                             rng.random((6, 1, 2, 2)), rng.integers(0, 2, 6), epochs=1, progress=False)
    elif module == "text":
        model = mod.SentimentModel(5, 4, 3)
        ids = rng.integers(1, 5, size=(3, 4))
        mod.train_sentiment(model, [(ids, np.array([3, 2, 3, 1]), np.array([0, 1, 0, 1]))], epochs=1,
                            progress=False)
    elif module == "captioning":
        vocab = mod.caption_vocab()
        model = mod.Captioner(vocab.K, E=4, F=4, H=8)
        ids = mod.encode_captions(vocab, [["0"], ["1", "left", "of", "2"]])
        mod.train_captioner(model, rng.random((2, 1, 16, 16)), ids, epochs=1, progress=False)
    elif module == "seq2seq":
        from lstmlib.data import encode_pairs, number_task, seq2seq_vocabs
        SV, TV = seq2seq_vocabs()
        task = number_task(20, 2, rng=np.random.default_rng(0), max_digits=2)
        src, lengths, tgt = encode_pairs(SV, TV, task.train_src, task.train_tgt)
        mod.train_seq2seq(mod.Seq2Seq(len(SV), len(TV), E=4, H=4), src, lengths, tgt, steps=2, batch=4,
                          progress=False)
    else:
        mod.train(mod.LSTMModel(2, 3, 2), [(rng.normal(size=(4, 5, 2)), rng.integers(0, 2, size=(4, 5)))],
                  progress=False)
    assert len(calls) == 1


def test_after_epoch_sees_every_epoch_and_the_model():
    x, y = _problem()
    seen = []

    def report(epoch, model):
        model.eval()                                   # fit puts it back in training mode
        seen.append((epoch, float(_mse(model, x, y).detach())))
        return {"mse": seen[-1][1]}

    fit(_model(), [(x, y)], _mse, epochs=4, lr=0.05, progress=False, after_epoch=report)
    assert [e for e, _ in seen] == [0, 1, 2, 3] and seen[-1][1] < seen[0][1]
    with pytest.raises(ValueError, match="after_epoch must be None or a function"):
        fit(_model(), [(x, y)], _mse, progress=False, after_epoch=3)


def test_after_epoch_can_stop_the_training_early():
    x, y = _problem()
    history = fit(_model(), [(x, y)], _mse, epochs=10, progress=False,
                  after_epoch=lambda epoch, model: training.STOP if epoch == 2 else None)
    assert len(history) == 3
