"""Exercises: every answer key (computed by lstmlib) equals a value worked out independently
here from the question, or a lecture's number; check() accepts that value and rejects a wrong
answer with a hint; and every id the notebooks use is registered."""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from lstmlib.exercises import all_exercises, check, get, CheckResult, Exercise, _compare

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = all_exercises()


def _wrong(value):
    if isinstance(value, str):
        return value + " not"
    if isinstance(value, (bool, np.bool_)):
        return not value
    return np.asarray(value, dtype=float) + 1.0


def _sigmoid(a):
    return 1 / (1 + np.exp(-a))


def _hand_set_cell(xs):
    """lstm_widget.HAND_SET's scalar cell stepped by hand from h = c = 0: (c, h) after each input."""
    h = c = 0.0
    out = []
    for x in xs:
        f, i = _sigmoid(-1.0 * x + 0.5 * h + 2.0), _sigmoid(3.0 * x + 0.5 * h - 1.0)
        g, o = np.tanh(2.0 * x - 1.0 * h), _sigmoid(1.0 * x + 1.0 * h + 0.5)
        c = f * c + i * g
        h = o * np.tanh(c)
        out.append((c, h, f))
    return out


_HALF_SURVIVAL = 0.5 ** (1 / 49)

# Each answer worked out from the question's own numbers (closed forms), independently of the
# lstmlib code that computes the answer key.
EXACT = {
    "refresher-step": 0.5 + 0.1 * 2 * (3.0 - 0.5 * 2.0) * 2.0,       # w - lr * (-2 (t - w x) x)
    "refresher-params": (30 * 16 + 16) + (16 * 2 + 2),
    "fc-weights-32": 32 * 32 * 3,
    "xo-mismatch": 8,                                                 # the tricky X differs in 8 pixels
    "conv-size-1": (9 - 3 + 0) // 1 + 1,
    "conv-size-2": (7 - 3 + 2) // 2 + 1,
    "conv-value": -7 / 9,                                             # 1 product of +1, 8 of -1
    "pool-size": 1 + int(np.ceil((9 - 2) / 2)),
    "pool-value": 5 / 9,
    "stack-count": 112 * 112 * 64,
    "softmax-votes": np.exp(0.92) / (np.exp(0.92) + np.exp(0.51)),
    "xo-fc-params": 3 * (3 * 3 + 1) + (3 * 4 * 4) * 2 + 2,
    "params-conv": (3 * 3 * 64 + 1) * 128,
    "params-vgg16-fc": ((25088 * 4096 + 4096) + (4096 * 4096 + 4096) + (4096 * 1000 + 1000))
                       / 138_357_544,                                 # VGG-16 has 138,357,544 parameters
    "digits-flat": 32 * 2 * 2,
    "digits-params": (3 * 3 * 1 + 1) * 16 + (3 * 3 * 16 + 1) * 32 + (128 * 10 + 10),
    "multi-conv-params": (3 * 3 * 16 + 1) * 32,
    "bottleneck-params": (256 + 1) * 64 + (9 * 64 + 1) * 64 + (64 + 1) * 256,
    "bn-params": 2 * 32,
    "residual-block-params": 2 * (9 * 16 * 16 + 2 * 16),
    "part2-video-outputs": 240,
    "part2-shared-params": 10 * 20 + 20 * 20 + 20,
    "part2-dinner-day10": "sushi",                                    # pizza, sushi, waffles, ...: 10 % 3 = 1
    "part2-washout-linear": 0.5 ** 10,
    "part2-charrnn-params": 65 * 100 + 100 * 100 + 100 + 100 * 65 + 65,
    "part2-temperature": np.exp(4) / (np.exp(4) + np.exp(2) + 1),
    "part2-steps-to-vanish": int(np.ceil(np.log(0.01) / np.log(0.9))),
    "p3a-survive-20": 0.9 ** 20,
    "p3a-half-life": int(np.ceil(np.log(1e-6) / np.log(0.5))),
    "p3a-forget-099": 0.99 ** 100,
    "p3a-cs615-shape": [10 + 20, 20],
    "p3a-lstm-size": 4 * (10 * 20 + 20 * 20 + 20),
    "p3a-step-c0": _hand_set_cell([1.0])[0][0],
    "p3a-step-h2": _hand_set_cell([1.0, 0.0, 0.0])[2][1],
    "p3a-forget-open": all(f > 0.5 for _, _, f in _hand_set_cell([1.0, 0.0, 0.0, 0.0])),
    "p3a-params-scalar": 4 * 3 + 2,
    "p3a-params-h2": 4 * (1 * 2 + 2 * 2 + 2) + 2 * 1 + 1,
    "p3b-forget-survival": _sigmoid(3.0) ** 49,
    "p3b-forget-bias-needed": np.log(_HALF_SURVIVAL / (1 - _HALF_SURVIVAL)),
    "p3b-trend3": np.polyval(np.polyfit([0, 1, 2], [720, 485, 366], 1), 3),
    "p3b-lstm-params": 4 * 8 * (11 + 8) + 8 * 8 + 8 * 2 + 2,          # torch: two bias vectors per gate
    "p3b-one-word-memory": 3 + 3,                                     # "Harry." ... and "Harry met Harry." ...
    "p3b-macs-ratio": 4,
    "p3b-carousel": 0.9 ** 50,
    "p4-tokens": len(["it", "doesn't", "feel", "like", "one", "."]),
    "p4-sentiment-params": 5000 * 32 + 4 * 32 * (32 + 32) + 8 * 32 + 32 * 2 + 2,
    "p4-gru-params": 3 * (10 * 20 + 20 * 20) + 4 * 20,
    "p4-coupled-saving": 10 * 20 + 20 * 20 + 20,
    "p4-gru-copy": [0.5, -0.25],                                      # z = 1: h_t = h_{t-1}
    "p4-bracket-depth": 1.0,                                          # f( g( ) [ ] -> 2 - 1 + 1 - 1
    "p4-in-string": 3.0,
    "p4-perplexity-bits": 2.169925001442312,                          # log2(4.5)                                              # the quote, h, i
    "p4-grid-corner": [0.75, -0.75],                                  # (x, y) = (-0.75, -0.75) -> (-y, x)
    "p4-bilinear": (0.0 + 1.0 + 2.0 + 3.0) / 4,
    "p4-beam-candidates": 3 * 13,                                     # 3 beams x 13 target tokens
    "p4-greedy-logprob": np.log(0.6 * 0.4),
    "p4-bilstm-params": 2 * 4 * 20 * (10 + 20 + 2) + 2 * 4 * 20 * (40 + 20 + 2),   # layer 2 reads 2H = 40
    "p4-bigru-output-width": 32,                                       # [->h_t, <-h_t] of the top layer, 2 x 16
    "p4-later-ceiling": (19 / 27 + 5 / 9 + 2 / 3 + 1) / 4,             # max(p, 1 - p), p = 1 - (2/3)^(3 - t)
}

