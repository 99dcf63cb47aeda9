"""After the visit: staff record attendance and the gait-analysis finding for a booking.

The finding is linked to the booking's assessment, so calibration can compare
what the triage score predicted with what the podiatrist found.
"""
from __future__ import annotations

from datetime import datetime
from typing import List, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.storage.booking import BookingError
from bot.storage.engine import session_scope
from bot.storage.models import ATTENDED, FOOT_POSTURES, NO_SHOW, Assessment, Booking, GaitFinding, utcnow
from bot.triage.calibrate import Record

FPI_RANGE = range(-12, 13)


def _booking(session: Session, booking_id: int) -> Booking:
    booking = session.get(Booking, booking_id)
    if booking is None or not booking.is_active:
        raise BookingError("Attendance and findings are recorded on bookings that are not cancelled.")
    return booking


def set_attendance(session: Session, booking_id: int, attendance: str) -> Booking:
    """Attended or no-show; a no-show cannot keep a finding."""
    if attendance not in (ATTENDED, NO_SHOW):
        raise BookingError(f"Attendance is {ATTENDED!r} or {NO_SHOW!r}.")
    booking = _booking(session, booking_id)
    if attendance == NO_SHOW and booking.finding is not None:
        raise BookingError("This booking has a gait finding; a patient with a finding attended.")
    booking.attendance = attendance
    session.flush()
    return booking


def record_finding(
    session: Session, booking_id: int, *, fpi_left: int, fpi_right: int, foot_posture: str, orthotics: bool,
    note: str = "", now: Optional[datetime] = None,
) -> GaitFinding:
    """Store (or correct) the finding; it marks the booking attended."""
    if fpi_left not in FPI_RANGE or fpi_right not in FPI_RANGE:
        raise BookingError("The Foot Posture Index is a whole number from -12 to +12 per foot.")
    if foot_posture not in FOOT_POSTURES:
        raise BookingError(f"Foot posture is one of {', '.join(FOOT_POSTURES)}.")
    booking = _booking(session, booking_id)
    finding = booking.finding or GaitFinding(booking=booking)
    finding.assessment_id = booking.assessment_id
    finding.fpi_left, finding.fpi_right, finding.foot_posture = fpi_left, fpi_right, foot_posture
    finding.orthotics, finding.note, finding.recorded_at = orthotics, note.strip()[:2000], now or utcnow()
    booking.attendance = ATTENDED
    session.add(finding)
    session.flush()
    return finding


def calibration_records(session: Optional[Session] = None) -> List[Record]:
    """Attended patients with a recorded finding and a stored assessment, for bot.triage calibrate."""
    if session is None:
        with session_scope() as scoped:
            return calibration_records(scoped)
    rows = session.execute(
        sa.select(Assessment.answers, Assessment.result, GaitFinding)
        .join(GaitFinding, GaitFinding.assessment_id == Assessment.id)
    ).all()
    return [Record(answers or {}, finding.foot_mechanics, (result or {}).get("likelihood"))
            for answers, result, finding in rows]
