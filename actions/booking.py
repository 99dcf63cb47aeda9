"""Booking a gait analysis: who may book, saving the booking, cancelling or moving it.

The database makes double booking impossible; a time taken a moment earlier is
answered with other times, never an error. The clinic is notified through the
storage layer's outbox, in the same transaction as the booking.
"""
from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from actions.booking_form import BOOKING_SLOTS, slot_label
from actions.form_reading import conversation_language
from actions.clinic_facts import clinic
from actions.interview import meant_for_the_interview
from actions.storage_access import StorageUnavailable, channel_of, stored, unit_of_work
from bot.calendar import calendar_link
from bot.security.senders import telegram_chat
from bot.storage.booking import (
    BookingError, BookingLimitReached, BookingNotFound, SlotTaken, SlotUnavailable, active_booking_for, book_slot,
    cancel_booking, move_booking,
)
from bot.storage.models import Booking
from bot.wording import say

logger = logging.getLogger(__name__)

CLEARED_AFTER_BOOKING = BOOKING_SLOTS + ["booking_slot_label", "slot_page", "moving_booking_id", "offered_slots",
                                         "patient_phone", "patient_email"]


class ActionBookingGate(Action):
    """Who may book now: eligible after triage, else triage (with consent) first, or not at all."""

    def name(self) -> Text:
        return "action_booking_gate"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        disposition = tracker.get_slot("disposition")
        if disposition == "gait_analysis":
            route = "book"
        elif disposition is None:
            route = "triage" if tracker.get_slot("consent") is True else "consent"
            dispatcher.utter_message(response="utter_triage_before_booking")
        else:
            route = "not_eligible"
            dispatcher.utter_message(response="utter_booking_not_advised", clinic_phone=clinic().phone)
        return [SlotSet("booking_route", route)]


def confirmation_message(booking: Booking, language: str = "en") -> str:
    """Date, time, address, what to bring, how to cancel, and the calendar link, in `language`."""
    facts = clinic()
    location = facts.location(booking.slot.location_id)
    return say("booking_confirmation", language, location=location.name, address=location.address,
               when=slot_label(booking.slot, language), minutes=facts.gait_analysis.duration_minutes,
               bring=facts.gait_analysis.bring(language), how_to_cancel=facts.how_to_cancel,
               calendar_link=calendar_link(booking))


def problem_text(problem: BookingError, language: str) -> str:
    """A booking problem the patient can act on, in `language` (the storage layer's message is English)."""
    if isinstance(problem, BookingLimitReached):
        return say("booking_limit", language, limit=problem.limit, clinic_phone=problem.phone)
    for kind, name in ((SlotTaken, "slot_taken"), (SlotUnavailable, "slot_unavailable"),
                       (BookingNotFound, "no_active_booking")):
        if isinstance(problem, kind):
            return say(name, language)
    return str(problem)


class ActionBookSlot(Action):
    """Save the confirmed booking (or move the existing one); a taken time goes back to the times."""

    def name(self) -> Text:
        return "action_book_slot"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        if tracker.get_slot("booking_confirmed") is not True:
            dispatcher.utter_message(response="utter_booking_abandoned")
            return _cleared() + [SlotSet("booking_status", "abandoned")]
        try:
            with unit_of_work() as session:
                booking = _save(session, tracker)
                message = confirmation_message(booking, conversation_language(tracker))
        except SlotTaken as taken:
            dispatcher.utter_message(text=problem_text(taken, conversation_language(tracker)))
            return [SlotSet("booking_slot", None), SlotSet("booking_confirmed", None),
                    SlotSet("booking_status", "taken")]
        except BookingLimitReached as limit:
            dispatcher.utter_message(text=problem_text(limit, conversation_language(tracker)))
            return _cleared() + [SlotSet("booking_status", "failed")]
        except (BookingError, SQLAlchemyError) as problem:
            logger.warning("Booking failed: %s", type(problem).__name__)
            dispatcher.utter_message(response="utter_booking_failed", clinic_phone=clinic().phone)
            return _cleared() + [SlotSet("booking_status", "failed")]
        dispatcher.utter_message(text=message)
        return _cleared() + [SlotSet("booking_status", "booked")]


