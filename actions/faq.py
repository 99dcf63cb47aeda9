"""Answers to general questions, from the clinic's config, and "why do you ask?"."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.clinic_facts import clinic
from bot.triage import why_we_ask

FAQ_KEYS = {
    "ask_gait_analysis": "gait_analysis",
    "ask_overpronation": "overpronation",
    "ask_orthotics": "orthotics",
    "ask_insurance": "insurance",
    "ask_hours": "hours",
    "ask_locations": "locations",
}


class ActionAnswerFaq(Action):
    """Answer an FAQ intent with the clinic's own text (clinic.yml)."""

    def name(self) -> Text:
        return "action_answer_faq"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        intent = tracker.get_intent_of_latest_message()
        key = FAQ_KEYS.get(intent or "")
        if key is None:
            dispatcher.utter_message(response="utter_default")
            return []
        dispatcher.utter_message(text=clinic().faq_answer(key))
        if tracker.active_loop.get("name"):
            dispatcher.utter_message(response="utter_continue")
        return []


class ActionExplainQuestion(Action):
    """Say why the pending question matters, in plain words."""

    def name(self) -> Text:
        return "action_explain_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        requested = tracker.get_slot("requested_slot")
        if requested and tracker.active_loop.get("name") in ("screen_form", "pattern_form"):
            dispatcher.utter_message(text=why_we_ask(requested))
        else:
            dispatcher.utter_message(response="utter_why_general")
        return []
