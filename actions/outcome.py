"""The triage result: run the engine on the answers, set the result slots, say it plainly.

Emergency and urgent outcomes give specific advice and offer nothing else. A
gait-analysis outcome is honest about the evidence and leads to the booking offer.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.answers import answers_from_tracker, pattern_questions, screen_questions
from actions.clinic_facts import clinic
from actions.corrections import correction_events, red_flag_events
from actions.storage_access import channel_of, unit_of_work
from bot.storage.conversations import save_assessment
from bot.triage import TriageResult, advice, assess

logger = logging.getLogger(__name__)

MAX_REASONS = 3
SAFETY_DISPOSITIONS = {"emergency", "urgent"}


def outcome_message(result: TriageResult, clinic_phone: str) -> str:
    """The outcome in plain words: the advice first, then why, then the honest caveat."""
    reasons = [reason.text for reason in result.reasons[:MAX_REASONS]]
    if result.disposition in SAFETY_DISPOSITIONS:
        lines = [f"⚠️ {advice(result.disposition)}"]
        lines += [f"• {text}" for text in reasons]
        lines.append("I'm not a doctor, but this should be checked by one before anything else. "
                     "A gait analysis is not the right next step for now.")
        return "\n".join(lines)
    if result.disposition == "gait_analysis":
        lines = [f"Thank you. Your answers suggest a {result.likelihood} likelihood that the way your feet "
                 "work contributes to your pain. The main reasons:"]
    else:
        lines = ["Thank you. Here is what your answers suggest:"]
    lines += [f"• {text}" for text in reasons]
    lines.append(advice(result.disposition))
    if result.disposition == "consult":
        lines.append(f"You can call us on {clinic_phone} if you'd like a general podiatry visit.")
    lines.append("I'm not a doctor and this is not a diagnosis. The link between feet and back or knee "
                 "pain is modest: a gait analysis checks whether your feet play a part, it can't promise a cure.")
    return "\n".join(lines)


class ActionCheckScreen(Action):
    """After the red-flag screen: clear (go on to the pain pattern) or not (give the outcome)."""

    def name(self) -> Text:
        return "action_check_screen"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        answers = answers_from_tracker(tracker)
        clear = not assess(answers).red_flags and bool(pattern_questions(answers))
        if clear and not screen_questions(answers):
            dispatcher.utter_message(response="utter_screen_clear")
        return [SlotSet("screen_clear", clear)]


class ActionTriageOutcome(Action):
    """Assess, store the assessment (with consent), set the result slots and explain."""

    def name(self) -> Text:
        return "action_triage_outcome"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        volunteered = red_flag_events(tracker)
        answers = answers_from_tracker(tracker)
        answers.update({event["name"]: event["value"] for event in volunteered})
        result = assess(answers)
        dispatcher.utter_message(text=outcome_message(result, clinic().phone))
        if tracker.get_slot("consent") is True:
            _store(tracker, answers, result)
        events = volunteered + [
            SlotSet("disposition", result.disposition),
            SlotSet("likelihood", result.likelihood),
            SlotSet("score", float(result.score)),
        ]
        return events


def _store(tracker: Tracker, answers: Dict[str, Any], result: TriageResult) -> None:
    """Keep the assessment for the clinic; a database failure must not hide the advice."""
    try:
        with unit_of_work() as session:
            save_assessment(session, tracker.sender_id, channel_of(tracker), answers, result.to_dict())
    except SQLAlchemyError as error:
        logger.error("Could not store an assessment: %s", type(error).__name__)


class ActionUpdateAnswer(Action):
    """A changed answer outside the forms: apply it, clear the old result, re-run the triage.

    The rules then reopen the screen form, which asks any question the change made
    relevant (e.g. the knee questions) before the pattern and the new outcome.
    """

    def name(self) -> Text:
        return "action_update_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        updates = correction_events(tracker, dispatcher)
        if not updates:
            dispatcher.utter_message(response="utter_no_update")
        return updates + [SlotSet("disposition", None), SlotSet("screen_clear", None)]