def _save(session: Any, tracker: Tracker) -> Booking:
    slot_id = int(tracker.get_slot("booking_slot"))
    moving = tracker.get_slot("moving_booking_id")
    if moving:
        return move_booking(session, int(moving), slot_id)
    channel = channel_of(tracker)
    # A Telegram conversation's sender id is tg:<chat>: confirmation, reminders and their buttons go there.
    chat_id = telegram_chat(tracker.sender_id)
    return book_slot(session, slot_id, tracker.get_slot("patient_name"), tracker.get_slot("patient_phone"),
                     tracker.get_slot("patient_email"), channel, tracker.sender_id, telegram_chat_id=chat_id)


def _cleared() -> List[EventType]:
    return [SlotSet(slot, None) for slot in CLEARED_AFTER_BOOKING]


class ExistingBookingAction(Action, ABC):
    """Acts on the conversation's upcoming booking; says so when there is none or the database is down."""

    @abstractmethod
    def name(self) -> Text:
        """The action's name."""

    @abstractmethod
    def act(self, dispatcher: CollectingDispatcher, session: Session, booking: Booking,
            language: str) -> List[EventType]:
        """What to do with the booking, inside the unit of work; `language` is the conversation's."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        try:
            with stored(dispatcher, "changing a booking") as session:
                booking = active_booking_for(session, tracker.sender_id)
                if booking is not None:
                    return self.act(dispatcher, session, booking, conversation_language(tracker))
        except StorageUnavailable:
            return [SlotSet("booking_route", "none")]
        except BookingError as problem:
            logger.warning("Could not change a booking: %s", type(problem).__name__)
            dispatcher.utter_message(text=problem_text(problem, conversation_language(tracker)))
            return [SlotSet("booking_route", "none")]
        if meant_for_the_interview(tracker):
            # No booking, and the words answer the open question ("the right foot went cold and blue"
            # read as "change my booking"): the interview reads them, as it would have.
            return [SlotSet("booking_route", "none"), FollowupAction("action_interview")]
        dispatcher.utter_message(response="utter_no_booking_found", clinic_phone=clinic().phone)
        return [SlotSet("booking_route", "none")]


class ActionOfferCancel(ExistingBookingAction):
    """Show the upcoming booking and ask to confirm the cancellation."""

    def name(self) -> Text:
        return "action_offer_cancel"

    def act(self, dispatcher: CollectingDispatcher, session: Session, booking: Booking,
            language: str) -> List[EventType]:
        dispatcher.utter_message(response="utter_ask_cancel_confirm", booking=_describe(booking, language))
        return [SlotSet("booking_route", "cancel")]


class ActionCancelBooking(ExistingBookingAction):
    """Cancel the upcoming booking (confirmed by the patient); the slot is free again."""

    def name(self) -> Text:
        return "action_cancel_booking"

    def act(self, dispatcher: CollectingDispatcher, session: Session, booking: Booking,
            language: str) -> List[EventType]:
        cancel_booking(session, booking.id)
        dispatcher.utter_message(response="utter_booking_cancelled", booking=_describe(booking, language))
        return [SlotSet("booking_route", None)]


class ActionStartMove(ExistingBookingAction):
    """Moving a booking: the booking form runs again for location and time only."""

    def name(self) -> Text:
        return "action_start_move"

    def act(self, dispatcher: CollectingDispatcher, session: Session, booking: Booking,
            language: str) -> List[EventType]:
        dispatcher.utter_message(response="utter_moving_booking", booking=_describe(booking, language))
        return [SlotSet("moving_booking_id", str(booking.id)), SlotSet("booking_location", None),
                SlotSet("booking_slot", None), SlotSet("booking_confirmed", None),
                SlotSet("patient_name", booking.patient_name), SlotSet("slot_page", 0),
                SlotSet("booking_route", "book")]


def _describe(booking: Booking, language: str) -> str:
    return say("booking_described", language, location=clinic().location(booking.slot.location_id).name,
               when=slot_label(booking.slot, language))
