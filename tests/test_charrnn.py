"""lstmlib.charrnn: BPTT against finite differences and torch (float64), Adagrad, sampling, training, bad input."""
import dataclasses

import numpy as np
import pytest
import torch

from lstmlib.lectures import charrnn
from lstmlib.core.bptt import numerical_gradient
from lstmlib.core.losses import softmax
from lstmlib.lectures.charrnn import (CharRNNConfig, adagrad_step, char_loss_and_grads, init_char_rnn,
                                      sample, train_char_rnn)

TEXT = "hello world, hello rnn. " * 20


def small(seed=0, K=5, H=4, scale=0.5):
    return init_char_rnn(K, H, rng=np.random.default_rng(seed), scale=scale)


def test_loss_and_grads_match_finite_differences_and_torch():
    p = small()
    rng = np.random.default_rng(1)
    inputs, targets = rng.integers(0, 5, (6, 2)), rng.integers(0, 5, (6, 2))
    h0 = rng.normal(size=(2, 4)) * 0.3
    loss, grads, h_last = char_loss_and_grads(p, inputs, targets, h0)
    num = numerical_gradient(lambda q: char_loss_and_grads(q, inputs, targets, h0)[0], p)
    for n in p.names():
        np.testing.assert_allclose(getattr(grads, n), getattr(num, n), rtol=1e-6, atol=1e-8)
    # torch float64 twin of the same model and loss
    t = {n: torch.tensor(getattr(p, n), requires_grad=True) for n in p.names()}
    h, total = torch.tensor(h0), 0
    for s in range(6):
        h = torch.tanh(t["W_xh"][torch.tensor(inputs[s])] + h @ t["W_hh"] + t["b_h"])
        y = h @ t["W_hy"] + t["b_y"]
        total = total + torch.nn.functional.cross_entropy(y, torch.tensor(targets[s]))
    total.backward()
    assert loss == pytest.approx(total.item(), rel=1e-12)
    np.testing.assert_allclose(h_last, h.detach().numpy(), rtol=1e-12)
    for n in p.names():
        np.testing.assert_allclose(getattr(grads, n), t[n].grad.numpy(), rtol=1e-9, atol=1e-12)


def test_gradient_check_is_small():
    p = small()
    worst = charrnn.gradient_check(p, [[0], [1], [2], [3]], [[1], [2], [3], [4]], rng=np.random.default_rng(0))
    assert set(worst) == set(p.names()) and max(worst.values()) < 1e-6


def test_adagrad_step_formula():
    from lstmlib.core import optim
    assert adagrad_step is optim.adagrad_step          # one Adagrad in the book: lstmlib.core.optim's
    p, g = small(), small(seed=3)
    m = p.zeros_like()
    new, mem = adagrad_step(p, g, m, 0.1)
    for n in p.names():
        np.testing.assert_allclose(getattr(mem, n), getattr(g, n) ** 2)
        np.testing.assert_allclose(getattr(new, n), getattr(p, n) - 0.1 * getattr(g, n) / np.sqrt(getattr(g, n) ** 2 + 1e-8))


def test_sample_is_seeded_and_temperature_sharpens():
    p = small(scale=2.0)
    a = sample(p, 0, 50, rng=np.random.default_rng(5))
    b = sample(p, 0, 50, rng=np.random.default_rng(5))
    np.testing.assert_array_equal(a, b)
    assert a.shape == (50,) and a.min() >= 0 and a.max() < 5
    # the first draw follows softmax(y / temperature) from h = tanh(W_xh[seed])
    y = np.tanh(p.W_xh[0] + p.b_h) @ p.W_hy + p.b_y
    for temp in (0.5, 2.0):
        draws = [sample(p, 0, 1, rng=np.random.default_rng(s), temperature=temp)[0] for s in range(3000)]
        freq = np.bincount(draws, minlength=5) / 3000
        np.testing.assert_allclose(freq, softmax(y / temp), atol=0.03)
    cold = sample(p, 0, 200, rng=np.random.default_rng(1), temperature=0.01)
    hot = sample(p, 0, 200, rng=np.random.default_rng(1), temperature=100.0)
    assert len(set(cold[50:])) <= len(set(hot[50:]))


