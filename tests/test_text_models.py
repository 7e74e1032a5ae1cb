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


# ---------------------------------------------------------------------------- a fair sentiment comparison
def _keyword_data(n, seed, flip=0.0):
    rng = np.random.default_rng(seed)
    toks = [[str(w) for w in rng.choice(["good", "bad", "film", "plot", "the"], size=rng.integers(2, 6))]
            for _ in range(n)]
    labels = np.array([t.count("good") >= t.count("bad") for t in toks], dtype=np.int64)
    labels ^= (rng.random(n) < flip).astype(np.int64)
    return toks, labels


def test_bag_of_words_model_is_logistic_regression_on_counts():
    toks, _ = _keyword_data(20, 0)
    v = tm.build_word_vocab(toks, min_count=1)
    ids, lengths = tm.encode_padded(v, toks)
    torch.manual_seed(0)
    model = tm.BagOfWordsModel(len(v))
    assert float(model.weight.weight.detach().abs().sum()) == 0.0                 # starts at zero, like logistic regression
    with torch.no_grad():
        model.weight.weight[1:].normal_()
        model.bias.normal_()
        y = model(torch.as_tensor(ids), torch.as_tensor(lengths)).double().numpy()
    X = tm.bag_of_words(v, toks).toarray()
    W, b = model.weight.weight.detach().double().numpy(), model.bias.detach().double().numpy()
    assert np.allclose(y, X @ W + b, atol=1e-5)
    with pytest.raises(ValueError, match="V must be"):
        tm.BagOfWordsModel(0)


def _ppmi_by_hand(v, toks, window, smoothing):
    V = len(v)
    C = np.zeros((V, V))
    for t in toks:
        s = [v.index.get(w, 1) for w in t]
        for i in range(len(s)):
            for j in range(len(s)):
                if i != j and abs(i - j) <= window and s[i] > 1 and s[j] > 1:
                    C[s[i], s[j]] += 1
    Pc = C.sum(0) ** smoothing
    with np.errstate(divide="ignore", invalid="ignore"):
        pmi = np.log(C * Pc.sum() / (C.sum(1, keepdims=True) * Pc[None, :]))
    return np.where(np.isfinite(pmi) & (pmi > 0), pmi, 0.0)


def test_cooccurrence_embedding_is_the_svd_of_ppmi():
    toks, _ = _keyword_data(200, 1)
    toks += [["a", "b", "c", "d", "e", "f", "g"]] * 5 + [["g", "e", "c", "a"]] * 3
    v = tm.build_word_vocab(toks, min_count=1)
    E = 4
    W = tm.cooccurrence_embedding(v, toks, E=E, window=2, smoothing=0.75)
    assert W.shape == (len(v), E) and np.all(W[:2] == 0)
    assert np.isclose(W[np.abs(W).sum(1) > 0].std(), 1.0)
    # W = U_E sqrt(s_E) / scale, so W^T W = diag(s_E) / scale^2: diagonal, proportional to PPMI's top singular values
    s = np.linalg.svd(_ppmi_by_hand(v, toks, 2, 0.75), compute_uv=False)[:E]
    G = W.T @ W
    assert np.allclose(G - np.diag(np.diag(G)), 0, atol=1e-6 * G.max())
    assert np.allclose(np.diag(G) / np.diag(G)[0], s / s[0], rtol=1e-4)
    with pytest.raises(ValueError, match="E must be smaller"):
        tm.cooccurrence_embedding(v, toks, E=len(v))
    with pytest.raises(ValueError, match="smoothing must be"):
        tm.cooccurrence_embedding(v, toks, E=2, smoothing=0.0)


def test_cooccurrence_puts_words_of_the_same_contexts_together():
    toks = [["the", w, "film", "is", "long"] for w in ("good", "great")] * 20 + \
           [["a", "slow", "and", "dull", "plot"], ["plot", "slow", "dull", "a", "and"]] * 10
    v = tm.build_word_vocab(toks, min_count=1)
    W = tm.cooccurrence_embedding(v, toks, E=3, window=2)
    unit = W / np.linalg.norm(W, axis=1, keepdims=True).clip(1e-12)
    cos = lambda a, b: unit[v.index[a]] @ unit[v.index[b]]
    assert cos("good", "great") > 0.99 and abs(cos("good", "dull")) < 0.5


