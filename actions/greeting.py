"""Introduction and consent: who the assistant is, that it is not a doctor, and what it stores."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.clinic_facts import clinic


class ActionGreet(Action):
    """Introduce the assistant with the clinic's name, and say it is not a doctor."""

    def name(self) -> Text:
        return "action_greet"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        introduce(dispatcher)
        return []


def introduce(dispatcher: CollectingDispatcher) -> None:
    dispatcher.utter_message(response="utter_greet", clinic_name=clinic().name)
    dispatcher.utter_message(response="utter_not_a_doctor")


class ActionNoConsent(Action):
    """Without consent: no health questions; the phone number and general topics instead."""

    def name(self) -> Text:
        return "action_no_consent"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        dispatcher.utter_message(response="utter_no_consent", clinic_phone=clinic().phone)
        return []
