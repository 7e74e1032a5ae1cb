"""Tests of lstmlib.text_models: tokens, padding, the sentiment model, the char LSTM twin, code features."""

import numpy as np
import pytest
import torch

from lstmlib.torchside import text as tm
from lstmlib.torchside.training import single_thread
from lstmlib.data.text import Vocab


def test_tokenize_keeps_apostrophes_and_splits_punctuation():
    assert tm.tokenize("It doesn't FEEL like one.") == ["it", "doesn't", "feel", "like", "one", "."]
    with pytest.raises(ValueError, match="text must be a str"):
        tm.tokenize(3)


def test_vocab_orders_by_count_and_reserves_pad_unk():
    v = tm.build_word_vocab([["b", "a", "b"], ["c", "a", "b"]], min_count=2)
    assert v.tokens == (tm.PAD, tm.UNK, "b", "a")
    with pytest.raises(ValueError, match="min_count must be"):
        tm.build_word_vocab([["a"]], min_count=0)


def test_encode_padded_time_first_with_unk_and_cut():
    v = Vocab((tm.PAD, tm.UNK, "good", "film"))
    ids, lengths = tm.encode_padded(v, [["good", "film"], ["bad"], [], ["good"] * 5], max_len=3)
    assert ids.shape == (3, 4) and lengths.tolist() == [2, 1, 1, 3]
    assert ids[:, 0].tolist() == [2, 3, 0] and ids[0, 1] == 1 and ids[0, 2] == 1
    with pytest.raises(ValueError, match="max_len must be"):
        tm.encode_padded(v, [["good"]], max_len=0)


def test_bag_of_words_counts():
    v = Vocab((tm.PAD, tm.UNK, "good", "film"))
    X = tm.bag_of_words(v, [["good", "good", "film"], ["meh"]]).toarray()
    assert X.tolist() == [[0, 0, 2, 1], [0, 1, 0, 0]]


def test_sentiment_model_reads_the_last_real_word():
    torch.manual_seed(0)
    model = tm.SentimentModel(V=10, E=4, H=5)
    ids = torch.tensor([[2, 3], [4, 0], [5, 0]])            # (T, N): the second sentence has length 1
    y = model(ids, torch.tensor([3, 1]))
    alone = model(ids[:1, 1:], torch.tensor([1]))
    assert torch.allclose(y[1], alone[0])                  # padding after the last word changes nothing
    p = tm.prefix_proba(model, ids.numpy())
    assert p.shape == (3, 2, 2) and np.allclose(p.sum(2), 1)
    q = tm.predict_proba(model, ids.numpy(), np.array([3, 1]))
    assert np.allclose(q[0], p[2, 0], atol=1e-6) and np.allclose(q[1], p[0, 1], atol=1e-6)
    with pytest.raises(ValueError, match="kind must be one of"):
        tm.SentimentModel(V=10, kind="rnn")


def test_sentence_batches_sorted_and_cut():
    ids = np.array([[1, 2, 3], [1, 0, 3], [1, 0, 0]])
    b = tm.sentence_batches(ids, np.array([3, 1, 2]), np.array([0, 1, 0]), batch=2)
    assert [x[1].tolist() for x in b] == [[1, 2], [3]] and b[0][0].shape == (2, 2)
    with pytest.raises(ValueError, match="ids must be"):
        tm.sentence_batches(ids, np.array([3, 1]), np.array([0, 1]))


def test_train_sentiment_learns_a_keyword_and_repeats():
    rng = np.random.default_rng(0)
    toks = [["good" if rng.random() < 0.5 else "bad", "film"] for _ in range(64)]
    labels = np.array([t[0] == "good" for t in toks], dtype=np.int64)
    v = tm.build_word_vocab(toks)
    ids, lengths = tm.encode_padded(v, toks)
    runs = []
    for _ in range(2):
        torch.manual_seed(0)
        model = tm.SentimentModel(len(v), 4, 4)
        with single_thread():
            runs.append(tm.train_sentiment(model, tm.sentence_batches(ids, lengths, labels, 16), epochs=15,
                                           lr=3e-2, progress=False))
    assert runs[0] == runs[1]
    assert np.mean(tm.predict_proba(model, ids, lengths).argmax(1) == labels) == 1.0


