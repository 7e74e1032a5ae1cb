"""Sequence to sequence: the number-words task, the encoder-decoder, teacher forcing, greedy and beam search."""
from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch

from lstmlib.data.seq2seq import (decode_target, encode_pairs, number_task, number_words, seq2seq_vocabs,
                                  words_to_number)
from lstmlib.torchside.seq2seq import (Seq2Seq, beam_search, exact_match, greedy_decode, model_step,
                                       sequence_logprob, table_step, train_seq2seq, translate)

SV, TV = seq2seq_vocabs()


# ----------------------------------------------------------------------------- data
@pytest.mark.parametrize("n, words", [(0, "zero"), (13, "thirteen"), (40, "forty"), (105, "one hundred five"),
                                      (1_000_005, "one million five"),
                                      (342_701, "three hundred forty two thousand seven hundred one")])
def test_number_words_known_cases(n, words):
    assert " ".join(number_words(n)) == words
    assert words_to_number(words.split()) == n


def test_number_words_round_trip():
    rng = np.random.default_rng(1)
    for n in list(range(1200)) + rng.integers(0, 999_999_999, size=2000).tolist() + [999_999_999]:
        assert words_to_number(number_words(n)) == n


def test_task_is_deterministic_and_held_out():
    a = number_task(300, 100, rng=np.random.default_rng(5))
    b = number_task(300, 100, rng=np.random.default_rng(5))
    assert a == b
    assert a != number_task(300, 100, rng=np.random.default_rng(6))
    assert not set(a.train_tgt) & set(a.test_tgt)
    for src, tgt in zip(a.train_src + a.test_src, a.train_tgt + a.test_tgt):
        assert words_to_number(src) == int(tgt) and str(int(tgt)) == tgt
    lengths = {len(t) for t in a.train_tgt}
    assert lengths == set(range(1, 10))                           # every digit count occurs


def test_encode_pairs_and_decode_round_trip():
    task = number_task(20, 5, rng=np.random.default_rng(0), max_digits=4)
    src, lengths, tgt = encode_pairs(SV, TV, task.train_src, task.train_tgt)
    assert src.shape == (max(map(len, task.train_src)), 20) and tgt.shape == (max(map(len, task.train_tgt)) + 2, 20)
    for n in range(20):
        assert [SV.tokens[i] for i in src[:lengths[n], n]] == task.train_src[n]
        assert (src[lengths[n]:, n] == 0).all()
        assert decode_target(TV, tgt[1:, n]) == task.train_tgt[n]


@pytest.mark.parametrize("call", [
    lambda: number_words(-1), lambda: number_words(10 ** 9), lambda: number_words(2.0), lambda: number_words(True),
    lambda: words_to_number(["one", "banana"]), lambda: words_to_number("one"), lambda: words_to_number([]),
    lambda: number_task(0, 5, rng=np.random.default_rng(0)),
    lambda: number_task(5, 5, rng=np.random.default_rng(0), max_digits=10),
    lambda: number_task(5, 5, rng=0),
    lambda: encode_pairs(SV, TV, [["one", "banana"]]),
    lambda: encode_pairs(SV, TV, [["one"]], ["1x"]),
    lambda: encode_pairs(SV, TV, [["one"]], ["1", "2"]),
    lambda: encode_pairs(SV, TV, []),
    lambda: decode_target(TV, [99]),
])
def test_data_bad_input(call):
    with pytest.raises(ValueError):
        call()


# ----------------------------------------------------------------------------- model
def small_model(attention=None, G=2, seed=0):
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        return Seq2Seq(len(SV), len(TV), E=8, H=16, attention=attention, G=G).double()


@pytest.fixture(scope="module")
def batch():
    task = number_task(6, 2, rng=np.random.default_rng(0), max_digits=5)
    return task, *encode_pairs(SV, TV, task.train_src, task.train_tgt)


@pytest.mark.parametrize("attention", [None, "dot", "additive"])
def test_shapes(batch, attention):
    task, src, lengths, tgt = batch
    model = small_model(attention, G=3)
    (m, mask, keys), (h, c) = model.encode(torch.as_tensor(src), lengths)
    S, N = src.shape
    assert m.shape == keys.shape == (S, 3, N, 16) and mask.shape == (S, 1, N) and h.shape == c.shape == (3, N, 16)
    assert model(torch.as_tensor(src), lengths, torch.as_tensor(tgt[:-1])).shape == (tgt.shape[0] - 1, 3, N, len(TV))
    ids, logp = greedy_decode(model, src, lengths, TV, max_len=7)
    assert ids.shape == (7, 3, N) and logp.shape == (3, N) and (logp < 0).all()
    assert sequence_logprob(model, src, lengths, tgt).shape == (3, N)
    if attention:
        alpha, z = model.attend((m, mask, keys), h)
        assert alpha.shape == (S, 3, N) and z.shape == (3, N, 16)
        assert torch.allclose(alpha.sum(0), torch.ones(3, N, dtype=alpha.dtype))
        assert (alpha[~mask.expand(-1, 3, -1)] == 0).all()        # no attention on padding


