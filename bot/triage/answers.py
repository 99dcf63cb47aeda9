"""Checking a dict of answers against the model's keys before any rule runs.

None is accepted for every key: it means asked but unknown (a skip).
Answers to questions that do not apply (a knee question for back pain) and to
retired keys are accepted but have no effect: `effective_answers` drops them,
exactly as the interview never asks them, so the two always agree.
"""
from __future__ import annotations

from typing import Mapping

from .keys import InvalidAnswers
from .model import MODEL, Model

ANSWER_KEYS: tuple[str, ...] = tuple(MODEL.keys)
"""Every key assess() accepts, in the model file's order (retired keys last)."""


def validate_answers(answers: object, model: Model = MODEL) -> dict[str, object]:
    """A checked copy of the answers, ages as int; raises InvalidAnswers."""
    if not isinstance(answers, Mapping):
        raise InvalidAnswers("<answers>", f"expected an object of answers, got {type(answers).__name__}")
    checked: dict[str, object] = {}
    for key, value in answers.items():
        if not isinstance(key, str) or key not in model.keys:
            raise InvalidAnswers(str(key), "unknown answer key")
        checked[key] = model.keys[key].check(value)
    return checked


def effective_answers(checked: Mapping[str, object], model: Model = MODEL) -> dict[str, object]:
    """Only the answers that count: asked keys whose question applies to these answers."""
    return {key: value for key, value in checked.items() if model.applies(key, checked)}


__all__ = ["ANSWER_KEYS", "InvalidAnswers", "effective_answers", "validate_answers"]
