"""Exercises the reader checks by calling :func:`check`.

Each chapter registers its exercises in a submodule of this package
(``lstmlib/exercises/conv.py`` for Part I, ...). An exercise knows how to
compute its own answer with lstmlib, so the answer key is code, not a number
typed by hand, and the test suite checks every key.

    >>> from lstmlib.exercises import check
    >>> check("conv-size-1", 7)
    ✔ conv-size-1: correct.
"""
from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

__all__ = ["Exercise", "CheckResult", "exercise", "check", "get", "all_exercises"]

_REGISTRY: dict[str, "Exercise"] = {}


@dataclass(frozen=True)
class Exercise:
    """id: unique name used in the book. answer: computes the right answer.
    hint: shown when the reader's answer is wrong. rtol/atol: tolerance for numbers."""
    id: str
    answer: Callable[[], Any]
    hint: str
    rtol: float = 1e-6
    atol: float = 1e-8
    # other forms of the same answer that the question allows (e.g. a factor and its reciprocal)
    also: Callable[[Any], list] | None = None


@dataclass(frozen=True)
class CheckResult:
    """The verdict on one answer; true when correct."""
    id: str
    correct: bool
    message: str

    def __bool__(self):
        return self.correct

    def __repr__(self):
        mark = "\u2714" if self.correct else "\u2718"
        return f"{mark} {self.id}: {self.message}"

    def _repr_html_(self):
        colour = "#1a7f37" if self.correct else "#b00020"
        mark = "&#10004;" if self.correct else "&#10008;"
        import html
        return (f'<div style="color:{colour};font-weight:600">{mark} {html.escape(self.id)}: '
                f'{html.escape(self.message)}</div>')


def exercise(id: str, hint: str, rtol: float = 1e-6, atol: float = 1e-8, also: Callable[[Any], list] | None = None):
    """Decorator: register the function computing exercise ``id``'s answer. ``also`` maps the
    answer to the other forms the question accepts (say so in the question)."""
    def register(fn):
        if id in _REGISTRY:
            raise ValueError(f"exercise id {id!r} is registered twice")
        _REGISTRY[id] = Exercise(id, fn, hint, rtol, atol, also)
        return fn
    return register


def _load_all():
    for mod in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{mod.name}")


def all_exercises() -> dict[str, Exercise]:
    """Every registered exercise, by id."""
    _load_all()
    return dict(_REGISTRY)


def get(id: str) -> Exercise:
    """The exercise called ``id``; ValueError listing the known ids otherwise."""
    ex = all_exercises()
    if id not in ex:
        raise ValueError(f"unknown exercise {id!r}; known exercises: {sorted(ex)}")
    return ex[id]


def _compare(expected, got, ex: Exercise) -> str | None:
    """None when ``got`` matches ``expected``, otherwise what is wrong."""
    if got is None:
        return "there is no answer yet (replace None with yours)"
    if isinstance(expected, str):
        ok = isinstance(got, str) and got.strip().lower() == expected.strip().lower()
        return None if ok else "that is not the expected word"
    if isinstance(expected, (bool, np.bool_)):
        return None if isinstance(got, (bool, np.bool_)) and bool(got) == bool(expected) else \
            f"expected True or False, and {got!r} is not it"
    exp = np.asarray(expected, dtype=float)
    try:
        arr = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return f"expected a number or array of shape {exp.shape}, got {type(got).__name__}"
    if arr.shape != exp.shape:
        return f"expected shape {exp.shape}, got shape {arr.shape}"
    if not np.all(np.isfinite(arr)):
        return "your answer contains NaN or infinity"
    if not np.allclose(arr, exp, rtol=ex.rtol, atol=ex.atol):
        if arr.size > 1:
            wrong = int(np.sum(~np.isclose(arr, exp, rtol=ex.rtol, atol=ex.atol)))
            return f"{wrong} of {arr.size} entries differ from the answer"
        return "the value differs from the answer"
    return None


def check(id: str, answer: Any) -> CheckResult:
    """Compare the reader's ``answer`` with exercise ``id``'s; never raises for a wrong answer."""
    ex = get(id)
    expected = ex.answer()
    problem = _compare(expected, answer, ex)
    if problem is None:
        return CheckResult(id, True, "correct.")
    if ex.also is not None and any(_compare(form, answer, ex) is None for form in ex.also(expected)):
        return CheckResult(id, True, "correct (in one of the forms the question allows).")
    return CheckResult(id, False, f"not yet: {problem}. Hint: {ex.hint}")


# implement-it exercises: the reader writes the algorithm, a checker compares it with lstmlib's
from .implement import (ImplementResult, check_conv2d, check_max_pool, check_rnn_step,  # noqa: E402
                        check_rnn_step_backward, check_lstm_step, check_lstm_step_backward, check_gru_step,
                        check_softmax_cross_entropy, check_numerical_gradient)

__all__ += ["ImplementResult", "check_conv2d", "check_max_pool", "check_rnn_step", "check_rnn_step_backward",
            "check_lstm_step", "check_lstm_step_backward", "check_gru_step", "check_softmax_cross_entropy",
            "check_numerical_gradient"]

from .implement_conv import (check_gradient_step, check_layer_params, check_fc_softmax,  # noqa: E402
                             check_conv_layer, check_confusion_matrix, check_batch_norm)

__all__ += ["check_gradient_step", "check_layer_params", "check_fc_softmax", "check_conv_layer",
            "check_confusion_matrix", "check_batch_norm"]

# implement-it exercises of Parts II and III (sequences, whole-sequence forwards, torch's layout, clipping)
from .implement_seq import (check_next_token_batch, check_rnn_forward, check_rnn_jacobians,  # noqa: E402
                            check_lstm_forward, check_forget_bias, check_rolling_trend_errors, check_memory_unit,
                            check_clip_by_global_norm)

__all__ += ["check_next_token_batch", "check_rnn_forward", "check_rnn_jacobians", "check_lstm_forward",
            "check_forget_bias", "check_rolling_trend_errors", "check_memory_unit", "check_clip_by_global_norm"]