def test_padding_does_not_change_the_encoding(batch):
    """An example encoded alone (no padding) and inside a padded batch gives the same last state."""
    task, src, lengths, tgt = batch
    model = small_model("dot")
    _, (h, _) = model.encode(torch.as_tensor(src), lengths)
    n = int(np.argmin(lengths))
    _, (h1, _) = model.encode(torch.as_tensor(src[:lengths[n], n:n + 1]), lengths[n:n + 1])
    assert torch.allclose(h[:, n], h1[:, 0])


def test_members_are_independent_models(batch):
    task, src, lengths, tgt = batch
    model = small_model("additive", G=3)
    together = sequence_logprob(model, src, lengths, tgt)
    for g in range(3):
        np.testing.assert_allclose(sequence_logprob(model.member(g), src, lengths, tgt)[0], together[g])
    assert not np.allclose(together[0], together[1])


def test_members_of_a_float64_model_stay_float64(batch):
    """A model trained in float64 (for outputs that are the same on any CPU) hands out float64 members."""
    task, src, lengths, tgt = batch
    model = small_model("additive", G=2).double()
    one = model.member(1)
    assert all(p.dtype == torch.float64 for p in one.parameters())
    assert all(torch.equal(v, model.state_dict()[k][1:2]) for k, v in one.state_dict().items())
    np.testing.assert_allclose(sequence_logprob(one, src, lengths, tgt)[0], sequence_logprob(model, src, lengths, tgt)[1],
                               rtol=1e-13)


def test_greedy_logprob_is_the_models_score_of_its_output(batch):
    task, src, lengths, tgt = batch
    model = small_model("dot", G=1)
    ids, logp = greedy_decode(model, src, lengths, TV, max_len=12)
    end, checked = TV.index["<end>"], 0
    for n in range(src.shape[1]):
        seq = list(ids[:, 0, n])
        if end not in seq or min(seq[:seq.index(end)], default=3) < 3:     # unfinished, or <pad>/<start> inside
            continue
        _, _, t = encode_pairs(SV, TV, [task.train_src[n]], [decode_target(TV, ids[:, 0, n])])
        np.testing.assert_allclose(sequence_logprob(model, src[:, n:n + 1], lengths[n:n + 1], t)[0, 0], logp[0, n])
        checked += 1
    assert checked >= 1


# ----------------------------------------------------------------------------- beam search
def random_table(K, depth, rng):
    """Next-token probabilities after every prefix of at most ``depth`` tokens; token 0 ends a sequence."""
    table = {}
    for L in range(depth + 1):
        for prefix in itertools.product(range(1, K), repeat=L):
            p = rng.dirichlet(np.full(K, 0.5))
            table[prefix] = p if L < depth else np.eye(K)[0]      # at full depth: end
    return table


def brute_force(table, K, depth):
    """Every complete sequence and its log-probability."""
    out = []
    for L in range(depth + 1):
        for prefix in itertools.product(range(1, K), repeat=L):
            lp = sum(np.log(table[prefix[:i]][prefix[i]]) for i in range(L)) + np.log(table[prefix][0])
            out.append((lp, list(prefix) + [0]))
    return sorted(out, key=lambda x: -x[0])


@pytest.mark.parametrize("seed", range(10))
def test_beam_search_with_every_hypothesis_finds_the_argmax(seed):
    K, depth = 3, 4
    table = random_table(K, depth, np.random.default_rng(seed))
    step, state = table_step(table, start=K)
    best = brute_force(table, K, depth)
    found = beam_search(step, state, start=K, end=0, width=K ** (depth + 1), max_len=depth + 1)
    assert found[0][1] == best[0][1] and np.isclose(found[0][0], best[0][0])
    np.testing.assert_allclose([f[0] for f in found[:10]], [b[0] for b in best[:10]])


def test_beam_width_one_is_greedy_on_a_table():
    rng = np.random.default_rng(0)
    for _ in range(20):
        table = random_table(4, 3, rng)
        step, state = table_step(table, start=4)
        seq, prefix, lp = [], (), 0.0
        while not seq or seq[-1] != 0:                            # greedy by hand
            k = int(np.argmax(table[prefix]))
            lp += np.log(table[prefix][k])
            seq.append(k)
            prefix += (k,)
        [(blp, bseq)] = beam_search(step, state, 4, 0, width=1, max_len=10)
        assert bseq == seq and np.isclose(blp, lp)


def test_beam_finds_what_greedy_misses():
    """The page's example: greedy takes the likelier first token and ends less probable."""
    table = {(): [0, .6, .4], (1,): [.4, .3, .3], (2,): [.9, .05, .05]} | {p: [1, 0, 0] for p in itertools.product((1, 2), repeat=2)}
    step, state = table_step(table, start=3)
    assert beam_search(step, state, 3, 0, 1, 3)[0][1] == [1, 0]
    (lp, seq), _ = beam_search(step, state, 3, 0, 2, 3)
    assert seq == [2, 0] and np.isclose(lp, np.log(0.36))