def test_training_lowers_the_loss_and_is_deterministic():
    cfg = CharRNNConfig(H=16, seq_length=10, batch=2)
    r1 = train_char_rnn(TEXT, 300, rng=np.random.default_rng(0), config=cfg, sample_at=(0, 10, 300), sample_len=30)
    r2 = train_char_rnn(TEXT, 300, rng=np.random.default_rng(0), config=cfg, sample_at=(0, 10, 300), sample_len=30)
    assert r1.samples == r2.samples and set(r1.samples) == {0, 10, 300}
    np.testing.assert_array_equal(r1.losses, r2.losses)
    assert r1.losses[-50:].mean() < 0.5 * r1.losses[:10].mean()
    # smoothing: s_i = 0.999 s_{i-1} + 0.001 loss_i from s_0 = T log K
    s0 = 10 * np.log(r1.vocab.K)
    assert r1.smooth_losses[0] == pytest.approx(0.999 * s0 + 0.001 * r1.losses[0])
    assert r1.smooth_losses[1] == pytest.approx(0.999 * r1.smooth_losses[0] + 0.001 * r1.losses[1])
    assert r1.h.shape == (2, 16)


def test_gradients_are_clipped(monkeypatch):
    seen = []
    orig = charrnn.clip_by_value

    def spy(g, limit):
        out = orig(g, limit)
        seen.append(max(np.abs(getattr(out, n)).max() for n in out.names()))
        return out
    monkeypatch.setattr(charrnn, "clip_by_value", spy)
    train_char_rnn(TEXT, 5, rng=np.random.default_rng(0), config=CharRNNConfig(H=8, seq_length=5, clip=1e-3))
    assert max(seen) <= 1e-3


def test_bad_input():
    p = small()
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="H must be an integer"):
        CharRNNConfig(H=0)
    with pytest.raises(ValueError, match="lr must be a finite number"):
        CharRNNConfig(lr=-1.0)
    with pytest.raises(ValueError, match="temperature must be"):
        sample(p, 0, 5, rng=rng, temperature=0)
    with pytest.raises(ValueError, match="seed_ix must be"):
        sample(p, 7, 5, rng=rng)
    with pytest.raises(ValueError, match="rng must be"):
        sample(p, 0, 5, rng=42)
    with pytest.raises(ValueError, match="same shape"):
        char_loss_and_grads(p, [[0], [1]], [[1]])
    with pytest.raises(ValueError, match="text too short"):
        train_char_rnn("abc", 3, rng=rng, config=CharRNNConfig(seq_length=25))
    with pytest.raises(ValueError, match="text must be a string"):
        train_char_rnn(42, 3, rng=rng)
    bad = dataclasses.replace(small(), W_hy=np.zeros((4, 3)), b_y=np.zeros(3))
    with pytest.raises(ValueError, match="D == K"):
        sample(bad, 0, 3, rng=rng)


def test_word_tokens():
    words = ("Harry met Sally . Sally met James . " * 30).split()
    r = train_char_rnn(words, 50, rng=np.random.default_rng(0), config=CharRNNConfig(H=8, seq_length=6),
                       sample_at=(50,), sample_len=5)
    assert r.vocab.K == 5 and len(r.samples[50].split(" ")) == 5


def test_char_rnn_nats_is_the_mean_next_character_loss():
    p = small(seed=3)
    ids = np.random.default_rng(4).integers(0, 5, 40)
    h, total = np.zeros((1, 4)), 0.0
    for t in range(39):                                          # the recurrence, step by step
        h = np.tanh(p.W_xh[ids[t]] + h @ p.W_hh + p.b_h)
        total -= np.log(softmax((h @ p.W_hy + p.b_y)[0])[ids[t + 1]])
    assert charrnn.char_rnn_nats(p, ids) == pytest.approx(total / 39, rel=1e-12)
    flat = dataclasses.replace(p, W_hy=np.zeros_like(p.W_hy), b_y=np.zeros_like(p.b_y))
    assert charrnn.char_rnn_nats(flat, ids) == pytest.approx(np.log(5), rel=1e-12)   # uniform guess: ln K
    with pytest.raises(ValueError, match="1-D integer"):
        charrnn.char_rnn_nats(p, np.array([0.5, 1.0]))
    with pytest.raises(ValueError, match=r"ids must lie in \[0, 5\)"):
        charrnn.char_rnn_nats(p, np.array([0, 5]))
