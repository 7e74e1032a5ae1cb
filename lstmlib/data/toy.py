"""Synthetic sequence tasks: long-range memory tests and the lectures' toy languages.

Every generator takes its randomness from an ``np.random.Generator`` passed as
``rng`` (``np.random.default_rng(0)``), so the same generator state gives the
same data. Arrays are time-first: inputs ``x`` of shape ``(T, N, D)``.
"""
from __future__ import annotations

import itertools
from typing import Sequence

import numpy as np

from lstmlib.data.text import _check_rng
from lstmlib.core.validate import check_positive_int
from lstmlib.core.validate import check_instance

__all__ = ["remember_first", "adding_problem", "DINNERS", "dinner_schedule", "dinner_sequences",
           "HARRY_SALLY_NAMES", "harry_sally_vocab", "harry_sally_sentences", "is_harry_sally_sentence",
           "harry_sally_invalid_sentences", "FEMALE_NAMES", "MALE_NAMES", "PRONOUNS",
           "gender_agreement_sentences", "first_element_task", "gender_stream", "first_gender_switch"]


# ----------------------------------------------------------------------------- memory tasks

def remember_first(n: int, T: int, *, n_classes: int = 2, n_distractors: int = 2,
                   rng: np.random.Generator):
    """Sequences whose first symbol's class must be reported after the last step.

    Step 0 shows one of ``n_classes`` class symbols; steps 1..T-1 show random
    distractor symbols (all-zero vectors when ``n_distractors == 0``). The label
    is the class shown at step 0, so a model must carry it across ``T - 1`` steps.

    Returns ``x`` of shape ``(T, N, D)`` with ``D = n_classes + n_distractors``
    (one-hot: symbols ``0 .. n_classes-1`` are classes, the rest distractors)
    and ``labels`` of shape ``(N,)`` with values in ``[0, n_classes)``.
    """
    N, T = check_positive_int(n, "n"), check_positive_int(T, "T")
    C = check_positive_int(n_classes, "n_classes", minimum=2)
    Dd = check_positive_int(n_distractors, "n_distractors", minimum=0)
    _check_rng(rng)
    labels = rng.integers(0, C, size=N)  # (N,)
    x = np.zeros((T, N, C + Dd))  # (T, N, D)
    x[0, np.arange(N), labels] = 1.0
    if Dd and T > 1:
        noise = C + rng.integers(0, Dd, size=(T - 1, N))  # (T-1, N)
        x[np.arange(1, T)[:, None], np.arange(N)[None, :], noise] = 1.0
    return x, labels


