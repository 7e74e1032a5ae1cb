"""The optimiser race of II.5 (lstmlib.lectures.optimiser_race) and the split-out maths it prints."""
import numpy as np
import pytest

from lstmlib.core import losses, rnn
from lstmlib.core.optim import adagrad_step
from lstmlib.data import build_vocab, encode
from lstmlib.lectures import charrnn
from lstmlib.lectures.optimiser_race import OPTIMISERS, RaceConfig, race_grid, race_losses

TEXT = "the cat sat on the mat and the dog sat on the log " * 20
VOCAB = build_vocab(TEXT)
DATA = encode(VOCAB, TEXT)
SMALL = RaceConfig(H=8, seq_length=5, batch=2, updates=30, last=10)


def test_every_optimiser_learns_and_is_reproducible():
    for opt in OPTIMISERS:
        a = race_losses(DATA, VOCAB.K, opt, 0.03, 0, SMALL)
        assert a.shape == (30,)
        assert a[-10:].mean() < a[:3].mean() - 0.3, opt              # it learns something
        assert np.array_equal(a, race_losses(DATA, VOCAB.K, opt, 0.03, 0, SMALL))


def test_optimisers_and_seeds_differ():
    runs = [race_losses(DATA, VOCAB.K, opt, 0.03, 0, SMALL) for opt in OPTIMISERS]
    assert not np.allclose(runs[0], runs[1]) and not np.allclose(runs[1], runs[2])
    assert not np.allclose(runs[2], race_losses(DATA, VOCAB.K, "adam", 0.03, 1, SMALL))


def test_adagrad_run_matches_a_loop_written_out():
    """The race's Adagrad equals a plain loop of char_loss_and_grads, clipping and adagrad_step."""
    cfg = RaceConfig(H=8, seq_length=5, batch=1, updates=4, last=2)
    params = charrnn.init_char_rnn(VOCAB.K, 8, rng=np.random.default_rng(3), scale=cfg.init_scale)
    mem, h, want = params.zeros_like(), np.zeros((1, 8)), []
    for u in range(4):
        x, y = DATA[5 * u:5 * u + 5, None], DATA[5 * u + 1:5 * u + 6, None]
        loss, g, h = charrnn.char_loss_and_grads(params, x, y, h)
        params, mem = adagrad_step(params, charrnn.clip_by_value(g, 5.0), mem, 0.1)
        want.append(loss / 5)
    assert np.allclose(race_losses(DATA, VOCAB.K, "adagrad", 0.1, 3, cfg), want, rtol=0, atol=1e-12)


def test_grid_shape_and_divergence_scores_inf():
    g = race_grid(DATA, VOCAB.K, [0.01, 1e6], [0, 1], SMALL)
    assert g.shape == (3, 2, 2)
    assert np.isfinite(g[:, 0]).all()
    assert np.isinf(g[0, 1]).all() or (g[0, 1] > 10).all()           # SGD at lr 1e6 blows up


@pytest.mark.parametrize("kwargs, match", [(dict(optimiser="rmsprop"), "optimiser"), (dict(lr=0), "lr"),
                                           (dict(lr=float("nan")), "lr")])
def test_bad_arguments(kwargs, match):
    args = dict(data=DATA, K=VOCAB.K, optimiser="adam", lr=0.1, seed=0, config=SMALL) | kwargs
    with pytest.raises(ValueError, match=match):
        race_losses(**args)


def test_bad_config_and_grid():
    with pytest.raises(ValueError, match="last"):
        RaceConfig(updates=10, last=20)
    with pytest.raises(ValueError, match="non-empty"):
        race_grid(DATA, VOCAB.K, [], [0], SMALL)


def test_split_cores_are_what_the_public_functions_compute():
    rng = np.random.default_rng(0)
    y, t = rng.normal(size=(3, 2, 4)), rng.integers(0, 4, (3, 2))
    assert losses._softmax_cross_entropy(y, t)[0] == losses.softmax_cross_entropy(y, t)[0]
    p = rnn.RNNParams.init(3, 4, 2, rng=rng)
    tr = rnn.rnn_forward(p, rng.normal(size=(5, 2, 3)))
    dh = rng.normal(size=(5, 2, 4))
    a = rnn.rnn_backward(p, tr, dh=dh, k=2)
    b = rnn._rnn_backward_steps(p, tr, dh, k=2)
    assert np.array_equal(a.dparams.W_hh, b.dparams.W_hh) and np.array_equal(a.dh0, b.dh0)
