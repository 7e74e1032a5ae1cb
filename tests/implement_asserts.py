"""Helpers shared by the tests of the implement-it checkers (imported, not collected)."""
from __future__ import annotations

from lstmlib.exercises import ImplementResult


def text(res):
    """A checker's whole answer: its message and its hint."""
    return res.message + " | " + res.hint


def assert_fails(res, *needles):
    """``res`` is a failed check whose message or hint contains every needle."""
    assert isinstance(res, ImplementResult) and not res.passed and res.failed > 0, res
    for needle in needles:
        assert needle in text(res), f"{needle!r} not in: {res}"
