"""A simulated patient who answers every question from a full set of answers.

Used by `interview-stats`, the property tests and the conversation's own test
tools. The patient ticks a checklist's items that are true, or says "not sure"
when any of them is unknown (None or missing), and then answers the items one
by one; every other question is answered with the values of its keys.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping, Optional

from .engine import assess
from .interview import Question, next_question
from .model import MODEL, MULTI, Model
from .result import TriageResult

MAX_QUESTIONS = 200


@dataclass
class InterviewRun:
    answers: dict[str, object]
    asked: list[Question] = field(default_factory=list)
    unsure: set[str] = field(default_factory=set)
    steps: list[dict] = field(default_factory=list)
    """The answers after each question, to find when the result was decided."""
    result: Optional[TriageResult] = None
    """assess() of the answers given, once the interview is over."""


def run_interview(full: Mapping[str, object], prefilled: Mapping[str, object] = MappingProxyType({}),
                  model: Model = MODEL) -> InterviewRun:
    """Ask next_question until it returns None, answering from `full`."""
    run = InterviewRun(answers=dict(prefilled))
    for _ in range(MAX_QUESTIONS):
        question = next_question(run.answers, run.unsure, model)
        if question is None:
            run.result = assess(run.answers, model)
            return run
        run.asked.append(question)
        values = {key: full.get(key) for key in question.keys}
        if question.kind == MULTI and any(value is None for value in values.values()):
            run.unsure.add(question.id)
        else:
            run.answers.update(values)
        run.steps.append(dict(run.answers))
    raise RuntimeError(f"the interview did not end after {MAX_QUESTIONS} questions")


def questions_after_decision(run: InterviewRun, model: Model = MODEL) -> int:
    """How many questions were asked after the answer that first gave the final disposition, when a rule decided."""
    final = run.result
    if not final.red_flags:
        return 0
    for index, answers in enumerate(run.steps):
        if assess(answers, model).disposition == final.disposition:
            return len(run.steps) - index - 1
    return 0
