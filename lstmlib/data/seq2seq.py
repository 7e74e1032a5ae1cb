"""A sequence-to-sequence task that needs no download: numbers written in words -> their digits.

"three hundred forty two thousand seven hundred one" -> "342701". The source is a sequence of
words (S of them), the target a sequence of characters (the digits, T of them). Order matters
and the alignment is not one to one: "thousand" and "million" say where the digits before them
go, and missing parts must be written as zeros ("one million five" -> "1000005").

Shape letters: N examples, S source steps (words), T target steps (characters).

* :func:`number_words` and its inverse :func:`words_to_number` (the round trip is tested).
* :func:`number_task` draws a seeded training set and a held-out test set with no number in
  common; the number of digits is drawn uniformly, so short and long numbers are equally common.
* :func:`seq2seq_vocabs` and :func:`encode_pairs` turn word lists and digit strings into padded
  id arrays (time-first), using :class:`lstmlib.data.text.Vocab`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstmlib.core.validate import check_instance, check_positive_int
from lstmlib.data.text import Vocab

__all__ = ["PAD", "START", "END", "ONES", "TENS", "number_words", "words_to_number", "Seq2SeqTask",
           "number_task", "seq2seq_vocabs", "encode_pairs", "decode_target"]

PAD, START, END = "<pad>", "<start>", "<end>"
ONES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
        "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")
TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_SCALES = (("million", 1_000_000), ("thousand", 1000))
MAX_NUMBER = 999_999_999


def _below_thousand(n: int) -> list:
    words = []
    if n >= 100:
        words += [ONES[n // 100], "hundred"]
        n %= 100
    if n >= 20:
        words.append(TENS[n // 10])
        n %= 10
    if n:
        words.append(ONES[n])
    return words


def number_words(n: int) -> list:
    """The words of ``n`` (0 <= n <= 999,999,999), American style without "and" or hyphens.

    ``number_words(1_000_005) == ["one", "million", "five"]``.
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 0 <= n <= MAX_NUMBER:
        raise ValueError(f"n must be an integer in [0, {MAX_NUMBER}], got {n!r}")
    n = int(n)
    if n == 0:
        return ["zero"]
    words = []
    for name, size in _SCALES:
        if n >= size:
            words += _below_thousand(n // size) + [name]
            n %= size
    return words + _below_thousand(n)


def words_to_number(words) -> int:
    """The inverse of :func:`number_words`: ``words_to_number(["two", "hundred", "six"]) == 206``."""
    value = {w: i for i, w in enumerate(ONES)} | {w: 10 * i for i, w in enumerate(TENS) if w}
    if isinstance(words, str) or len(words) == 0:
        raise ValueError(f"words must be a non-empty list of number words, got {words!r:.60}")
    total, group = 0, 0
    for w in words:
        if w == "hundred":
            group *= 100
        elif w in ("thousand", "million"):
            total += group * (1000 if w == "thousand" else 1_000_000)
            group = 0
        elif w in value:
            group += value[w]
        else:
            raise ValueError(f"{w!r} is not a number word")
    return total + group


@dataclass(frozen=True)
class Seq2SeqTask:
    """Word lists (sources) and digit strings (targets) of a training and a held-out test set."""
    train_src: list
    train_tgt: list
    test_src: list
    test_tgt: list


def _draw_numbers(count: int, min_digits: int, max_digits: int, rng: np.random.Generator) -> np.ndarray:
    digits = rng.integers(min_digits, max_digits + 1, size=count)        # (count,) digit counts
    low = np.where(digits == 1, 0, 10 ** (digits - 1))
    return low + (rng.random(count) * (10 ** digits - low)).astype(np.int64)


def number_task(n_train: int, n_test: int, *, rng: np.random.Generator, min_digits: int = 1,
                max_digits: int = 9) -> Seq2SeqTask:
    """``n_train`` and ``n_test`` numbers in words and digits; no test number occurs in training.

    The number of digits is uniform on [min_digits, max_digits], then the number is uniform among
    the numbers with that many digits. Test numbers are drawn first and training draws that repeat
    one are replaced, so the test set is the same for every ``n_train``.
    """
    n_train, n_test = check_positive_int(n_train, "n_train"), check_positive_int(n_test, "n_test")
    lo = check_positive_int(min_digits, "min_digits")
    hi = check_positive_int(max_digits, "max_digits")
    if not lo <= hi <= 9:
        raise ValueError(f"need 1 <= min_digits <= max_digits <= 9, got {lo} and {hi}")
    check_instance(rng, "rng", np.random.Generator)
    test = _draw_numbers(n_test, lo, hi, rng)
    held = set(test.tolist())
    train = []
    while len(train) < n_train:
        train += [m for m in _draw_numbers(n_train, lo, hi, rng).tolist() if m not in held]
    train = train[:n_train]
    return Seq2SeqTask([number_words(m) for m in train], [str(m) for m in train],
                       [number_words(m) for m in test.tolist()], [str(m) for m in test.tolist()])


def seq2seq_vocabs() -> tuple:
    """(source Vocab: <pad> then the 30 number words, target Vocab: <pad> <start> <end> 0 ... 9)."""
    words = [w for w in ONES + TENS if w] + ["hundred", "thousand", "million"]
    return Vocab((PAD, *words)), Vocab((PAD, START, END, *"0123456789"))


def encode_pairs(src_vocab: Vocab, tgt_vocab: Vocab, sources, targets=None):
    """Padded id arrays: ``src`` (S, N) and ``lengths`` (N,), and ``tgt`` (T, N) = <start> digits <end>.

    Both are padded with <pad> (id 0) at the end; S is the longest source, T the longest target + 2.
    Returns ``(src, lengths)`` when ``targets`` is None, else ``(src, lengths, tgt)``.
    """
    check_instance(src_vocab, "src_vocab", Vocab)
    check_instance(tgt_vocab, "tgt_vocab", Vocab)
    if isinstance(sources, str) or len(sources) == 0 or any(len(s) == 0 for s in sources):
        raise ValueError("sources must be a non-empty list of non-empty word lists")
    lengths = np.array([len(s) for s in sources], dtype=np.int64)
    src = np.zeros((lengths.max(), len(sources)), dtype=np.int64)         # (S, N)
    for n, s in enumerate(sources):
        try:
            src[:len(s), n] = [src_vocab.index[w] for w in s]
        except KeyError as e:
            raise ValueError(f"source {n} has a word outside the vocabulary: {e.args[0]!r}") from None
    if targets is None:
        return src, lengths
    if len(targets) != len(sources):
        raise ValueError(f"sources and targets must have the same length, got {len(sources)} and {len(targets)}")
    seqs = [[START, *t, END] for t in targets]
    tgt = np.zeros((max(map(len, seqs)), len(seqs)), dtype=np.int64)    # (T, N)
    for n, s in enumerate(seqs):
        try:
            tgt[:len(s), n] = [tgt_vocab.index[c] for c in s]
        except KeyError as e:
            raise ValueError(f"target {n} has a token outside the vocabulary: {e.args[0]!r}") from None
    return src, lengths, tgt


def decode_target(tgt_vocab: Vocab, ids) -> str:
    """The characters of one generated id sequence, up to (not including) the first <end>."""
    check_instance(tgt_vocab, "tgt_vocab", Vocab)
    out = []
    for i in np.asarray(ids).ravel().tolist():
        if not 0 <= i < len(tgt_vocab):
            raise ValueError(f"ids must lie in [0, {len(tgt_vocab)}), got {i}")
        tok = tgt_vocab.tokens[i]
        if tok == END:
            break
        if tok not in (PAD, START):
            out.append(tok)
    return "".join(out)