# Numbers the lectures (or the book's errata, from the lectures) print, with the tolerance of their digits.
LECTURE = {
    "part2-h1-input2": ([0.8315, 0.3115], 0),                         # CS 615 counting example: row 2 of U
    "part2-yhat2-no-input": ([-1.2588, -0.7102, -0.1182], 1e-4),      # CS 615 counting example: yhat_2
    "part2-dJdU": ([[-1.7682, 5.1988], [0, 0], [0, 0]], 1e-4),        # CS 615 example, right gradient (errata)
    "part2-right-iterations": (49, 0),                                # Part II ch. 3: 49 with the right gradient
    "part2-spectral-radius": (0.6561, 1e-4),                          # CS 615 example W: rho = 0.6561
    "p3a-clip-factor": (1 / 29056.68, 1e-11),                         # Part III ch. 1: ||g|| = 29056.68
    "p3a-dbf": (-0.006711, 1e-6),                                     # Singh traffic example, dL/db_f
    "p3b-decision": ("hold", None),                                   # Singh traffic: interval (185, 480) holds 366
}


def test_every_exercise_has_an_independent_expected_value():
    assert set(EXACT) | set(LECTURE) == set(EXERCISES)
    assert not set(EXACT) & set(LECTURE)


def _assert_same(answer, expected, atol):
    if isinstance(expected, (str, bool)):
        assert answer == expected
    else:
        np.testing.assert_allclose(np.asarray(answer, dtype=float), expected, rtol=1e-9 if not atol else 0,
                                   atol=atol or 1e-12)


@pytest.mark.parametrize("ex_id", sorted(EXACT))
def test_answer_key_equals_the_closed_form(ex_id):
    _assert_same(EXERCISES[ex_id].answer(), EXACT[ex_id], None)
    assert check(ex_id, EXACT[ex_id]).correct                         # what a reader types is accepted


