"""The red-flag screen and the pain-pattern forms.

Both forms ask what the triage engine says is still needed, in its order
(bot.triage.next_question, one key at a time: actions/answers.py), so which
questions apply to whom stays clinical logic outside Rasa. On every message they also:
- record red flags the NLU component found anywhere in the message, which makes
  the engine's question list empty and so ends the form at once;
- apply corrections of earlier answers ("actually it's both knees");
- re-ask, with the options, when an answer does not fit, instead of guessing.
Digressions (FAQ, "why do you ask?") are left alone: the form rejects them and the
rules answer before returning to the question.
"""
from __future__ import annotations

from abc import abstractmethod
from typing import Any, Callable, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.answer_reading import AnswerReadingForm, answer_kind, count_reask, not_understood, read_answer
from actions.answers import UNKNOWN, answers_from_tracker, pattern_questions, screen_questions
from actions.corrections import correction_events, red_flag_events


class TriageFormValidation(AnswerReadingForm):
    """Shared behaviour of the two triage forms; subclasses name the form and its questions."""

    questions: Callable[[Dict[str, Any]], List[str]]

    @abstractmethod
    def name(self) -> Text:
        """validate_<form name>."""

    async def required_slots(
        self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Text]:
        return type(self).questions(answers_from_tracker(tracker))

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        flags = red_flag_events(tracker)
        if flags:
            return flags
        corrections = correction_events(tracker, dispatcher)
        requested = tracker.get_slot("requested_slot")
        if not requested or tracker.active_loop.get("name") != self.form_name():
            return corrections
        reading = read_answer(requested, tracker)
        if reading.understood:
            if requested.startswith("rf_") and reading.value == UNKNOWN:
                dispatcher.utter_message(response="utter_red_flag_not_sure")
                return corrections + [count_reask(tracker)]
            return corrections + [SlotSet(requested, reading.value), SlotSet("reask_count", 0)]
        if corrections:
            return corrections
        return not_understood(dispatcher, tracker, answer_kind(requested).hint)


class ValidateScreenForm(TriageFormValidation):
    """Red-flag screen, then the questions whose answers point away from the feet."""

    questions = staticmethod(screen_questions)

    def name(self) -> Text:
        return "validate_screen_form"


class ValidatePatternForm(TriageFormValidation):
    """The pain-pattern questions that feed the foot-mechanics score."""

    questions = staticmethod(pattern_questions)

    def name(self) -> Text:
        return "validate_pattern_form"
