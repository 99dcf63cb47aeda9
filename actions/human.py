""""Talk to a person": the clinic's phone number, and a callback request staff can act on."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.clinic_facts import clinic
from actions.form_reading import AnswerReadingForm, read_free_text, read_name
from actions.storage_access import StorageUnavailable, channel_of, stored
from bot.storage.conversations import record_callback
from bot.storage.validation import validate_phone


class ActionRequestHuman(Action):
    """Give the phone number; outside a form, also offer a callback (the callback form follows)."""

    def name(self) -> Text:
        return "action_request_human"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        dispatcher.utter_message(response="utter_human_phone", clinic_phone=clinic().phone)
        if not tracker.active_loop.get("name"):
            dispatcher.utter_message(response="utter_ask_callback")
        return []


class ValidateCallbackForm(AnswerReadingForm):
    """Name and phone number for a callback, read like the booking form's details."""

    def name(self) -> Text:
        return "validate_callback_form"

    def read_patient_name(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
        return read_name(dispatcher, tracker)

    def read_patient_phone(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
        return read_free_text(dispatcher, tracker, lambda text: [SlotSet("patient_phone", validate_phone(text))])


class ActionRecordCallback(Action):
    """Store the callback request; the clinic is notified through the outbox."""

    def name(self) -> Text:
        return "action_record_callback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        try:
            with stored(dispatcher, "a callback request") as session:
                record_callback(
                    session, tracker.sender_id, channel_of(tracker), tracker.get_slot("patient_name"),
                    tracker.get_slot("patient_phone"), reason="Asked to talk to a person in the chat",
                )
        except StorageUnavailable:
            return []
        dispatcher.utter_message(response="utter_callback_recorded")
        return [SlotSet("patient_phone", None)]
