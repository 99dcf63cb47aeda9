"""Queue a notification in the caller's transaction, so it exists exactly when the booking does.

Patient messages live here too: the confirmation is due at once, the reminder at
the clinic's reminder time, and both are decided in the booking's transaction.
"""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy.orm import Session

from bot.clinic import Clinic
from bot.storage.models import NOTIFICATION_KINDS, Booking, CallbackRequest, Notification, utcnow


def enqueue(
    session: Session, kind: str, *, booking: Optional[Booking] = None, callback: Optional[CallbackRequest] = None,
    due_at: Optional[datetime] = None, for_starts_at: Optional[datetime] = None,
) -> Notification:
    """Add an outbox row about `booking` or `callback`; the worker sends it after commit, from `due_at`."""
    if kind not in NOTIFICATION_KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    if (booking is None) == (callback is None):
        raise ValueError("a notification is about exactly one booking or one callback request")
    notification = Notification(kind=kind, booking=booking, callback=callback, next_attempt_at=due_at or utcnow(),
                                for_starts_at=for_starts_at)
    session.add(notification)
    session.flush()
    return notification


def reachable(booking: Booking) -> bool:
    """Can the patient be written to (an e-mail or a Telegram chat)?"""
    return bool(booking.email or booking.telegram_chat_id)


def queue_patient_messages(session: Session, booking: Booking, clinic: Clinic, now: datetime) -> None:
    """The patient's confirmation now and a reminder at the clinic's reminder time (for this slot).

    No reminder when its time has already passed: the confirmation just sent says the same.
    """
    if not reachable(booking):
        return
    enqueue(session, "patient_confirmation", booking=booking, due_at=now)
    starts_at = booking.slot.starts_at
    if not booking.reminders_opt_out and clinic.reminder_at(starts_at) > now:
        enqueue(session, "reminder", booking=booking, due_at=clinic.reminder_at(starts_at), for_starts_at=starts_at)
