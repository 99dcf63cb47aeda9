"""What a conversation leaves in the database: assessments, callback requests, and forgetting them.

Call these only after the patient consented to storage. `forget_conversation`
is the "forget me" request: assessments and callback requests are deleted
(their queued notifications with them); bookings are cancelled if still
upcoming (freeing the slot, and telling the clinic) and anonymised, so the
clinic's schedule history keeps a row without a name, contact, conversation id
or health data; messages still queued for the patient (confirmation, reminder)
are deleted, and the booking's links (manage, calendar) stop working.
"""
from __future__ import annotations

import copy
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Dict, List, Optional, Tuple

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.storage.outbox import enqueue
from bot.storage.booking import cancel_booking
from bot.storage.models import DONE, PATIENT_KINDS, Assessment, Booking, CallbackRequest, Notification, utcnow
from bot.storage.validation import validate_name, validate_phone

FORGOTTEN_NAME = "(forgotten on request)"
MAX_REASON_CHARS = 2000


def save_assessment(
    session: Session, conversation_id: str, channel: str, answers: Dict[str, Any], result: Dict[str, Any]
) -> Assessment:
    """Store the triage engine's answers and result (result["disposition"] is indexed for staff)."""
    assessment = Assessment(
        conversation_id=conversation_id, channel=channel,
        answers=copy.deepcopy(answers), result=copy.deepcopy(result),
        disposition=result.get("disposition"),
    )
    session.add(assessment)
    session.flush()
    return assessment


def record_callback(
    session: Session, conversation_id: str, channel: str, name: str, phone: str, reason: str
) -> CallbackRequest:
    """Store a "please call me" request and queue the clinic's notification in the same transaction.

    Raises InvalidInput for a bad name or phone number.
    """
    callback = CallbackRequest(
        conversation_id=conversation_id, channel=channel, name=validate_name(name),
        phone=validate_phone(phone), reason=(reason or "").strip()[:MAX_REASON_CHARS],
    )
    session.add(callback)
    session.flush()
    enqueue(session, "callback_requested", callback=callback)
    return callback


def mark_callback_done(session: Session, callback_id: int, now: Optional[datetime] = None) -> CallbackRequest:
    callback = session.get(CallbackRequest, callback_id)
    if callback is None:
        raise LookupError(f"No callback request {callback_id}.")
    callback.status, callback.handled_at = DONE, now or utcnow()
    session.flush()
    return callback


@dataclass(frozen=True)
class Forgotten:
    """What forget_conversation did, for the bot's reply and the logs (counts only)."""

    assessments_deleted: int
    callbacks_deleted: int
    bookings_cancelled: int
    bookings_anonymised: int
    patient_messages_deleted: int


def anonymise_bookings(session: Session, bookings: List[Booking], now: datetime) -> Tuple[int, int]:
    """Cancel the upcoming ones, strip every personal field, break old links, drop patient messages.

    Returns (bookings cancelled, patient messages deleted).
    """
    cancelled = 0
    for booking in bookings:
        if booking.is_active and booking.slot.starts_at > now:
            cancel_booking(session, booking.id, now=now)
            cancelled += 1
        booking.patient_name, booking.phone, booking.email = FORGOTTEN_NAME, None, None
        booking.telegram_chat_id, booking.manage_secret = None, secrets.token_urlsafe(24)  # old links stop working
        booking.calendar_token = secrets.token_urlsafe(24)
        booking.conversation_id, booking.assessment_id, booking.updated_at = None, None, now
    session.flush()
    booking_ids = [booking.id for booking in bookings]
    if not booking_ids:
        return cancelled, 0
    patient_messages = session.execute(
        sa.delete(Notification).where(Notification.booking_id.in_(booking_ids), Notification.kind.in_(PATIENT_KINDS))
        .execution_options(synchronize_session="fetch")
    ).rowcount
    session.execute(sa.update(Notification).where(Notification.booking_id.in_(booking_ids))  # an error may quote
                    .values(last_error=None).execution_options(synchronize_session="fetch"))  # an address
    return cancelled, patient_messages


def delete_callbacks(session: Session, which: sa.sql.ColumnElement) -> int:
    """Delete the callback requests matching `which`, and their queued notifications first."""
    session.execute(sa.delete(Notification).where(Notification.callback_id.in_(sa.select(CallbackRequest.id)
                                                                                .where(which)))
                    .execution_options(synchronize_session="fetch"))
    return session.execute(sa.delete(CallbackRequest).where(which)
                           .execution_options(synchronize_session="fetch")).rowcount


def forget_conversation(session: Session, conversation_id: str, now: Optional[datetime] = None) -> Forgotten:
    """Erase what this conversation stored; see the module docstring for bookings."""
    now = now or utcnow()
    bookings = list(session.scalars(sa.select(Booking).where(Booking.conversation_id == conversation_id)))
    cancelled, patient_messages = anonymise_bookings(session, bookings, now)
    callbacks = delete_callbacks(session, CallbackRequest.conversation_id == conversation_id)
    assessments = session.execute(
        sa.delete(Assessment).where(Assessment.conversation_id == conversation_id)
        .execution_options(synchronize_session="fetch")
    ).rowcount
    return Forgotten(assessments, callbacks, cancelled, len(bookings), patient_messages)
