""""Talk to a person": the clinic's phone number, and a callback request staff can act on."""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions.clinic_facts import clinic
from actions.storage_access import channel_of, unit_of_work
from bot.storage.conversations import record_callback
from bot.storage.validation import InvalidInput, validate_name, validate_phone

logger = logging.getLogger(__name__)


class ActionRequestHuman(Action):
    """Give the phone number; outside a form, also offer a callback (the callback form follows)."""

    def name(self) -> Text:
        return "action_request_human"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        dispatcher.utter_message(response="utter_human_phone", clinic_phone=clinic().phone)
        if not tracker.active_loop.get("name"):
            dispatcher.utter_message(response="utter_ask_callback")
        return []


class ValidateCallbackForm(FormValidationAction):
    """Name and phone number for a callback, checked with the storage layer's validators."""

    def name(self) -> Text:
        return "validate_callback_form"

    def validate_patient_name(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                              domain: DomainDict) -> Dict[Text, Any]:
        return _validated("patient_name", validate_name, value, dispatcher)

    def validate_patient_phone(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: DomainDict) -> Dict[Text, Any]:
        return _validated("patient_phone", validate_phone, value, dispatcher)


def _validated(slot: str, validate: Any, value: Any, dispatcher: CollectingDispatcher) -> Dict[Text, Any]:
    """Run a storage validator; on failure say what is wrong (with an example) and re-ask."""
    try:
        return {slot: validate(str(value))}
    except InvalidInput as problem:
        dispatcher.utter_message(text=str(problem))
        return {slot: None}


class ActionRecordCallback(Action):
    """Store the callback request; the clinic is notified through the outbox."""

    def name(self) -> Text:
        return "action_record_callback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        try:
            with unit_of_work() as session:
                record_callback(
                    session, tracker.sender_id, channel_of(tracker), tracker.get_slot("patient_name"),
                    tracker.get_slot("patient_phone"), reason="Asked to talk to a person in the chat",
                )
        except (SQLAlchemyError, InvalidInput) as error:
            logger.error("Could not record a callback request: %s", type(error).__name__)
            dispatcher.utter_message(response="utter_storage_unavailable", clinic_phone=clinic().phone)
            return []
        dispatcher.utter_message(response="utter_callback_recorded")
        return [SlotSet("patient_phone", None)]