def adding_problem(n: int, T: int, *, rng: np.random.Generator):
    """The adding problem (Hochreiter & Schmidhuber, 1997, experiment 4).

    Each step has two channels: ``x[t, :, 0]`` a value drawn uniformly from
    [0, 1) and ``x[t, :, 1]`` a marker, 1 at exactly two steps (one in the first
    half ``t < T // 2``, one in the second half) and 0 elsewhere. The target is
    the sum of the two marked values, a number in [0, 2).

    This is the common modern variant (values in [0, 1), target the plain sum);
    the 1997 paper drew values from [-1, 1] and scaled its target.

    Returns ``x`` of shape ``(T, N, 2)`` and ``targets`` of shape ``(N,)``.
    """
    N, T = check_positive_int(n, "n"), check_positive_int(T, "T", minimum=2)
    _check_rng(rng)
    values = rng.random((T, N))  # (T, N)
    first = rng.integers(0, T // 2, size=N)
    second = rng.integers(T // 2, T, size=N)
    markers = np.zeros((T, N))
    cols = np.arange(N)
    markers[first, cols] = 1.0
    markers[second, cols] = 1.0
    x = np.stack([values, markers], axis=-1)  # (T, N, 2)
    targets = values[first, cols] + values[second, cols]
    return x, targets


# ----------------------------------------------------------------------------- what's for dinner

DINNERS = ("pizza", "sushi", "waffles")
"""The three dinners of the Bhandare slides ("What's for dinner?"), in cycle order."""


def dinner_schedule(n_days: int, start: str = "pizza") -> list[str]:
    """The dinner of each of ``n_days`` days: pizza, then sushi, then waffles, repeating.

    The Bhandare RNN-intuition slides: the cook never breaks the cycle, so
    yesterday's dinner alone predicts today's.
    """
    n_days = check_positive_int(n_days, "n_days")
    if start not in DINNERS:
        raise ValueError(f"start must be one of {list(DINNERS)}, got {start!r}")
    s = DINNERS.index(start)
    return [DINNERS[(s + d) % 3] for d in range(n_days)]


def dinner_sequences(n: int, T: int, *, rng: np.random.Generator):
    """Batches of dinner schedules for next-day prediction, each from a random start.

    Returns ``x`` of shape ``(T, N, 3)``, the one-hot dinner of day ``t``
    (index into :data:`DINNERS`), and ``targets`` of shape ``(T, N)``, the index
    of the dinner of day ``t + 1``.
    """
    N, T = check_positive_int(n, "n"), check_positive_int(T, "T")
    _check_rng(rng)
    start = rng.integers(0, 3, size=N)  # (N,)
    days = (start[None, :] + np.arange(T + 1)[:, None]) % 3  # (T+1, N)
    x = np.eye(3)[days[:-1]]  # (T, N, 3)
    return x, days[1:]


# ----------------------------------------------------------------------------- Harry met Sally.

HARRY_SALLY_NAMES = ("Harry", "Sally", "James")
"""The three names of the Bhandare slides' toy language."""


def harry_sally_vocab(verbs: Sequence[str] = ("met",)) -> tuple[str, ...]:
    """The dictionary of the toy language: the slides' {Harry, Sally, James, met, .}.

    ``verbs=("met", "saw")`` adds a second verb.
    """
    verbs = _check_verbs(verbs)
    return HARRY_SALLY_NAMES + verbs + (".",)


def harry_sally_sentences(n: int, *, rng: np.random.Generator, verbs: Sequence[str] = ("met",),
                          chain: bool = False) -> list[tuple[str, ...]]:
    """``n`` sentences of the grammar ``NAME VERB OTHER-NAME .`` (a name never meets itself).

    With ``chain=True`` each sentence's subject is the previous sentence's
    object, as in the slides: "Harry met Sally. Sally met James. James met Harry."
    Each sentence is a tuple of tokens, e.g. ``("Harry", "met", "Sally", ".")``.
    """
    n = check_positive_int(n, "n")
    verbs = _check_verbs(verbs)
    _check_rng(rng)
    out, subject = [], int(rng.integers(0, 3))
    for _ in range(n):
        if not chain:
            subject = int(rng.integers(0, 3))
        obj = (subject + 1 + int(rng.integers(0, 2))) % 3  # any name but the subject
        verb = verbs[int(rng.integers(0, len(verbs)))]
        out.append((HARRY_SALLY_NAMES[subject], verb, HARRY_SALLY_NAMES[obj], "."))
        subject = obj
    return out


def is_harry_sally_sentence(tokens: Sequence[str], verbs: Sequence[str] = ("met",)) -> bool:
    """True if ``tokens`` is a grammatical sentence: ``NAME VERB OTHER-NAME .``."""
    verbs = _check_verbs(verbs)
    return (len(tokens) == 4 and tokens[0] in HARRY_SALLY_NAMES and tokens[1] in verbs
            and tokens[2] in HARRY_SALLY_NAMES and tokens[2] != tokens[0] and tokens[3] == ".")


def harry_sally_invalid_sentences(max_tokens: int = 4, verbs: Sequence[str] = ("met",)) -> list[str]:
    """The wrong sentences an RNN that remembers only one previous word can write.

    Knowing only the last word, the best such model learns: after a name comes a
    verb or "."; after a verb, a name; after ".", a name. Every token sequence
    that follows those rules from a name to the first "." is a "sentence" it can
    produce; this lists the ungrammatical ones with at most ``max_tokens`` tokens
    (counting the "."), sorted by length then alphabetically, e.g.
    ``"Harry met Harry."``, ``"Harry."``, ``"Sally met James met Harry."``
    (the slides' "Why RNN's fail").
    """
    max_tokens = check_positive_int(max_tokens, "max_tokens", minimum=2)
    verbs = _check_verbs(verbs)
    found = []
    for n_names in range(1, max_tokens // 2 + 1):  # NAME (VERB NAME)* . has 2 * n_names tokens
        for names in itertools.product(HARRY_SALLY_NAMES, repeat=n_names):
            for vs in itertools.product(verbs, repeat=n_names - 1):
                tokens = [names[0]] + [w for pair in zip(vs, names[1:]) for w in pair] + ["."]
                if not is_harry_sally_sentence(tokens, verbs):
                    found.append(" ".join(tokens[:-1]) + ".")
    return sorted(found, key=lambda s: (len(s.split()), s))


def _check_verbs(verbs) -> tuple[str, ...]:
    if isinstance(verbs, str):
        verbs = (verbs,)
    verbs = tuple(verbs)
    if not verbs or not all(isinstance(v, str) and v for v in verbs):
        raise ValueError(f"verbs must be a non-empty list of words, got {verbs!r}")
    bad = [v for v in verbs if v in HARRY_SALLY_NAMES or v == "."]
    if bad or len(set(verbs)) != len(verbs):
        raise ValueError(f"verbs must be distinct and differ from the names and '.', got {verbs!r}")
    return verbs


# ----------------------------------------------------------------------------- subject-gender agreement

FEMALE_NAMES = ("Amanda", "Maria", "Sarah")
MALE_NAMES = ("Boris", "David", "Peter")
PRONOUNS = ("he", "she")
"""Label ``0`` is "he" (male subject), label ``1`` is "she" (female subject)."""

_CLAUSES = (("went", "to", "the", "market"), ("bought", "some", "bread"), ("read", "a", "book"),
            ("walked", "home"), ("cooked", "dinner"), ("called", "a", "friend"))


def gender_agreement_sentences(n: int, *, rng: np.random.Generator, n_clauses: tuple[int, int] = (1, 3),
                               confusers: bool = False):
    """Sentences whose subject's gender decides the pronoun at their end.

    A sentence is a name, ``k`` clauses joined by "and" (``k`` drawn from
    ``n_clauses = (low, high)``, inclusive), then ". later": the next word is
    "she" for a female subject and "he" for a male one, e.g.
    ``Amanda went to the market and read a book . later`` -> "she". The
    SuperDataScience LSTM walkthrough: the cell stores the subject's gender when
    the subject ("Amanda") arrives and keeps it until the pronoun needs it.

    With ``confusers=True`` a clause "met NAME" with a random other name (of
    either gender) may appear, so the last name seen is not always the subject.

    Returns ``(sentences, labels)``: a list of token tuples (without the
    pronoun) and an int64 array ``(N,)`` indexing :data:`PRONOUNS`.
    """
    n = check_positive_int(n, "n")
    low, high = _check_range(n_clauses, "n_clauses")
    _check_rng(rng)
    names = FEMALE_NAMES + MALE_NAMES
    clauses = _CLAUSES + ((("met", None),) if confusers else ())
    sentences, labels = [], np.empty(n, dtype=np.int64)
    for s in range(n):
        female = bool(rng.integers(0, 2))
        pool = FEMALE_NAMES if female else MALE_NAMES
        tokens = [pool[int(rng.integers(0, 3))]]
        for k in range(int(rng.integers(low, high + 1))):
            clause = clauses[int(rng.integers(0, len(clauses)))]
            if clause[-1] is None:  # "met" + a name other than the subject
                clause = ("met", rng.choice([m for m in names if m != tokens[0]]).item())
            tokens += (["and"] if k else []) + list(clause)
        sentences.append(tuple(tokens) + (".", "later"))
        labels[s] = int(female)
    return sentences, labels


def _check_range(value, name: str) -> tuple[int, int]:
    try:
        low, high = value
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a pair (low, high), got {value!r}") from None
    low = check_positive_int(low, f"{name}[0]")
    high = check_positive_int(high, f"{name}[1]")
    if high < low:
        raise ValueError(f"{name} must have low <= high, got {value!r}")
    return low, high


def first_element_task(n: int, T: int = 4, *, rng: np.random.Generator, noise: float = 0.3):
    """Singh's "remember the first element", scaled down for one unit: x_0 = +-1, then T - 1
    distractors uniform in [-noise, noise]; the target is x_0, after the last step.
    Returns x (T, n, 1) and targets (n, 1)."""
    n, T = check_positive_int(n, "n"), check_positive_int(T, "T", minimum=2)
    check_instance(rng, "rng", np.random.Generator)
    x = rng.uniform(-noise, noise, (T, n, 1))
    x[0, :, 0] = rng.choice([-1.0, 1.0], n)
    return x, x[0].copy()


def gender_stream(n: int, *, rng: np.random.Generator, n_sentences: int = 2, n_clauses=(1, 2)):
    """``n`` token sequences of ``n_sentences`` gender-agreement sentences each, and per-step targets.

    targets[t] is the pronoun index (0 "he", 1 "she") for the subject of the sentence
    that token t belongs to: the answer to "who is 'they' right now?" at every word.
    Returns (list of token tuples, list of int64 arrays of the same lengths).
    """
    n = check_positive_int(n, "n")
    n_sentences = check_positive_int(n_sentences, "n_sentences")
    sents, labels = gender_agreement_sentences(n * n_sentences, rng=rng, n_clauses=n_clauses)
    seqs, targets = [], []
    for s in range(n):
        tokens, target = [], []
        for j in range(s * n_sentences, (s + 1) * n_sentences):
            tokens += list(sents[j])
            target += [int(labels[j])] * len(sents[j])
        seqs.append(tuple(tokens))
        targets.append(np.array(target, dtype=np.int64))
    return seqs, targets


def first_gender_switch(seqs, targets, *, female_first: bool, length: int | None = None) -> int:
    """Index of the first of ``gender_stream``'s sequences whose first two subjects have opposite
    genders, the first female if ``female_first`` (else male), and of ``length`` tokens if given.

    seqs, targets: what :func:`gender_stream` returns (its sentences end with "later", so the
    second subject is the word after the first "later"). ValueError if there is none.
    """
    if len(seqs) != len(targets):
        raise ValueError(f"seqs and targets must have the same length, got {len(seqs)} and {len(targets)}")
    first = int(bool(female_first))
    for n, (words, t) in enumerate(zip(seqs, targets)):
        if "later" not in words[:-1] or length not in (None, len(t)):
            continue
        second = list(words).index("later") + 1
        if t[0] == first and t[second] == 1 - first:
            return n
    raise ValueError(f"no sequence with a {'female' if female_first else 'male'} subject followed by a "
                     f"{'male' if female_first else 'female'} one" + (f" and {length} tokens" if length else ""))