def test_copy_embedding_copies_every_row_but_padding():
    torch.manual_seed(0)
    model = tm.SentimentModel(V=6, E=3, H=2)
    W = np.arange(18.0).reshape(6, 3)
    assert tm.copy_embedding(model, W) is model
    got = model.embed.weight.detach().double().numpy()
    assert np.array_equal(got[1:], W[1:]) and np.all(got[0] == 0)
    assert model.embed.weight.requires_grad                              # it stays trainable
    with pytest.raises(ValueError, match=r"W must have the embedding's shape \(V, E\) = \(6, 3\)"):
        tm.copy_embedding(model, np.zeros((6, 4)))
    with pytest.raises(ValueError, match="model must be SentimentModel"):
        tm.copy_embedding(tm.BagOfWordsModel(6), W)


def _splits(v, seed):
    out = []
    for n, s in ((96, seed), (64, seed + 100), (64, seed + 200)):
        toks, labels = _keyword_data(n, s, flip=0.1)
        ids, lengths = tm.encode_padded(v, toks)
        out.append((ids, lengths, labels))
    return out


def test_train_early_stopped_gives_back_the_best_epoch():
    toks, _ = _keyword_data(50, 0)
    v = tm.build_word_vocab(toks, min_count=1)
    train, val, _ = _splits(v, 3)
    torch.manual_seed(0)
    with single_thread():
        model, epoch, curve = tm.train_early_stopped(tm.SentimentModel(len(v), 4, 4), tm.sentence_batches(*train, 16),
                                                     val, lr=3e-2, epochs=8, seed=0)
    assert len(curve) == 8 and epoch == int(np.argmax(curve)) + 1
    assert curve[-1] < max(curve)                     # this run peaks before its last epoch ...
    acc = np.mean(tm.predict_proba(model, val[0], val[1]).argmax(1) == val[2])
    assert acc == max(curve) > 0.7                    # ... and the weights of the peak come back
    with pytest.raises(ValueError, match="val must be a tuple"):
        tm.train_early_stopped(model, tm.sentence_batches(*train, 16), val[:2], lr=1e-2, epochs=1)


def test_tune_and_repeat_uses_one_grid_for_every_model():
    toks, _ = _keyword_data(50, 0)
    v = tm.build_word_vocab(toks, min_count=1)
    train, val, test = _splits(v, 5)
    batches = tm.sentence_batches(*train, 16)
    grid = {"lr": (3e-2, 1e-3), "epochs": 3}

    def maker(kind):
        def build(seed):
            torch.manual_seed(seed)
            return tm.BagOfWordsModel(len(v)) if kind == "bow" else tm.SentimentModel(len(v), 4, 4)
        return build

    with single_thread():
        res = {k: tm.tune_and_repeat(maker(k), batches, val, test, grid=grid, seeds=(0, 1, 2)) for k in ("bow", "lstm")}
    for r in res.values():
        assert sorted(r.tuning) == sorted(grid["lr"])                     # the same grid for both models
        assert r.lr == max(sorted(r.tuning), key=lambda lr: r.tuning[lr][1])
        assert len(r.test) == len(r.models) == 3 and r.seeds == (0, 1, 2)
        assert np.all((1 <= r.epochs) & (r.epochs <= 3))
        assert r.val[0] == r.tuning[r.lr][1]
        acc = [np.mean(tm.predict_proba(m, test[0], test[1]).argmax(1) == test[2]) for m in r.models]
        assert np.allclose(acc, r.test)
    assert res["bow"].test.mean() > 0.75
    with pytest.raises(ValueError, match="grid must be a dict"):
        tm.tune_and_repeat(maker("bow"), batches, val, test, grid={"lr": ()})
    with pytest.raises(ValueError, match="make_model must be a function"):
        tm.tune_and_repeat(None, batches, val, test)
    with pytest.raises(ValueError, match="seeds must hold"):
        tm.tune_and_repeat(maker("bow"), batches, val, test, seeds=())
