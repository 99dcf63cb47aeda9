"""The patient's calendar file (.ics) for a booking, served at /calendar/<token>.ics.

The token is random (secrets.token_urlsafe, 192 bits) and the file holds no
patient name or health data, only the clinic, place and time, so the link can
be sent over any chat channel. A moved booking keeps its link and UID with a
higher SEQUENCE, so calendar apps update the event; a cancelled one turns
into STATUS:CANCELLED.
"""
from __future__ import annotations

import os
from datetime import datetime, timedelta
from typing import List, Optional
from urllib.parse import urlsplit

from bot.clinic import Clinic
from bot.storage.models import CANCELLED, CONFIRMED, REQUESTED, Booking, utcnow
from bot.wording import say

DEFAULT_PUBLIC_STAFF_URL = "http://localhost:8081"
ICS_STATUS = {REQUESTED: "TENTATIVE", CONFIRMED: "CONFIRMED", CANCELLED: "CANCELLED"}


def public_staff_url() -> str:
    return (os.environ.get("PUBLIC_STAFF_URL") or DEFAULT_PUBLIC_STAFF_URL).rstrip("/")


def calendar_link(booking: Booking, base_url: Optional[str] = None) -> str:
    """The URL where the patient downloads this booking's .ics file."""
    return f"{(base_url or public_staff_url()).rstrip('/')}/calendar/{booking.calendar_token}.ics"


def _escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def _fold(line: str) -> List[str]:
    """RFC 5545: lines longer than 75 octets continue on the next line after a space."""
    parts, current = [], ""
    for char in line:
        limit = 75 if not parts else 74
        if len((current + char).encode("utf-8")) > limit:
            parts.append(current)
            current = char
        else:
            current += char
    parts.append(current)
    return [parts[0]] + [" " + part for part in parts[1:]]


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%SZ")


def booking_ics(booking: Booking, clinic: Clinic, now: Optional[datetime] = None) -> str:
    """An iCalendar (RFC 5545) document with one event for the booking, in the patient's language."""
    start = booking.slot.starts_at
    end = start + timedelta(minutes=clinic.gait_analysis.duration_minutes)
    location = booking.slot.location
    language = booking.language
    description = say("calendar_description", language, clinic=clinic.name, location=location.name,
                      bring=clinic.gait_analysis.bring(language, "; "), how_to_cancel=clinic.how_to_cancel,
                      phone=clinic.phone)
    domain = urlsplit(clinic.website).hostname or "clinic.invalid"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//{_escape(clinic.short_name)}//Gait analysis booking//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:booking-{booking.calendar_token}@{domain}",
        f"DTSTAMP:{_stamp(now or utcnow())}",
        f"DTSTART:{_stamp(start)}",
        f"DTEND:{_stamp(end)}",
        f"SEQUENCE:{booking.sequence}",
        f"STATUS:{ICS_STATUS[booking.status]}",
        f"SUMMARY:{_escape(say('calendar_summary', language, clinic=clinic.short_name))}",
        f"LOCATION:{_escape(location.address)}",
        f"DESCRIPTION:{_escape(description)}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(folded + "\r\n" for line in lines for folded in _fold(line))
