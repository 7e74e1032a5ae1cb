"""n-gram baselines and perplexity (lstmlib.core.ngram)."""
import numpy as np
import pytest

from lstmlib.core.ngram import ngram_nats_per_char, perplexity


def test_unigram_of_uniform_symbols_is_ln_k():
    rng = np.random.default_rng(0)
    K = 8
    train, val = rng.integers(0, K, 200_000), rng.integers(0, K, 50_000)
    assert ngram_nats_per_char(train, val, K, n=1) == pytest.approx(np.log(K), abs=2e-3)
    assert perplexity(ngram_nats_per_char(train, val, K, n=1)) == pytest.approx(K, rel=3e-3)


def test_bigram_learns_a_deterministic_cycle_and_the_unigram_cannot():
    K = 5
    cycle = np.arange(10_000) % K
    uni = ngram_nats_per_char(cycle, cycle[:1000], K, n=1)
    bi = ngram_nats_per_char(cycle, cycle[:1000], K, n=2, alpha=1e-6)
    assert uni == pytest.approx(np.log(K), abs=1e-3) and bi < 1e-5


def test_probabilities_by_hand():
    # train "0 1 0 1 1": pairs 0->1 twice, 1->0 once, 1->1 once; add-one over K = 2
    train, val = np.array([0, 1, 0, 1, 1]), np.array([0, 1, 1])
    p01, p11 = 3 / 4, 2 / 4
    assert ngram_nats_per_char(train, val, 2, n=2) == pytest.approx(-(np.log(p01) + np.log(p11)) / 2)
    assert ngram_nats_per_char(train, val, 2, n=1) == pytest.approx(-np.log(4 / 7))  # counts 2+1, 3+1


@pytest.mark.parametrize("call, message", [
    (lambda: ngram_nats_per_char([0, 1], [0, 1], 2, n=3), "n must be 1"),
    (lambda: ngram_nats_per_char([0, 5], [0, 1], 2), "train_ids must hold ids in 0..1"),
    (lambda: ngram_nats_per_char([0.0, 1.0], [0, 1], 2), "1-D integer array"),
    (lambda: ngram_nats_per_char([0, 1], [0, 1], 2, alpha=0), "alpha must be"),
    (lambda: perplexity(-1.0), "nats must be"),
])
def test_bad_input_says_what_was_expected(call, message):
    with pytest.raises(ValueError, match=message):
        call()
