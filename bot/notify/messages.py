"""The text the clinic receives about a booking or callback request, and the patient's own messages.

Deliberately without health data (no answers, no callback reason, no transcript):
e-mail and Telegram are not where health records belong. Staff follow the link
to the logged-in staff page for the pre-visit summary. A patient's confirmation
and reminder say only when and where, with their own token links or buttons.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Optional, Tuple

from bot.calendar import booking_ics, calendar_link
from bot.clinic import Clinic
from bot.storage.appointments import button_data
from bot.storage.models import PATIENT_KINDS, REQUESTED, Booking, CallbackRequest, Notification, utcnow
from bot.storage.validation import format_phone
from bot.wording import say

TITLES = {
    "booking_created": "New gait analysis booking",
    "booking_cancelled": "Booking cancelled",
    "booking_moved": "Booking moved",
}
LINK_ACTIONS = ("confirm", "move", "cancel", "stop-reminders")
"""The patient's links; each is worded `link_<action>` in bot/wording.yml."""
REMINDER_BUTTONS = ("confirm", "reschedule", "cancel", "stop-reminders")
"""Telegram buttons by action; each is worded `button_<action>`."""
CONFIRMATION_BUTTONS = ("reschedule", "cancel")


@dataclass(frozen=True)
class Notice:
    subject: str
    text: str
    for_patient: bool = False
    email_to: Optional[str] = None  # the patient's address (patient notices only)
    chat_id: Optional[str] = None  # the patient's Telegram chat (patient notices only)
    chat_text: Optional[str] = None  # the Telegram wording when it differs (buttons instead of links)
    buttons: Tuple[Tuple[str, str], ...] = ()  # Telegram inline buttons: (label, callback_data)
    attachment: Optional[Tuple[str, str]] = None  # (file name, text/calendar body) for e-mail


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


def appointment_links(booking: Booking, base_url: str) -> dict:
    """The patient's token links, by action (no login; the staff site checks the token)."""
    return {action: f"{base_url}/appointment/{booking.manage_token}/{action}" for action in LINK_ACTIONS}


def _patient_notice(kind: str, booking: Booking, clinic: Clinic, base_url: str) -> Notice:
    """The confirmation (both channels, .ics attached) or the reminder (Telegram chat, else e-mail),
    in the patient's language."""
    reminder = kind == "reminder"
    language = booking.language
    location = booking.slot.location
    when = clinic.when(booking.slot.starts_at, language)
    head = "notice_reminder_head" if reminder else (
        "notice_requested_head" if booking.status == REQUESTED else "notice_booked_head")
    about = [say(head, language, clinic=clinic.short_name, when=when),
             say("notice_where", language, location=location.name, address=location.address),
             say("notice_bring", language, bring=clinic.gait_analysis.bring(language, "; ")),
             say("notice_questions", language, phone=clinic.phone)]
    links = appointment_links(booking, base_url)
    shown = LINK_ACTIONS if reminder else LINK_ACTIONS[1:3]
    calendar = say("notice_calendar", language, link=calendar_link(booking, base_url))
    email_lines = about + [""] + [f"{say('link_' + action, language)}: {links[action]}" for action in shown]
    email_lines += ["", calendar]
    chat_lines = about + ([] if reminder else [calendar])
    buttons = REMINDER_BUTTONS if reminder else CONFIRMATION_BUTTONS
    chat = booking.telegram_chat_id
    return Notice(
        subject=say("notice_subject_reminder" if reminder else "notice_subject_booked", language, when=when),
        text="\n".join(email_lines), for_patient=True,
        email_to=booking.email if not (reminder and chat) else None,  # a reminder goes to one channel
        chat_id=chat, chat_text="\n".join(chat_lines),
        buttons=tuple((say("button_" + action, language), button_data(action, booking)) for action in buttons),
        attachment=None if reminder else ("gait-analysis.ics", booking_ics(booking, clinic)),
    )


def still_wanted(notification: Notification, now: datetime) -> bool:
    """A patient message goes out only for an active booking, and a reminder not after an
    opt-out, a move (another time) or the appointment itself."""
    booking = notification.booking
    if booking is None or not booking.is_active:
        return False
    if notification.kind != "reminder":
        return True
    return (not booking.reminders_opt_out and booking.slot.starts_at == notification.for_starts_at
            and now < booking.slot.starts_at)


def compose(notification: Notification, clinic: Clinic, staff_url: str,
            now: Optional[datetime] = None) -> Optional[Notice]:
    """The notice to deliver, or None when a patient message is no longer wanted (marked skipped)."""
    staff_url = staff_url.rstrip("/")
    if notification.kind in PATIENT_KINDS:
        if not still_wanted(notification, now or utcnow()):
            return None
        return _patient_notice(notification.kind, notification.booking, clinic, staff_url)
    if notification.booking is not None:
        return _booking_notice(notification.kind, notification.booking, clinic, staff_url)
    return _callback_notice(notification.callback, staff_url)
