"""Queue a notification in the caller's transaction, so it exists exactly when the booking does."""
from __future__ import annotations

from typing import Optional

from sqlalchemy.orm import Session

from bot.storage.models import NOTIFICATION_KINDS, Booking, CallbackRequest, Notification


def enqueue(
    session: Session, kind: str, *, booking: Optional[Booking] = None, callback: Optional[CallbackRequest] = None
) -> Notification:
    """Add an outbox row about `booking` or `callback`; the worker sends it after commit."""
    if kind not in NOTIFICATION_KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    if (booking is None) == (callback is None):
        raise ValueError("a notification is about exactly one booking or one callback request")
    notification = Notification(kind=kind, booking=booking, callback=callback)
    session.add(notification)
    session.flush()
    return notification
