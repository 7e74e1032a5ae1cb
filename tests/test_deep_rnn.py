"""Stacked and bidirectional RNNs: parameter counts, the numpy forward against torch in float64, the
tagging task and its left-only ceiling, the batched tagger against the numpy equations, its training."""
from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch

from lstmlib.core.deep import (bidirectional_forward, hidden_for_budget, recurrent_parameter_count,
                               stacked_forward)
from lstmlib.core.lstm import LSTMParams
from lstmlib.core.rnn import RNNParams
from lstmlib.data.tagging import EARLIER, LATER, left_only_ceiling, left_only_guess, repeat_tags, repeat_task
from lstmlib.torchside.bridge import from_torch
from lstmlib.torchside.deep_rnn import DeepTagger, tag_accuracy, tagging_experiment, train_tagger

MODULES = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}


# ----------------------------------------------------------------------------- parameter counts
@pytest.mark.parametrize("cell, layers, bidirectional, D, H",
                         [(c, L, b, D, H) for c, L, b in itertools.product(MODULES, (1, 2, 3), (False, True))
                          for D, H in ((3, 5), (10, 20))])
def test_parameter_count_matches_torch(cell, layers, bidirectional, D, H):
    rnn = MODULES[cell](D, H, num_layers=layers, bidirectional=bidirectional)
    out = torch.nn.Linear(H * (2 if bidirectional else 1), 7)
    count = sum(p.numel() for p in rnn.parameters())
    assert recurrent_parameter_count(cell, D, H, layers, bidirectional) == count
    assert recurrent_parameter_count(cell, D, H, layers, bidirectional, K=7) == count + sum(
        p.numel() for p in out.parameters())


def test_parameter_count_with_one_bias_is_the_books_cells():
    for D, H in ((3, 5), (8, 2)):
        rng = np.random.default_rng(0)
        assert recurrent_parameter_count("lstm", D, H, biases=1, K=4) == LSTMParams.init(D, H, 4, rng=rng).size
        assert recurrent_parameter_count("rnn", D, H, biases=1) == RNNParams.init(D, H, rng=rng).size


def test_hidden_for_budget_is_the_closest():
    for budget, layers, bi in itertools.product((500, 2000, 3000, 5000), (1, 2), (False, True)):
        H = hidden_for_budget(budget, "lstm", 5, layers, bi, 2, 1)
        gap = lambda h: abs(recurrent_parameter_count("lstm", 5, h, layers, bi, 2, 1) - budget)
        assert all(gap(H) <= gap(h) for h in range(1, 80)), (budget, layers, bi, H)


@pytest.mark.parametrize("call", [lambda: recurrent_parameter_count("cnn", 3, 4),
                                  lambda: recurrent_parameter_count("lstm", 0, 4),
                                  lambda: recurrent_parameter_count("lstm", 3, 4, bidirectional="yes"),
                                  lambda: recurrent_parameter_count("lstm", 3, 4, layers=0),
                                  lambda: hidden_for_budget(0, "lstm", 3)])
def test_parameter_count_bad_input(call):
    with pytest.raises(ValueError):
        call()


# ----------------------------------------------------------------------------- numpy forward against torch
def _numpy_layers(module):
    return [(from_torch(module, layer=l), from_torch(module, layer=l, reverse=True)) if module.bidirectional
            else from_torch(module, layer=l) for l in range(module.num_layers)]


@pytest.mark.parametrize("cell, layers, bidirectional", list(itertools.product(MODULES, (1, 2, 3), (False, True))))
def test_stacked_forward_matches_torch_float64(cell, layers, bidirectional):
    torch.manual_seed(0)
    module = MODULES[cell](3, 4, num_layers=layers, bidirectional=bidirectional).double()
    x = np.random.default_rng(1).normal(size=(6, 2, 3))
    with torch.no_grad():
        out, _ = module(torch.as_tensor(x))
    states = stacked_forward(_numpy_layers(module), x)
    assert len(states) == layers
    assert states[-1].shape == tuple(out.shape) == (6, 2, 4 * (2 if bidirectional else 1))
    assert np.abs(states[-1] - out.numpy()).max() < 1e-12


