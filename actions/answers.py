"""Read the triage answers from the tracker in the shape the triage engine takes.

Slot names are the engine's answer keys. A question answered "not sure" holds
UNKNOWN in its slot (so the form does not ask again) and reaches the engine as
None, which the engine treats as asked-but-unknown.

The forms ask one key at a time: the keys of the engine's next question with
every checklist taken item by item (`next_keys`). The conversation that shows
whole checklists replaces this.
"""
from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Tracker

from bot.triage import MODEL, QUESTIONS, next_question

ONE_BY_ONE = tuple(q.id for q in MODEL.questions if q.kind == "multi")

UNKNOWN = "unknown"


def answers_from_tracker(tracker: Tracker) -> Dict[str, Any]:
    """The answers given so far: asked keys only, "not sure" as None."""
    answers: Dict[str, Any] = {}
    for key in MODEL.gates:  # the keys the interview asks (retired keys have no slot)
        value = tracker.get_slot(key)
        if value is None:
            continue
        answers[key] = None if value == UNKNOWN else value
    return answers


def next_keys(answers: Dict[str, Any], screen: bool) -> List[str]:
    """The keys of the engine's next question, if it belongs to the screen (or to the pattern)."""
    question = next_question(answers, ONE_BY_ONE)
    if question is None or question.screen != screen:
        return []
    return [key for key in question.keys if key in QUESTIONS and key not in answers]


def screen_questions(answers: Dict[str, Any]) -> List[str]:
    return next_keys(answers, screen=True)


def pattern_questions(answers: Dict[str, Any]) -> List[str]:
    return next_keys(answers, screen=False)
