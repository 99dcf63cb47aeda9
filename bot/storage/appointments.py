"""What a patient may do with their own booking through a token: confirm, cancel, move, stop reminders.

The token is "<booking id>.<secret>" (Booking.manage_token). The id only finds the
row; the secret is compared in constant time, so a wrong token learns nothing from
timing and is refused exactly like an unknown booking. Used by the e-mail links on
the staff site and by the Telegram reminder buttons.
"""
from __future__ import annotations

import hmac
import re
from datetime import datetime
from typing import List, Optional

from sqlalchemy.orm import Session

from bot.clinic import Clinic
from bot.storage.booking import BookingNotFound, available_slots, bookable_after, cancel_booking, move_booking
from bot.storage.models import Booking, Slot, utcnow

TOKEN = re.compile(r"^(\d{1,12})\.([A-Za-z0-9_-]{16,64})$")


class WrongToken(LookupError):
    """No booking matches this token."""


def booking_for_token(session: Session, token: str) -> Booking:
    """The booking the token belongs to (cancelled ones too); WrongToken otherwise."""
    match = TOKEN.match(token or "")
    booking = session.get(Booking, int(match.group(1))) if match else None
    secret = match.group(2) if match else ""
    expected = booking.manage_secret if booking is not None else "x" * len(secret)
    if not hmac.compare_digest(secret.encode(), expected.encode()) or booking is None:
        raise WrongToken("This link is not valid.")
    return booking


def _active(session: Session, token: str) -> Booking:
    booking = booking_for_token(session, token)
    if not booking.is_active:
        raise BookingNotFound("This appointment was cancelled.")
    return booking


def confirm_attendance(session: Session, token: str, now: Optional[datetime] = None) -> Booking:
    """The patient says they will come (first confirmation time kept)."""
    booking = _active(session, token)
    booking.patient_confirmed_at = booking.patient_confirmed_at or now or utcnow()
    session.flush()
    return booking


def cancel_by_patient(session: Session, token: str, now: Optional[datetime] = None) -> Booking:
    """Cancel and free the slot; the clinic is told, as when the patient cancels in the chat."""
    return cancel_booking(session, _active(session, token).id, now=now)


def stop_reminders(session: Session, token: str) -> Booking:
    """The opt-out: no further reminders for this booking (queued ones are skipped when due)."""
    booking = booking_for_token(session, token)
    booking.reminders_opt_out = True
    session.flush()
    return booking


def other_times(session: Session, token: str, clinic: Clinic, now: Optional[datetime] = None,
                limit: int = 6) -> List[Slot]:
    """Free slots at the booking's location the patient may move to."""
    booking = _active(session, token)
    return available_slots(session, booking.slot.location_id, bookable_after(clinic, now or utcnow()), limit=limit)


def move_by_patient(session: Session, token: str, slot_id: int, clinic: Clinic,
                    now: Optional[datetime] = None) -> Booking:
    """Move to another free slot at the same location (SlotTaken / SlotUnavailable pass through)."""
    booking = _active(session, token)
    return move_booking(session, booking.id, slot_id, now=now, clinic=clinic)


# Telegram buttons: "appt:<action>:<token>", at most 64 bytes (Telegram's callback_data limit).
BUTTON_PREFIX = "appt:"
BUTTON_ACTIONS = {"c": "confirm", "r": "reschedule", "x": "cancel", "s": "stop-reminders"}
_BUTTON_CODES = {name: code for code, name in BUTTON_ACTIONS.items()}


def button_data(action: str, booking: Booking) -> str:
    data = f"{BUTTON_PREFIX}{_BUTTON_CODES[action]}:{booking.manage_token}"
    if len(data.encode()) > 64:
        raise ValueError("callback_data longer than Telegram allows")
    return data


def parse_button(data: str) -> Optional[tuple]:
    """(action, token) from a tap's callback_data, or None if it is not an appointment button."""
    prefix, _, rest = (data or "").partition(BUTTON_PREFIX)
    code, _, token = rest.partition(":")
    if prefix or code not in BUTTON_ACTIONS or not token:
        return None
    return BUTTON_ACTIONS[code], token
