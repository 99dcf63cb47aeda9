"""Which question to ask next, and why each is asked.

The order and its gates live in model.yml (`screen`, `pattern`); here are the
rules that read them. A key present in the answers is never asked again,
whatever its value, so None ("asked, don't know") counts as asked. A gated
question appears once its gate has been answered with an opening value, or
answered None: when in doubt we ask. The screen stops (returns []) as soon as
any red flag fires (an answered one, or the age flag for new back pain); the
pattern questions also stop for any "points away" condition.
"""
from __future__ import annotations

from types import MappingProxyType
from typing import Mapping

from .answers import validate_answers
from .model import MODEL, Step
from .rules import apply_rules

EXPLANATIONS: Mapping[str, str] = MappingProxyType({key: q.why for key, q in MODEL.questions.items()})
"""Why each question is asked, for when the patient says "why do you ask?"."""

QUESTIONS: Mapping[str, str] = MappingProxyType({key: q.ask for key, q in MODEL.questions.items()})
"""The plain wording of each question."""


def why_we_ask(key: str) -> str:
    """One or two plain sentences on why `key` is asked."""
    try:
        return EXPLANATIONS[key]
    except KeyError:
        raise KeyError(f"unknown answer key '{key}'") from None


def screen_questions(answers: Mapping[str, object]) -> list[str]:
    """Red-flag and "points away" keys still to ask, in order; [] once a red flag is true."""
    checked = validate_answers(answers)
    if apply_rules(checked).red_flags:
        return []
    return _still_to_ask(MODEL.screen, checked)


def pattern_questions(answers: Mapping[str, object]) -> list[str]:
    """Pain-pattern keys still to ask, in order; [] once any red flag or "points away" is true."""
    checked = validate_answers(answers)
    rules = apply_rules(checked)
    if rules.red_flags or rules.points_away:
        return []
    return _still_to_ask(MODEL.pattern, checked)


def _still_to_ask(steps: tuple[Step, ...], answers: Mapping[str, object]) -> list[str]:
    return [step.key for step in steps if step.key not in answers and _gates_open(step, answers)]


def _gates_open(step: Step, answers: Mapping[str, object]) -> bool:
    for gate, values in step.ask_if:
        if gate not in answers or (answers[gate] is not None and answers[gate] not in values):
            return False
    for gate, values in step.skip_if:
        if answers.get(gate) is not None and answers[gate] in values:
            return False
    return True
