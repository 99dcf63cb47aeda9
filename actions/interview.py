"""The interview as Rasa actions: thin wrappers around bot.conversation.

`action_interview` handles every message of the interview: it reads the state
from slots, lets bot.conversation.take_turn decide, says the replies and writes
the changed slots back. `action_interruption` answers a question asked in
between (an FAQ, "why do you ask?", "are you a bot?") and repeats whatever is
open. No question, order or gate lives in Rasa files: the triage engine
(bot.triage.next_question) chooses every question.
"""
from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any, Dict, List, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.clinic_facts import clinic
from actions.form_reading import latest_intent
from actions.storage_access import StorageUnavailable, channel_of, stored
from bot.conversation import (
    Clinic, InterviewState, PatientMessage, answers_the_interview, reask, refusal, take_turn,
)
from bot.conversation.phrases import say
from bot.conversation.render import Reply
from bot.nlu.language import conversation_language
from bot.storage.conversations import save_assessment
from bot.triage import TriageResult, why_we_ask
from bot.triage.questions import EXPLANATIONS

logger = logging.getLogger(__name__)

FAQ_KEYS = {
    "ask_gait_analysis": "gait_analysis",
    "ask_overpronation": "overpronation",
    "ask_orthotics": "orthotics",
    "ask_insurance": "insurance",
    "ask_hours": "hours",
    "ask_locations": "locations",
}
RESPONSES = {"bot_challenge": "utter_iamabot", "out_of_scope": "utter_out_of_scope",
             "thank": "utter_youre_welcome", "goodbye": "utter_goodbye"}


def clinic_for_conversation() -> Clinic:
    facts = clinic()
    return Clinic(name=facts.name, phone=facts.phone)


def state_of(tracker: Tracker) -> InterviewState:
    return InterviewState.from_slots(tracker.get_slot)


def language_now(tracker: Tracker) -> Tuple[str, List[EventType]]:
    """The conversation's language after the latest message, and the slot event when it
    changed (or was never set): asked for, detected, or the channel's hint (bot.nlu.language)."""
    latest = tracker.latest_message
    stored_language = tracker.get_slot("language")
    language = conversation_language(stored_language, latest.get("text") or "", latest.get("metadata") or {})
    return language, ([] if language == stored_language else [SlotSet("language", language)])


def patient_message(tracker: Tracker) -> PatientMessage:
    latest = tracker.latest_message
    return PatientMessage.from_parse(latest.get("text") or "", latest_intent(tracker), latest.get("entities") or [])


def utter(dispatcher: CollectingDispatcher, replies: List[Reply], language: str) -> None:
    """Say the replies; each carries its language (message metadata: the widget sets `lang` from it)."""
    for reply in replies:
        dispatcher.utter_message(text=reply.text, buttons=list(reply.buttons), json_message=reply.custom,
                                 language=language)


def meant_for_the_interview(tracker: Tracker) -> bool:
    """True when a message the classifier took for something else (a question in between, a
    booking to cancel or move) answers the open question or states facts, outside any form:
    the interview must read it, or an answer, a red flag among them, would be lost."""
    if tracker.active_loop.get("name"):
        return False
    state = replace(state_of(tracker), language=language_now(tracker)[0])
    return answers_the_interview(state, patient_message(tracker))


class ActionInterview(Action):
    """One turn of the interview (bot.conversation.take_turn)."""

    def name(self) -> Text:
        return "action_interview"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        language, events = language_now(tracker)
        before = replace(state_of(tracker), language=language)
        turn = take_turn(before, patient_message(tracker), clinic_for_conversation())
        utter(dispatcher, list(turn.replies), turn.state.language)
        events += [SlotSet(slot, value) for slot, value in turn.state.changed_slots(before).items()]
        if turn.result is not None:
            events += _result_slots(turn.result)
            if turn.state.consent is True:
                _store(dispatcher, tracker, turn.state, turn.result)
        if turn.followup:
            events.append(FollowupAction(turn.followup))
        return events


def _result_slots(result: TriageResult) -> List[EventType]:
    return [SlotSet("likelihood", result.likelihood), SlotSet("score", float(result.score))]


def _store(dispatcher: CollectingDispatcher, tracker: Tracker, state: InterviewState, result: TriageResult) -> None:
    """Keep the assessment for the clinic; a database failure must not hide the advice (given first)."""
    try:
        with stored(dispatcher, "an assessment") as session:
            # The language is kept with the result: staff pages show it, the patient's notices use it.
            stored_result = {**result.to_dict(), "language": state.language}
            save_assessment(session, tracker.sender_id, channel_of(tracker), state.answers, stored_result)
    except StorageUnavailable:
        pass


class ActionInterruption(Action):
    """Answer a question asked in between, then repeat what is open (a form repeats its own)."""

    def name(self) -> Text:
        return "action_interruption"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        intent = latest_intent(tracker) or ""
        language, events = language_now(tracker)
        state = replace(state_of(tracker), language=language)
        if meant_for_the_interview(tracker):
            return [FollowupAction("action_interview")]  # an answer the classifier took for a question
        if intent in FAQ_KEYS:
            dispatcher.utter_message(text=clinic().faq_answer(FAQ_KEYS[intent], language), language=language)
        elif intent == "ask_why":
            open_question = state.open_question
            if open_question in EXPLANATIONS and not tracker.active_loop.get("name"):
                dispatcher.utter_message(text=why_we_ask(open_question).say(language), language=language)
            else:
                dispatcher.utter_message(response="utter_why_general", language=language)
        elif intent in ("too_long", "no_words"):
            refused = refusal(patient_message(tracker), language) or say("no_words", language)
            dispatcher.utter_message(text=refused, language=language)
        else:
            dispatcher.utter_message(response=RESPONSES.get(intent, "utter_out_of_scope"), language=language)
        if not tracker.active_loop.get("name") and state.open_question:
            utter(dispatcher, reask(state, clinic_for_conversation()), language)
        return events