@pytest.fixture(scope="module")
def trained():
    """A small model trained briefly: the fast learning test and the beam tests share it."""
    task = number_task(2000, 200, rng=np.random.default_rng(0), max_digits=3)
    src, lengths, tgt = encode_pairs(SV, TV, task.train_src, task.train_tgt)
    torch.manual_seed(0)
    model = Seq2Seq(len(SV), len(TV), E=16, H=32, attention="dot", G=1)
    with_threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        losses = train_seq2seq(model, src, lengths, tgt, steps=150, batch=32, lr=1e-2, progress=False)
    finally:
        torch.set_num_threads(with_threads)
    return task, model, losses


def test_small_model_learns_the_task(trained):
    task, model, losses = trained
    assert losses.shape == (150, 1) and losses[-20:].mean() < 0.5 * losses[:5].mean()
    acc = exact_match(translate(model, SV, TV, task.test_src)[0], task.test_tgt)
    assert acc > 0.6, acc


def test_beam_on_the_trained_model(trained):
    task, model, _ = trained
    src, lengths = encode_pairs(SV, TV, task.test_src[:40])
    ids, greedy_lp = greedy_decode(model, src, lengths, TV, max_len=6)
    start, end = TV.index["<start>"], TV.index["<end>"]
    for n in range(40):
        step, state = model_step(model, src, lengths, n)
        one = beam_search(step, state, start, end, 1, 6)
        assert one[0][1] == list(ids[:list(ids[:, 0, n]).index(end) + 1, 0, n])   # width 1 = greedy
        assert np.isclose(one[0][0], greedy_lp[0, n])
        five = beam_search(step, state, start, end, 5, 6)
        scores = [lp for lp, _ in five]
        assert scores == sorted(scores, reverse=True) and len(five) == 5
        assert scores[0] >= greedy_lp[0, n] - 1e-5     # on these inputs: never worse (float32 sums)
        _, _, t = encode_pairs(SV, TV, [task.test_src[n]], [decode_target(TV, five[0][1])])
        assert np.isclose(sequence_logprob(model, src[:, n:n + 1], lengths[n:n + 1], t)[0, 0], scores[0])


def test_teacher_forcing_ratio(batch):
    task, src, lengths, tgt = batch
    model = small_model(None, G=1)
    s, t = torch.as_tensor(src), torch.as_tensor(tgt[:-1])
    forced = model(s, lengths, t, ratio=1.0)
    own = model(s, lengths, t, ratio=0.0)
    assert torch.allclose(forced[0], own[0])                      # the first step reads <start> either way
    assert not torch.allclose(forced, own)
    # ratio 0: every step reads the previous step's arg-max, which is what greedy decoding does
    ids, _ = greedy_decode(model, src, lengths, TV, max_len=t.shape[0])
    assert (own.argmax(-1)[:, 0].numpy() == ids[:, 0]).all()
    for bad in (-0.1, 1.5, "half", None):
        with pytest.raises(ValueError):
            model(s, lengths, t, ratio=bad)
        with pytest.raises(ValueError):
            train_seq2seq(model, src, lengths, tgt, steps=1, ratio=bad, progress=False)


@pytest.mark.parametrize("call", [
    lambda: Seq2Seq(10, 5, attention="multiplicative"),
    lambda: Seq2Seq(0, 5),
    lambda: Seq2Seq(10, 5, G=0),
    lambda: Seq2Seq(10, 5).member(1),
    lambda: train_seq2seq("model", np.zeros((2, 2)), [1, 1], np.zeros((3, 2))),
    lambda: train_seq2seq(Seq2Seq(len(SV), len(TV)), np.ones((2, 3), int), [1, 1, 1], np.ones((3, 2), int)),
    lambda: train_seq2seq(Seq2Seq(len(SV), len(TV)), np.ones((2, 3), int), [1, 1, 1], np.ones((3, 3), int), steps=0),
    lambda: beam_search(lambda t, s: None, (), 1, 0, width=0, max_len=3),
    lambda: beam_search(lambda t, s: None, (), 1, 0, width=2, max_len=0),
    lambda: table_step({(1,): [1.0]}, start=2),
    lambda: model_step(Seq2Seq(len(SV), len(TV)), np.ones((2, 3), int), [1, 1, 1], n=3),
    lambda: exact_match(["1"], ["1", "2"]),
    lambda: exact_match("12", "12"),
    lambda: translate(Seq2Seq(len(SV), len(TV)), SV, TV, [["one"]], width=0),
])
def test_model_bad_input(call):
    with pytest.raises(ValueError):
        call()


def test_exact_match():
    assert exact_match(["12", "3", "45"], ["12", "4", "45"]) == pytest.approx(2 / 3)
