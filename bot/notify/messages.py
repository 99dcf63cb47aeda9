"""The text the clinic receives about a booking or callback request.

Deliberately without health data (no answers, no callback reason, no transcript):
e-mail and Telegram are not where health records belong. Staff follow the link
to the logged-in staff page for the pre-visit summary.
"""
from __future__ import annotations

from dataclasses import dataclass

from bot.clinic import Clinic
from bot.storage.models import Booking, CallbackRequest, Notification
from bot.storage.validation import format_phone

TITLES = {
    "booking_created": "New gait analysis booking",
    "booking_cancelled": "Booking cancelled",
    "booking_moved": "Booking moved",
}


@dataclass(frozen=True)
class Notice:
    subject: str
    text: str


def _booking_notice(kind: str, booking: Booking, clinic: Clinic, staff_url: str) -> Notice:
    place = booking.slot.location.name
    subject = f"{TITLES[kind]}: {clinic.when(booking.slot.starts_at)}, {place}"
    lines = [
        subject,
        "",
        f"Patient: {booking.patient_name}",
        f"Phone: {format_phone(booking.phone) or '-'}",
        f"E-mail: {booking.email or '-'}",
        f"Status: {booking.status}",
        f"Booked via: {booking.channel}",
        "",
        f"Pre-visit summary (staff login): {staff_url}/bookings/{booking.id}",
    ]
    return Notice(subject, "\n".join(lines))


def _callback_notice(callback: CallbackRequest, staff_url: str) -> Notice:
    subject = f"Callback requested: {callback.name}"
    lines = [
        subject,
        "",
        f"Phone: {format_phone(callback.phone)}",
        f"Asked via: {callback.channel}",
        "",
        f"Details (staff login): {staff_url}/callbacks",
    ]
    return Notice(subject, "\n".join(lines))


def compose(notification: Notification, clinic: Clinic, staff_url: str) -> Notice:
    staff_url = staff_url.rstrip("/")
    if notification.booking is not None:
        return _booking_notice(notification.kind, notification.booking, clinic, staff_url)
    return _callback_notice(notification.callback, staff_url)
