"""Turn one patient message into the value of the question being asked.

Buttons send payloads with entities (e.g. /inform{"body_part": "knee"}) or the
affirm/deny/skip intents; free text goes through bot.nlu.parsers. The result is
a value, UNKNOWN ("not sure"), or None with a hint to show when the message does
not fit the question.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.answers import UNKNOWN
from bot.nlu import parsers

#: Intents that are questions or commands, not answers: a form lets the rules take them.
DIGRESSIONS = {
    "ask_gait_analysis", "ask_overpronation", "ask_orthotics", "ask_locations", "ask_hours",
    "ask_insurance", "ask_why", "ask_human", "bot_challenge", "restart", "forget_me",
    "book_gait_analysis", "cancel_booking", "change_booking", "goodbye", "thank", "out_of_scope",
}
YES_NO_INTENTS = {"affirm": True, "deny": False}
CONFIDENT = 0.6

YES_NO_HINT = 'Please answer "yes", "no" or "not sure", or use the buttons.'


@dataclass(frozen=True)
class AnswerKind:
    """How one question's answer is read: the payload entity, the text parser, the hint."""

    entity: Optional[str]
    parse: Callable[[str], Any]
    hint: str


CHOICE_KINDS: Dict[str, AnswerKind] = {
    "pain_location": AnswerKind("body_part", parsers.parse_location,
                                'Please say "lower back", "knee", "both" or "somewhere else".'),
    "duration_weeks": AnswerKind("duration", parsers.parse_duration_weeks,
                                 'For example "3 weeks", "about 2 months" or "since last summer".'),
    "pain_severity": AnswerKind("severity", parsers.parse_severity,
                                'A number from 0 to 10, e.g. "6", or words like "mild" or "pretty bad".'),
    "insoles_tried": AnswerKind("insoles_tried", parsers.parse_insoles,
                                'Please say "no", "yes, they helped" or "yes, but no help".'),
    "age": AnswerKind(None, parsers.parse_age, 'Your age in years, e.g. "45", or "skip".'),
}
YES_NO_KIND = AnswerKind(None, parsers.parse_yes_no, YES_NO_HINT)


@dataclass(frozen=True)
class Reading:
    """What a message says about the requested question."""

    value: Any = None
    understood: bool = False


def answer_kind(key: str) -> AnswerKind:
    return CHOICE_KINDS.get(key, YES_NO_KIND)


def latest_entity(tracker: Tracker, entity: str) -> Optional[Any]:
    """The value of the last entity of this type in the latest message."""
    values = [e.get("value") for e in tracker.latest_message.get("entities", []) if e.get("entity") == entity]
    return values[-1] if values else None


def read_answer(key: str, tracker: Tracker) -> Reading:
    """Read the latest message as an answer to question `key`."""
    message = tracker.latest_message
    intent = message.get("intent", {})
    kind = answer_kind(key)
    text = message.get("text") or ""
    if intent.get("name") == "skip" and intent.get("confidence", 0) >= CONFIDENT:
        return Reading(UNKNOWN, True)
    # A yes/no intent counts for a button or for words; text without letters (emoji, symbols)
    # is left to the parser, so "🦶🦶" is re-asked rather than read as "yes" to a red flag.
    has_words = text.startswith("/") or any(ch.isalpha() for ch in text)
    if (kind is YES_NO_KIND and has_words and intent.get("confidence", 0) >= CONFIDENT
            and intent.get("name") in YES_NO_INTENTS):
        return Reading(YES_NO_INTENTS[intent["name"]], True)
    if text.startswith("/"):  # a button payload: its entity carries the value
        entity_value = latest_entity(tracker, kind.entity) if kind.entity else None
        return Reading() if entity_value is None else _from_parse(kind.parse(str(entity_value)))
    return _from_parse(kind.parse(text))  # the whole text: "lower back and knee" is both


def _from_parse(result: Any) -> Reading:
    if result.status == "ok":
        return Reading(result.value, True)
    if result.status == "unknown":
        return Reading(UNKNOWN, True)
    return Reading()


def count_reask(tracker: Tracker) -> EventType:
    """Counting re-asks also keeps Rasa from rejecting the form for an unclear answer."""
    return SlotSet("reask_count", (tracker.get_slot("reask_count") or 0) + 1)


def not_understood(dispatcher: CollectingDispatcher, tracker: Tracker, hint: str) -> List[EventType]:
    """An answer that does not fit: say so with the options, and ask again.

    A digression (a question, "start over", ...) is not an answer: no events, so the
    form rejects the message and the rules answer it before returning.
    """
    # The raw intent: rasa_sdk's get_intent_of_latest_message() skips nlu_fallback and returns the runner-up,
    # which made an unclear answer ("purple") look like a digression and the form give up on it.
    if tracker.latest_message.get("intent", {}).get("name") in DIGRESSIONS:
        return []
    dispatcher.utter_message(response="utter_did_not_understand_answer", answer_hint=hint)
    return [count_reask(tracker)]


class AnswerReadingForm(FormValidationAction, ABC):
    """A form that reads and checks each answer while extracting it (get_extraction_events).

    The SDK's default validation step would then drop every slot that is no longer
    in required_slots, such as the answer just given, so this keeps them all.
    """

    @abstractmethod
    def name(self) -> str:
        """validate_<form name>."""

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        return [SlotSet(name, value) for name, value in tracker.slots_to_validate().items()]
