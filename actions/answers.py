"""Read the triage answers from the tracker in the shape the triage engine takes.

Slot names are the engine's answer keys. A question answered "not sure" holds
UNKNOWN in its slot (so the form does not ask again) and reaches the engine as
None, which the engine treats as asked-but-unknown.
"""
from __future__ import annotations

from typing import Any, Dict

from rasa_sdk import Tracker

from bot.triage import ANSWER_KEYS

UNKNOWN = "unknown"


def answers_from_tracker(tracker: Tracker) -> Dict[str, Any]:
    """The answers given so far: asked keys only, "not sure" as None."""
    answers: Dict[str, Any] = {}
    for key in ANSWER_KEYS:
        value = tracker.get_slot(key)
        if value is None:
            continue
        answers[key] = None if value == UNKNOWN else value
    return answers