def test_char_lstm_twin_matches_torch():
    run = tm.train_char_lstm("abcabcabd" * 20, H=6, T=8, N=4, epochs=1, progress=False)
    text = "abcabd"
    trace = tm.char_trace(run, text)
    x = torch.as_tensor(tm.one_hot(tm.encode(run.vocab, text), run.vocab.K)[:, None, :], dtype=torch.float32)
    with torch.no_grad():
        y = run.model(x)[0].double().numpy()
    assert np.allclose(trace.y, y, atol=1e-5)
    p = tm.next_char_proba(trace)
    assert p.shape == (6, run.vocab.K) and np.allclose(p.sum(1), 1)
    with pytest.raises(ValueError, match="never saw"):
        tm.char_trace(run, "xyz")
    with pytest.raises(ValueError, match="at least T \\+ 1"):
        tm.train_char_lstm("ab", T=8)


def test_char_lm_batches_are_next_character_pairs():
    idx = np.arange(21) % 5
    b = tm.char_lm_batches(idx, 5, T=4, N=3)
    assert len(b) == 2 and b[0][0].shape == (4, 3, 5) and b[1][0].shape == (4, 2, 5)
    assert np.array_equal(b[0][0][1:].argmax(2), b[0][1][:-1])


def test_code_features_by_hand():
    text = 'f(a, "x(#")  # c(\n  s = \'\'\'q\n(\'\'\'\n'
    f = tm.code_features(text)
    at = lambda k, i: f[k][i]
    assert [at("in_string", i) for i in range(5, 11)] == [1, 1, 1, 1, 0, 0]   # "x(#" then closing quote, ")"
    assert at("bracket_depth", 2) == 1 and at("bracket_depth", 7) == 1 and at("bracket_depth", 10) == 0
    assert at("in_comment", 13) == 1 and at("in_comment", 17) == 0 and at("bracket_depth", 16) == 0
    line2 = text.index("  s")
    assert at("indent", line2) == 1 and at("indent", line2 + 1) == 2 and at("indent", line2 + 4) == 2
    assert at("column", line2 - 1) == 0 and at("column", line2 + 2) == 3
    q = text.index("'''")
    assert at("in_string", q) == 1 and at("in_string", text.index("(", q)) == 1   # inside the triple quote
    assert at("bracket_depth", text.index("(", q)) == 0 and at("in_string", len(text) - 1) == 0
    with pytest.raises(ValueError, match="non-empty str"):
        tm.code_features("")


def test_correlations_match_numpy_and_handle_constants():
    rng = np.random.default_rng(0)
    v = rng.normal(size=(50, 3))
    v[:, 2] = 1.0
    feats = {"a": rng.normal(size=50), "b": np.zeros(50)}
    names, R = tm.correlations(v, feats)
    assert names == ["a", "b"] and R.shape == (2, 3)
    assert np.allclose(R[0, :2], [np.corrcoef(feats["a"], v[:, j])[0, 1] for j in range(2)])
    assert np.all(R[:, 2] == 0) and np.all(R[1] == 0)
    with pytest.raises(ValueError, match="T=50"):
        tm.correlations(v, {"a": np.zeros(3)})


@pytest.mark.parametrize("kind", list(tm.CELLS))
def test_fit_cell_runs_and_repeats(kind):
    a = tm.fit_cell(kind, 5, steps=5, H=3, n_test=20)
    b = tm.fit_cell(kind, 5, steps=5, H=3, n_test=20)
    assert np.array_equal(a.losses, b.losses) and a.score == b.score and 0 <= a.score <= 1


def test_fit_cell_learns_short_memory_and_adding():
    assert tm.fit_cell("lstm", 5, steps=150).score == 1.0
    assert tm.fit_cell("gru", 4, task="adding", steps=200, lr=2e-2).score < 0.1
    with pytest.raises(ValueError, match="kind must be one of"):
        tm.fit_cell("transformer", 5)


def test_fit_cell_forget_bias_and_param_counts():
    H, D, K = 8, 6, 2
    counts = {k: tm.fit_cell(k, 3, steps=1, n_test=2).n_params for k in tm.CELLS}
    lstm = 4 * (D * H + H * H + H) + H * K + K              # four gates + output layer
    assert counts["lstm"] == lstm
    assert counts["peephole"] == lstm + 3 * H                # three diagonal peepholes
    assert counts["coupled"] == counts["no_forget"] == lstm - (D * H + H * H + H)
    assert counts["gru"] == 3 * (D * H + H * H) + 4 * H + H * K + K   # b_r, b_z, b_xn, b_hn
    assert counts["rnn"] == D * H + H * H + H + H * K + K
