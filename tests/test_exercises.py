"""Exercises: every answer key computes, accepts itself, rejects a wrong answer with a hint,
and every id the notebooks use is registered."""
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


@pytest.mark.parametrize("ex_id", sorted(EXERCISES))
def test_answer_key_accepts_itself_and_rejects_a_wrong_answer(ex_id):
    answer = EXERCISES[ex_id].answer()
    assert check(ex_id, answer).correct
    verdict = check(ex_id, _wrong(answer))
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