@pytest.mark.parametrize("ex_id", sorted(LECTURE))
def test_answer_key_equals_the_lecture_number(ex_id):
    value, atol = LECTURE[ex_id]
    _assert_same(EXERCISES[ex_id].answer(), value, atol)


@pytest.mark.parametrize("ex_id", sorted(EXERCISES))
def test_a_wrong_answer_is_rejected_with_a_hint(ex_id):
    expected = EXACT[ex_id] if ex_id in EXACT else LECTURE[ex_id][0]
    verdict = check(ex_id, _wrong(expected))
    assert not verdict.correct and "Hint:" in verdict.message


@pytest.mark.parametrize("ex_id", sorted(EXERCISES))
def test_no_answer_gets_a_hint_not_an_exception(ex_id):
    verdict = check(ex_id, None)
    assert isinstance(verdict, CheckResult) and not verdict


def test_every_checked_id_in_the_notebooks_exists():
    used = set()
    for nb in ROOT.glob("book/**/*.ipynb"):
        used |= set(re.findall(r'check\(\\?"([\w\-.]+)\\?"', nb.read_text()))
    unknown = sorted(used - set(EXERCISES))
    assert not unknown, f"notebooks check exercises that are not registered: {unknown}"


def test_unknown_id_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown exercise 'no-such-exercise'"):
        get("no-such-exercise")


def test_compare_explains_shape_and_count_mismatches():
    ex = Exercise("t", lambda: np.zeros((2, 2)), "hint")
    assert _compare(np.zeros((2, 2)), np.zeros(3), ex) == "expected shape (2, 2), got shape (3,)"
    assert _compare(np.zeros((2, 2)), np.eye(2), ex) == "2 of 4 entries differ from the answer"
    assert "NaN" in _compare(np.zeros(2), [np.nan, 0], ex)
    assert _compare(np.zeros(2), "zeros", ex).startswith("expected a number")
    assert _compare("sky", " Sky ", ex) is None
    assert _compare(True, 1, ex) is not None


def test_result_renders_as_text_and_html():
    ok = CheckResult("x", True, "correct.")
    assert repr(ok).startswith("\u2714") and "&#10004;" in ok._repr_html_()


def test_a_question_that_allows_two_forms_accepts_both_and_nothing_else():
    from lstmlib.exercises import check
    assert check("part2-washout-linear", 0.5 ** 10)
    assert check("part2-washout-linear", 2 ** 10)                       # "1024 times smaller"
    wrong = check("part2-washout-linear", 2 ** 9)
    assert not wrong and "Hint" in wrong.message
    assert not check("part2-temperature", 1 / EXACT["part2-temperature"])   # no other form allowed there


def test_hints_teach_rather_than_print_the_call():
    """A hint says what to compute, not which call returns the answer (no `fn(...)`, no `module.fn(`);
    the mathematical functions of the book's equations (log, exp, sigma, softmax, ...) are fine."""
    maths = r"(?!(?:log|exp|sigma|softmax|sqrt|tanh|max|min|sum)\()"
    call = re.compile(r"\b[A-Za-z_][A-Za-z_0-9]*\.[A-Za-z_][A-Za-z_0-9]*\(|\b" + maths + r"[a-z_]{3,}\([A-Za-z0-9_=, .\[\]'\"]*\)")
    leaks = {k: e.hint for k, e in all_exercises().items() if call.search(e.hint)}
    assert not leaks, f"hints that print a call: {leaks}"


def test_every_chapter_of_parts_one_to_three_has_an_implement_it_exercise():
    """Each chapter asks the reader to write a function and checks it with an implement-it checker
    (a `check_<name>(my_function)` call of lstmlib.exercises' implement modules), with a solution after it."""
    import lstmlib.exercises as ex_pkg
    checkers = {n for n in dir(ex_pkg) if n.startswith("check_") and
                getattr(ex_pkg, n).__module__.startswith("lstmlib.exercises.implement")}
    book = Path(__file__).resolve().parents[1] / "book"
    missing = []
    for src in sorted(book.glob("part[123]/src/*.nbsrc")):
        used = {name for name in checkers if re.search(rf"\b{name}\(\s*my_\w+", src.read_text())}
        if not used:
            missing.append(src.name)
    assert not missing, f"chapters of Parts I-III without an implement-it exercise: {missing}"