def test_bidirectional_forward_is_two_directions_side_by_side():
    rng = np.random.default_rng(2)
    fwd, bwd = LSTMParams.init(3, 4, rng=rng), LSTMParams.init(3, 4, rng=rng)
    x = rng.normal(size=(5, 2, 3))
    trace = bidirectional_forward(fwd, bwd, x)
    assert trace.h.shape == (5, 2, 8)
    np.testing.assert_array_equal(trace.h[..., :4], stacked_forward([fwd], x)[0])
    np.testing.assert_array_equal(trace.h[..., 4:], stacked_forward([bwd], x[::-1])[0][::-1])
    # position 0 sees the last input only through the right-to-left half
    y = x.copy()
    y[-1] += 1.0
    other = bidirectional_forward(fwd, bwd, y).h
    np.testing.assert_array_equal(other[0, :, :4], trace.h[0, :, :4])
    assert np.abs(other[0, :, 4:] - trace.h[0, :, 4:]).min() > 0


def test_from_torch_reverse_reads_the_reverse_weights():
    module = torch.nn.LSTM(3, 4, bidirectional=True)
    with torch.no_grad():
        module.weight_ih_l0_reverse.fill_(0.5)
    assert np.all(from_torch(module, reverse=True).W_xf == 0.5)
    assert not np.all(from_torch(module).W_xf == 0.5)
    for bad in (dict(module=torch.nn.LSTM(3, 4), reverse=True), dict(module=module, reverse="yes"),
                dict(module=module, out=torch.nn.Linear(8, 2))):
        with pytest.raises(ValueError):
            from_torch(**bad)


@pytest.mark.parametrize("call", [lambda p: stacked_forward([], np.zeros((2, 1, 3))),
                                  lambda p: stacked_forward([p, p], np.zeros((2, 1, 3))),        # D mismatch above
                                  lambda p: stacked_forward([(p,)], np.zeros((2, 1, 3))),
                                  lambda p: bidirectional_forward(p, LSTMParams.init(3, 5, rng=np.random.default_rng(0)),
                                                                  np.zeros((2, 1, 3))),
                                  lambda p: bidirectional_forward(p, "p", np.zeros((2, 1, 3))),
                                  lambda p: bidirectional_forward(p, p, np.zeros((2, 3)))])
def test_deep_forward_bad_input(call):
    with pytest.raises(ValueError):
        call(LSTMParams.init(3, 4, rng=np.random.default_rng(0)))


# ----------------------------------------------------------------------------- the tagging task
def test_repeat_tags_against_a_loop():
    data = repeat_task(50, 9, 4, rng=np.random.default_rng(3))
    for n in range(data.N):
        seq = list(data.tokens[:, n])
        for t, tok in enumerate(seq):
            assert data.tags[t, n, LATER] == (tok in seq[t + 1:])
            assert data.tags[t, n, EARLIER] == (tok in seq[:t])
    assert data.tokens.max() < 4 and data.tags.shape == (9, 50, 2)
    np.testing.assert_array_equal(repeat_task(50, 9, 4, rng=np.random.default_rng(3)).tokens, data.tokens)


def test_left_only_ceiling_is_the_majority_guess():
    T, V = 8, 5
    data = repeat_task(40_000, T, V, rng=np.random.default_rng(4))
    rate = data.tags[..., LATER].mean(1)                                    # (T,) P(comes back) per position
    best = np.maximum(rate, 1 - rate)
    assert np.abs(best - left_only_ceiling(T, V)).max() < 0.01
    assert left_only_ceiling(T, V)[-1] == 1.0 and 0.5 <= left_only_ceiling(T, V).min()
    np.testing.assert_array_equal(left_only_guess(T, V), rate > 0.5)              # the majority answer
    scored = (data.tags[..., LATER] == left_only_guess(T, V)[:, None]).mean(1)
    assert np.abs(scored - left_only_ceiling(T, V)).max() < 0.01


@pytest.mark.parametrize("call", [lambda: repeat_tags(np.zeros((3, 2))), lambda: repeat_tags([1, 2]),
                                  lambda: repeat_task(0, rng=np.random.default_rng(0)),
                                  lambda: repeat_task(5, T=1, rng=np.random.default_rng(0)),
                                  lambda: repeat_task(5, rng=0), lambda: left_only_ceiling(8, 1)])
def test_tagging_bad_input(call):
    with pytest.raises(ValueError):
        call()


