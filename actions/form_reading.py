"""The one validation style of the booking and callback forms: each answer is read while extracted.

A form reads the requested slot itself (get_extraction_events) from buttons or
free text. In a field that expects free text (a name, a phone number, an
e-mail) the text is the answer whatever the intent classifier guessed ("Tom
Hart" is a name, not "start over"), unless it is unmistakably something else:
a red flag, or one of a few exact commands. Then the form lets the message go
(no events: Rasa's loop is rejected) and the rules answer it, asking for
confirmation before anything destructive.
"""
from __future__ import annotations

import re
from abc import ABC, abstractmethod
from typing import Any, Callable, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from bot.storage.validation import InvalidInput, validate_name
from bot.wording import language_or_default, say

#: Intents that are questions or commands, not answers (for fields that are not free text).
DIGRESSIONS = frozenset({
    "ask_gait_analysis", "ask_overpronation", "ask_orthotics", "ask_locations", "ask_hours",
    "ask_insurance", "ask_why", "ask_human", "bot_challenge", "start_over", "forget_me",
    "book_gait_analysis", "cancel_booking", "change_booking", "goodbye", "thank", "out_of_scope",
    "report_red_flag", "too_long", "no_words",
})
_COMMAND = re.compile(
    r"^(?:please )?(?:start (?:over|again)|restart|start_over|cancel(?: (?:it|that|the booking))?|stop|never ?mind|"
    r"delete (?:my|all)(?: \w+)? data|forget me|(?:talk|speak) to (?:a|someone|somebody|a real)(?: \w+)?|"
    r"help|why\??|what\?)[.!]?$", re.IGNORECASE)


def latest_entity(tracker: Tracker, entity: str) -> Optional[Any]:
    """The value of the last entity of this type in the latest message."""
    values = [e.get("value") for e in tracker.latest_message.get("entities", []) if e.get("entity") == entity]
    return values[-1] if values else None


def latest_intent(tracker: Tracker) -> Optional[str]:
    """The raw intent: rasa_sdk's helper skips nlu_fallback and returns the runner-up."""
    return tracker.latest_message.get("intent", {}).get("name")


def free_text_answer(tracker: Tracker) -> Optional[str]:
    """The text as the answer to a free-text field, or None if it is unmistakably something else."""
    text = (tracker.latest_message.get("text") or "").strip()
    if not text or text.startswith("/") or latest_intent(tracker) in ("report_red_flag", "too_long", "no_words"):
        return None
    return None if _COMMAND.match(text) else text


def conversation_language(tracker: Tracker) -> str:
    """The conversation's language (slot `language`), English until it is set."""
    return language_or_default(tracker.get_slot("language"))


def not_understood(dispatcher: CollectingDispatcher, tracker: Tracker, hint: str) -> List[EventType]:
    """An answer that does not fit: say so with an example, and ask again.

    A digression (a question, "start over", ...) is not an answer: no events, so the
    form is rejected and the rules answer it before returning to the question.
    """
    if latest_intent(tracker) in DIGRESSIONS:
        return []
    dispatcher.utter_message(text=say("form_not_understood", conversation_language(tracker), hint=hint))
    return [SlotSet("form_tries", (tracker.get_slot("form_tries") or 0) + 1)]


_NAME_INTRO = re.compile(r"^(?:my name is|my name's|name is|name's|it's|it is|i'm|i am|this is|call me)\s+",
                         re.IGNORECASE)


def read_free_text(dispatcher: CollectingDispatcher, tracker: Tracker,
                   read: Callable[[str], List[EventType]]) -> List[EventType]:
    """Read a free-text field: the text goes to `read` (which may raise InvalidInput, re-asked
    with its example); a message that is unmistakably something else is left to the rules."""
    text = free_text_answer(tracker)
    if text is None:
        return []
    try:
        return read(text)
    except InvalidInput as problem:
        return not_understood(dispatcher, tracker, problem.say(conversation_language(tracker)))


def read_name(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
    """The whole text is the name ("Tom Hart"), without a leading "my name is"."""
    return read_free_text(dispatcher, tracker, lambda text: [
        SlotSet("patient_name", validate_name(_NAME_INTRO.sub("", text).strip(" .!")))])

class AnswerReadingForm(FormValidationAction, ABC):
    """A form whose `read_<slot>` methods read the requested slot; validation keeps what they set.

    The SDK's default validation step would drop every slot that is no longer in
    required_slots, such as the answer just given, so this keeps them all.
    """

    @abstractmethod
    def name(self) -> str:
        """validate_<form name>."""

    async def get_extraction_events(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> List[EventType]:
        requested = tracker.get_slot("requested_slot")
        if not requested or tracker.active_loop.get("name") != self.form_name():
            return []
        if latest_intent(tracker) in ("report_red_flag", "too_long", "no_words"):
            return []  # left to the rules: a red flag ends the form with advice
        return getattr(self, f"read_{requested}")(dispatcher, tracker)

    async def get_validation_events(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> List[EventType]:
        return [SlotSet(name, value) for name, value in tracker.slots_to_validate().items()]
