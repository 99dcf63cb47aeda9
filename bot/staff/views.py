"""Plain dictionaries for the staff pages, the JSON API and the CSV export.

Built inside a database session and handed out as data, so templates and JSON
never trigger lazy loads after the session is closed, and the three outputs
show the same fields.
"""
from __future__ import annotations

from collections import OrderedDict
from datetime import date, datetime, timedelta
from typing import Any, Dict, List, Optional, Tuple

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.clinic import Clinic
from bot.calendar import calendar_link
from bot.storage.booking import bookings_between, slots_on
from bot.storage.models import CANCELLED, OPEN, Assessment, Booking, CallbackRequest, GaitFinding
from bot.storage.validation import format_phone
from bot.wording import LANGUAGE_NAMES
from bot.triage import MODEL, QUESTIONS

SCREEN_KEYS = frozenset(key for q in MODEL.questions if q.screen and q.kind == "multi" for key in q.keys)
POINTS_AWAY = frozenset(c.key for rule in MODEL.rules if rule.disposition == "consult"
                        for c in rule.conditions if MODEL.keys[c.key].kind == "bool")
UNITS = {"duration_weeks": " weeks", "pain_severity": "/10", "age": " years"}


def booking_row(booking: Booking, clinic: Clinic, public_url: str) -> Dict[str, Any]:
    slot = booking.slot
    return {
        "id": booking.id,
        "status": booking.status,
        "location_id": slot.location_id,
        "location_name": slot.location.name,
        "starts_at": clinic.local(slot.starts_at),
        "ends_at": clinic.local(slot.ends_at),
        "patient_name": booking.patient_name,
        "phone": format_phone(booking.phone),
        "email": booking.email or "",
        "channel": booking.channel,
        "language": LANGUAGE_NAMES[booking.language],
        "conversation_id": booking.conversation_id,
        "assessment_id": booking.assessment_id,
        "created_at": clinic.local(booking.created_at),
        "calendar_url": calendar_link(booking, public_url),
        "patient_confirmed": booking.patient_confirmed_at is not None,
        "reminders": not booking.reminders_opt_out,
        "attendance": booking.attendance or "",
        **finding_fields(booking.finding),
    }


def finding_fields(finding: Optional[GaitFinding]) -> Dict[str, Any]:
    """The gait finding as flat fields (empty when none is recorded), for pages, JSON and CSV."""
    if finding is None:
        return {"fpi_left": None, "fpi_right": None, "foot_posture": "", "orthotics": None, "finding_note": ""}
    return {"fpi_left": finding.fpi_left, "fpi_right": finding.fpi_right, "foot_posture": finding.foot_posture,
            "orthotics": finding.orthotics, "finding_note": finding.note}


def booking_rows(session: Session, clinic: Clinic, public_url: str, start: datetime, end: datetime) -> List[Dict[str, Any]]:
    """Every booking starting in [start, end), cancelled ones included (API and CSV export)."""
    return [booking_row(b, clinic, public_url) for b in bookings_between(session, start, end, include_cancelled=True)]


def upcoming_by_day(
    session: Session, clinic: Clinic, public_url: str, start: datetime, days: int, location_id: Optional[str]
) -> "OrderedDict[Tuple[str, date], List[Dict[str, Any]]]":
    """Bookings (not cancelled) grouped by (location name, local day), in time order."""
    groups: "OrderedDict[Tuple[str, date], List[Dict[str, Any]]]" = OrderedDict()
    rows = bookings_between(session, start, start + timedelta(days=days), location_id)
    for row in sorted((booking_row(b, clinic, public_url) for b in rows),
                      key=lambda r: (r["location_name"], r["starts_at"])):
        groups.setdefault((row["location_name"], row["starts_at"].date()), []).append(row)
    return groups


def _answer_text(key: str, value: Any) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if value is None:
        return "skipped / don't know"
    return f"{value}{UNITS.get(key, '')}"


def _answer_rows(answers: Dict[str, Any], keys: List[str]) -> List[Dict[str, str]]:
    return [{"key": key, "question": QUESTIONS[key].en if key in QUESTIONS else key.replace("_", " "),
             "answer": _answer_text(key, answers[key])}
            for key in keys]


def assessment_summary(assessment: Assessment, clinic: Clinic) -> Dict[str, Any]:
    """The pre-visit summary: result, reasons, and the answers split into screen, points-away, pattern."""
    answers, result = assessment.answers or {}, assessment.result or {}
    screen = [k for k in answers if k in SCREEN_KEYS or k.startswith("rf_")]
    away = [k for k in answers if k in POINTS_AWAY]
    pattern = [k for k in answers if k not in screen and k not in away]
    return {
        "id": assessment.id,
        "created_at": clinic.local(assessment.created_at),
        "channel": assessment.channel,
        "disposition": result.get("disposition", assessment.disposition),
        "likelihood": result.get("likelihood"),
        "score": result.get("score"),
        "reasons": result.get("reasons", []),
        "red_flags": result.get("red_flags", []),
        "points_away": result.get("points_away", []),
        "screen": _answer_rows(answers, screen),
        "away": _answer_rows(answers, away),
        "pattern": _answer_rows(answers, pattern),
    }


def booking_detail(session: Session, clinic: Clinic, public_url: str, booking_id: int) -> Optional[Dict[str, Any]]:
    booking = session.get(Booking, booking_id)
    if booking is None:
        return None
    detail = booking_row(booking, clinic, public_url)
    detail["assessment"] = assessment_summary(booking.assessment, clinic) if booking.assessment else None
    return detail


def assessment_json(session: Session, assessment_id: int) -> Optional[Dict[str, Any]]:
    assessment = session.get(Assessment, assessment_id)
    if assessment is None:
        return None
    return {
        "id": assessment.id,
        "channel": assessment.channel,
        "created_at": assessment.created_at.isoformat(),
        "disposition": assessment.disposition,
        "answers": assessment.answers,
        "result": assessment.result,
        "findings": [finding_fields(f) for f in session.scalars(
            sa.select(GaitFinding).where(GaitFinding.assessment_id == assessment.id).order_by(GaitFinding.id))],
    }


def callback_rows(session: Session, clinic: Clinic, limit: int = 200) -> List[Dict[str, Any]]:
    """Open requests first, then the most recent handled ones."""
    callbacks = session.scalars(
        sa.select(CallbackRequest)
        .order_by(sa.case((CallbackRequest.status == OPEN, 0), else_=1), CallbackRequest.created_at.desc())
        .limit(limit)
    )
    return [{
        "id": c.id, "name": c.name, "phone": format_phone(c.phone), "reason": c.reason, "status": c.status,
        "channel": c.channel, "created_at": clinic.local(c.created_at),
        "handled_at": clinic.local(c.handled_at) if c.handled_at else None,
    } for c in callbacks]


def slot_rows(session: Session, clinic: Clinic, location_id: str, day: date) -> List[Dict[str, Any]]:
    """A day's slots at a location with their state: free, booked or blocked."""
    slots = slots_on(session, clinic, location_id, day)
    booked = dict(session.execute(
        sa.select(Booking.slot_id, Booking.id)
        .where(Booking.slot_id.in_([s.id for s in slots]), Booking.status != CANCELLED)
    ).all())
    return [{
        "id": slot.id, "starts_at": clinic.local(slot.starts_at), "booking_id": booked.get(slot.id),
        "state": "booked" if slot.id in booked else "blocked" if slot.blocked else "free",
    } for slot in slots]