# ----------------------------------------------------------------------------- the batched tagger
def _member_layers(model, g):
    """Model g's LSTM layers as the book's numpy params (gates f, i, g, o side by side in W_x, W_h, b)."""
    s = model.sizes
    dirs, H = (2 if s["bidirectional"] else 1), s["H"]
    cells = []
    for k in range(s["layers"] * dirs):
        W_x, W_h, b = (p[k][g].detach().numpy() for p in (model.W_x, model.W_h, model.b))
        cells.append(LSTMParams(**{f"{n}{q}": w[..., j * H:(j + 1) * H] for n, w in (("W_x", W_x), ("W_h", W_h))
                                   for j, q in enumerate("figo")},
                                **{f"b_{q}": b[0, j * H:(j + 1) * H] for j, q in enumerate("figo")}))
    return [tuple(cells[k:k + 2]) for k in range(0, len(cells), 2)] if dirs == 2 else cells


@pytest.mark.parametrize("layers, bidirectional", list(itertools.product((1, 2), (False, True))))
def test_tagger_computes_the_books_equations(layers, bidirectional):
    model = DeepTagger(V=5, H=3, K=2, layers=layers, bidirectional=bidirectional, G=3, seed=1)
    tokens = np.random.default_rng(5).integers(0, 5, size=(7, 4))
    with torch.no_grad():
        y = model(tokens).numpy()                                                # (T, G, N, K)
        top = model.states(tokens)[-1].numpy()
    assert y.shape == (7, 3, 4, 2)
    for g in range(3):
        h = stacked_forward(_member_layers(model, g), np.eye(5)[tokens])[-1]     # one-hot x_t
        assert np.abs(h - top[:, g]).max() < 1e-12
        W_hy, b_y = model.W_hy[g].detach().numpy(), model.b_y[g].detach().numpy()
        assert np.abs(h @ W_hy + b_y - y[:, g]).max() < 1e-12
    assert model.parameter_count() * 3 == sum(p.numel() for p in model.parameters())


def test_training_learns_the_control_tag():
    data = repeat_task(600, 6, 3, rng=np.random.default_rng(6))
    model = DeepTagger(3, 8, 2, G=2)
    before = tag_accuracy(model, data)
    losses = train_tagger(model, data, steps=150, batch=32, lr=0.03, progress=False)
    after = tag_accuracy(model, data)
    assert losses.shape == (150, 2) and (losses[-10:].mean(0) < losses[:10].mean(0) - 0.1).all()
    assert after.shape == (2, 6, 2) and (after[..., EARLIER].mean(1) > before[..., EARLIER].mean(1) + 0.1).all()


def test_experiment_keeps_the_rate_with_the_best_median():
    rng = np.random.default_rng(7)
    train, val, test = (repeat_task(n, 5, 3, rng=rng) for n in (200, 100, 100))
    runs = tagging_experiment({"uni": (1, False, 4), "bi": (1, True, 3)}, train, val, test, lrs=(1e-3, 3e-2),
                              seeds=2, steps=20)
    for run in runs.values():
        assert run.val.shape == (2, 2) and run.test.shape == (2, 5, 2)
        assert run.lr == (1e-3, 3e-2)[int(np.argmax(np.median(run.val, 1)))]
    assert runs["bi"].params == recurrent_parameter_count("lstm", 3, 3, 1, True, 2, biases=1)


@pytest.mark.parametrize("call", [lambda m, d: DeepTagger(3, 4, 2, bidirectional=1),
                                  lambda m, d: DeepTagger(3, 0, 2),
                                  lambda m, d: train_tagger(m, d, steps=0),
                                  lambda m, d: train_tagger(m, d, clip=0),
                                  lambda m, d: train_tagger(m, repeat_task(5, 4, 9, rng=np.random.default_rng(0))),
                                  lambda m, d: tag_accuracy(m, "data"),
                                  lambda m, d: tagging_experiment({}, d, d, d),
                                  lambda m, d: tagging_experiment({"a": (1, False, 2)}, d, d, d, lrs=())])
def test_tagger_bad_input(call):
    with pytest.raises(ValueError):
        call(DeepTagger(3, 4, 2), repeat_task(5, 4, 3, rng=np.random.default_rng(0)))
