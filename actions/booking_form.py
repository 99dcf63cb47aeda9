"""The booking form: location, time (with paging), name, contact, then a summary to confirm.

Times come from the clinic database (bot.storage.booking), generated from the
opening hours in clinic.yml. Every answer is read from buttons or free text;
one that does not fit is re-asked with an example.
"""
from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.clinic_facts import clinic
from actions.form_reading import (
    AnswerReadingForm, conversation_language, latest_entity, latest_intent, not_understood, read_free_text,
    read_name,
)
from actions.storage_access import StorageUnavailable, stored
from bot.clinic import Location
from bot.nlu.spanish import gloss
from bot.storage.booking import available_slots, bookable_after, ensure_slots
from bot.storage.models import Slot, utcnow
from bot.storage.validation import format_phone, parse_contact
from bot.wording import SPANISH, local_datetime, say

PAGE_SIZE = 3
LATER = "later"
BOOKING_SLOTS = ["booking_location", "booking_slot", "patient_name", "patient_contact", "booking_confirmed"]
#: What "change the ..." resets in the summary step, first match wins.
CHANGES = [
    (r"\b(location|place|office|site)\b", ["booking_location", "booking_slot"]),
    (r"\b(time|date|day|slot|appointment)\b", ["booking_slot"]),
    (r"\b(name|phone|number|e-?mail|contact|details)\b",
     ["patient_name", "patient_contact", "patient_phone", "patient_email"]),
]
ORDINALS = {"first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2, "last": -1}


def slot_label(slot: Slot, language: str = "en") -> str:
    """'Tue Dec 1, 9:00 AM' (or 'mar 1 de dic, 9:00 a.m.') in the clinic's time zone."""
    local = clinic().local(slot.starts_at)
    if language == SPANISH:
        return local_datetime(local, "EEE d 'de' MMM, h:mm a", language)
    return f"{local:%a %b} {local.day}, {local.hour % 12 or 12}:{local:%M} {'AM' if local.hour < 12 else 'PM'}"


def _location_from_text(text: str) -> Optional[Location]:
    words = set(re.findall(r"[a-z]+", text.lower()))
    for location in clinic().locations:
        names = set(re.findall(r"[a-z]+", f"{location.id} {location.name}".lower())) - {"manhattan", "the"}
        if words & names or ("ues" in words and location.id == "upper_east_side"):
            return location
    return None


def _free_times(tracker: Tracker, dispatcher: CollectingDispatcher) -> List[Slot]:
    """The free times on the page the patient is on (generating the calendar ahead if needed)."""
    with stored(dispatcher, "reading free times") as session:
        ensure_slots(session, clinic())
        after = bookable_after(clinic(), utcnow())
        page = int(tracker.get_slot("slot_page") or 0)
        return available_slots(session, tracker.get_slot("booking_location"), after, PAGE_SIZE, page * PAGE_SIZE)


class ActionAskBookingLocation(Action):
    def name(self) -> Text:
        return "action_ask_booking_location"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        buttons = [{"title": loc.name, "payload": '/inform{"location": "%s"}' % loc.id} for loc in clinic().locations]
        dispatcher.utter_message(response="utter_ask_booking_location", buttons=buttons)
        return []


class ActionAskBookingSlot(Action):
    """Offer the next free times as buttons, with "Later times" to page on."""

    def name(self) -> Text:
        return "action_ask_booking_slot"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        """The times are read once here and kept in `offered_slots`: the answer is read from
        that slot, not from the database again (booking checks the time is still free)."""
        try:
            slots = _free_times(tracker, dispatcher)
        except StorageUnavailable:
            return []
        if not slots:
            dispatcher.utter_message(response="utter_no_more_slots", clinic_phone=clinic().phone)
            return [SlotSet("slot_page", 0), SlotSet("offered_slots", [])]
        language = conversation_language(tracker)
        offered = [{"id": str(s.id), "label": slot_label(s, language)} for s in slots]
        buttons = [{"title": o["label"], "payload": '/inform{"slot_id": "%s"}' % o["id"]} for o in offered]
        buttons.append({"title": say("later_times", language), "payload": '/inform{"slot_id": "%s"}' % LATER})
        dispatcher.utter_message(response="utter_ask_booking_slot", buttons=buttons)
        return [SlotSet("offered_slots", offered)]


class ActionAskBookingConfirmed(Action):
    """The summary to confirm, with ways to change each part."""

    def name(self) -> Text:
        return "action_ask_booking_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        location = clinic().location(tracker.get_slot("booking_location"))
        dispatcher.utter_message(
            response="utter_ask_booking_confirmed",
            summary=say("booking_summary", conversation_language(tracker), location=location.name,
                        address=location.address, when=tracker.get_slot("booking_slot_label"),
                        name=tracker.get_slot("patient_name"), contact=tracker.get_slot("patient_contact")),
        )
        return []


class ValidateBookingForm(AnswerReadingForm):
    """Reads buttons and free text for each booking question; bad input is re-asked with an example."""

    def name(self) -> Text:
        return "validate_booking_form"

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> List[Text]:
        if tracker.get_slot("moving_booking_id"):
            return ["booking_location", "booking_slot", "booking_confirmed"]
        return BOOKING_SLOTS

    def read_booking_location(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
        chosen = latest_entity(tracker, "location")
        location = clinic().location(chosen) if chosen in {loc.id for loc in clinic().locations} else None
        location = location or _location_from_text(tracker.latest_message.get("text") or "")
        if location is None:
            language = conversation_language(tracker)
            names = say("list_or", language).join(loc.name for loc in clinic().locations)
            return not_understood(dispatcher, tracker, say("hint_location", language, locations=names))
        return [SlotSet("booking_location", location.id), SlotSet("slot_page", 0)]

    def read_booking_slot(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
        chosen = latest_entity(tracker, "slot_id")
        text = gloss(tracker.latest_message.get("text") or "").lower()  # "el primero" is "the first"
        if chosen == LATER or (chosen is None and re.search(r"\blater\b|\bother\b|\bmore\b|\bnext\b", text)):
            return [SlotSet("slot_page", int(tracker.get_slot("slot_page") or 0) + 1)]
        slot = _pick(tracker.get_slot("offered_slots") or [], chosen, text)
        if slot is None:
            return not_understood(dispatcher, tracker, say("hint_slot", conversation_language(tracker)))
        return [SlotSet("booking_slot", slot["id"]), SlotSet("booking_slot_label", slot["label"])]

    def read_patient_name(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
        return read_name(dispatcher, tracker)

    def read_patient_contact(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
        return read_free_text(dispatcher, tracker, _contact_events)

    def read_booking_confirmed(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
        intent = latest_intent(tracker)
        text = (tracker.latest_message.get("text") or "").lower()
        if re.search(r"\b(change|different|another|other)\b", text) or intent == "change_booking":
            for pattern, slots in CHANGES:
                if re.search(pattern, text):
                    return [SlotSet(slot, None) for slot in slots] + [SlotSet("slot_page", 0)]
        if intent == "affirm":
            return [SlotSet("booking_confirmed", True)]
        if intent in ("deny", "cancel_booking"):
            return [SlotSet("booking_confirmed", False)]
        return not_understood(dispatcher, tracker, say("hint_confirm", conversation_language(tracker)))


def _contact_events(text: str) -> List[EventType]:
    """A phone number or an e-mail, stored structured (E.164 or the address) and as shown."""
    contact = parse_contact(text)
    return [SlotSet("patient_phone", contact.phone), SlotSet("patient_email", contact.email),
            SlotSet("patient_contact", contact.email or format_phone(contact.phone))]


def _pick(offered: List[Dict[str, str]], chosen: Optional[str], text: str) -> Optional[Dict[str, str]]:
    """The time the patient chose among those offered: a button's id, "the first one", or the time as shown."""
    by_id = {time["id"]: time for time in offered}
    if chosen is not None:
        return by_id.get(str(chosen))
    for word, index in ORDINALS.items():
        if re.search(rf"\b{word}\b", text) and offered:
            return offered[index] if -len(offered) <= index < len(offered) else None
    return next((time for time in offered if time["label"].lower() in text), None)
