"""Asking the triage questions, in the engine's own wording (bot/triage/model.yml).

One action per question (`action_ask_<key>`, which Rasa's forms call instead of a
response), so the wording a clinician reviews is the wording patients see. Buttons
depend on the kind of answer; free text is always accepted too.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from bot.triage import QUESTIONS


def _payload(entity: str, value: str) -> str:
    return '/inform{"%s": "%s"}' % (entity, value)


YES_NO = [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]
YES_NO_SKIP = YES_NO + [{"title": "Not sure", "payload": "/skip"}]

CHOICE_BUTTONS: Dict[str, List[Dict[str, str]]] = {
    "pain_location": [
        {"title": "Lower back", "payload": _payload("body_part", "lower_back")},
        {"title": "Knee", "payload": _payload("body_part", "knee")},
        {"title": "Both", "payload": _payload("body_part", "both")},
        {"title": "Somewhere else", "payload": _payload("body_part", "other")},
    ],
    "duration_weeks": [
        {"title": "Under 2 weeks", "payload": _payload("duration", "1 week")},
        {"title": "2-6 weeks", "payload": _payload("duration", "4 weeks")},
        {"title": "6 weeks-3 months", "payload": _payload("duration", "8 weeks")},
        {"title": "Over 3 months", "payload": _payload("duration", "6 months")},
    ],
    "pain_severity": [
        {"title": "Mild (1-3)", "payload": _payload("severity", "2")},
        {"title": "Moderate (4-6)", "payload": _payload("severity", "5")},
        {"title": "Severe (7-10)", "payload": _payload("severity", "8")},
    ],
    "insoles_tried": [
        {"title": "No", "payload": _payload("insoles_tried", "none")},
        {"title": "Yes, they helped", "payload": _payload("insoles_tried", "helped")},
        {"title": "Yes, no help", "payload": _payload("insoles_tried", "no_help")},
    ],
    "age": [],
}


def buttons_for(key: str) -> List[Dict[str, str]]:
    """Red-flag questions are yes/no only: "not sure" is re-asked, never skipped."""
    if key in CHOICE_BUTTONS:
        return CHOICE_BUTTONS[key]
    return YES_NO if key.startswith("rf_") else YES_NO_SKIP


class AskTriageQuestion(Action, ABC):
    """Ask one triage question; the subclasses below, one per key, fix the key."""

    key: str

    @abstractmethod
    def name(self) -> Text:
        """action_ask_<key>."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        dispatcher.utter_message(text=QUESTIONS[self.key], buttons=buttons_for(self.key))
        return []


def _ask_action(key: str) -> type:
    return type(f"Ask_{key}", (AskTriageQuestion,), {"key": key, "name": lambda self: f"action_ask_{self.key}"})


ASK_ACTIONS = [_ask_action(key) for key in sorted(QUESTIONS)]
