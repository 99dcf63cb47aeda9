"""Checking a dict of answers against the model's questions before any rule runs.

Strict on purpose: a slot filled with the wrong type ("yes" instead of true)
must be caught where it enters, not turn silently into "not answered".
None is accepted for every key: it means asked but unknown (a skip).
"""
from __future__ import annotations

import math
from typing import Mapping

from .model import BOOL, CHOICE, INTEGER, MODEL, Question

ANSWER_KEYS: tuple[str, ...] = tuple(MODEL.questions)
"""Every key assess() accepts, in the model file's order."""


class InvalidAnswers(ValueError):
    """An answer key or value the engine cannot use; `key` names the culprit."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"answer '{key}': {problem}")
        self.key = key


def validate_answers(answers: object) -> dict[str, object]:
    """A checked copy of the answers, ages as int; raises InvalidAnswers."""
    if not isinstance(answers, Mapping):
        raise InvalidAnswers("<answers>", f"expected an object of answers, got {type(answers).__name__}")
    checked: dict[str, object] = {}
    for key, value in answers.items():
        if not isinstance(key, str) or key not in MODEL.questions:
            raise InvalidAnswers(str(key), "unknown answer key")
        checked[key] = None if value is None else _checked_value(MODEL.questions[key], value)
    return checked


def _checked_value(question: Question, value: object) -> object:
    if question.kind == BOOL:
        if not isinstance(value, bool):
            raise InvalidAnswers(question.key, f"expected true or false, got {value!r}")
        return value
    if question.kind == CHOICE:
        if not isinstance(value, str) or value not in question.choices:
            raise InvalidAnswers(question.key, f"expected one of {', '.join(question.choices)}, got {value!r}")
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InvalidAnswers(question.key, f"expected a number, got {value!r}")
    if question.kind == INTEGER:
        if value != int(value):
            raise InvalidAnswers(question.key, f"expected a whole number, got {value!r}")
        value = int(value)
    if not question.minimum <= value <= question.maximum:
        raise InvalidAnswers(question.key, f"{value!r} is outside {question.minimum:g}..{question.maximum:g}")
    return value
