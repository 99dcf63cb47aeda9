"""The clinic database: locations, slots, bookings, assessments, findings, callbacks, staff, outbox.

Times are stored in UTC and always come back timezone-aware, on SQLite as on
PostgreSQL, so slot arithmetic never mixes naive and aware datetimes. Double
booking is impossible in the database itself: a partial unique index allows one
booking that is not cancelled per slot.
"""
from __future__ import annotations

import secrets
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional

import sqlalchemy as sa
from sqlalchemy.orm import declarative_base, relationship
from sqlalchemy.types import TypeDecorator

from bot.wording import language_or_default

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
Base = declarative_base(metadata=sa.MetaData(naming_convention=NAMING))

REQUESTED, CONFIRMED, CANCELLED = "requested", "confirmed", "cancelled"
BOOKING_STATUSES = (REQUESTED, CONFIRMED, CANCELLED)
OPEN, DONE = "open", "done"
PENDING, SENT, FAILED, SKIPPED = "pending", "sent", "failed", "skipped"
NOTIFICATION_STATUSES = (PENDING, SENT, FAILED, SKIPPED)
CLINIC_KINDS = ("booking_created", "booking_cancelled", "booking_moved", "callback_requested")
PATIENT_KINDS = ("patient_confirmation", "reminder")  # addressed to the patient, not the clinic
NOTIFICATION_KINDS = CLINIC_KINDS + PATIENT_KINDS
ATTENDED, NO_SHOW = "attended", "no_show"
FOOT_POSTURES = ("overpronation", "neutral", "oversupination")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _one_of(column: str, values: tuple) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class UTCDateTime(TypeDecorator):
    """An aware datetime in, an aware UTC datetime out (SQLite keeps no offset)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Optional[datetime], dialect: Any) -> Optional[datetime]:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; pass an aware datetime")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Optional[datetime], dialect: Any) -> Optional[datetime]:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


class Location(Base):
    """A clinic site, mirrored from clinic.yml so slots and bookings can refer to it."""

    __tablename__ = "locations"
    id = sa.Column(sa.String(40), primary_key=True)
    name = sa.Column(sa.String(200), nullable=False)
    address = sa.Column(sa.String(300), nullable=False)


class Slot(Base):
    """One bookable gait-analysis time at one location."""

    __tablename__ = "slots"
    __table_args__ = (sa.UniqueConstraint("location_id", "starts_at"),)
    id = sa.Column(sa.Integer, primary_key=True)
    location_id = sa.Column(sa.String(40), sa.ForeignKey("locations.id"), nullable=False)
    starts_at = sa.Column(UTCDateTime, nullable=False, index=True)
    ends_at = sa.Column(UTCDateTime, nullable=False)
    blocked = sa.Column(sa.Boolean, nullable=False, default=False)
    location = relationship(Location, lazy="joined", innerjoin=True)


class Assessment(Base):
    """The triage engine's answers and result for one conversation (stored after consent)."""

    __tablename__ = "assessments"
    id = sa.Column(sa.Integer, primary_key=True)
    conversation_id = sa.Column(sa.String(255), nullable=False, index=True)
    channel = sa.Column(sa.String(40), nullable=False)
    answers: Dict[str, Any] = sa.Column(sa.JSON, nullable=False)
    result: Dict[str, Any] = sa.Column(sa.JSON, nullable=False)
    disposition = sa.Column(sa.String(40))
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)


class Booking(Base):
    """A patient's appointment in a slot; cancelled rows stay for the clinic's records."""

    __tablename__ = "bookings"
    __table_args__ = (
        sa.CheckConstraint(_one_of("status", BOOKING_STATUSES), name="status"),
        sa.CheckConstraint(f"attendance IS NULL OR {_one_of('attendance', (ATTENDED, NO_SHOW))}", name="attendance"),
        sa.Index(
            "uq_bookings_active_slot", "slot_id", unique=True,
            postgresql_where=sa.text("status <> 'cancelled'"),
            sqlite_where=sa.text("status <> 'cancelled'"),
        ),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    slot_id = sa.Column(sa.Integer, sa.ForeignKey("slots.id"), nullable=False)
    status = sa.Column(sa.String(12), nullable=False, default=CONFIRMED)
    patient_name = sa.Column(sa.String(120), nullable=False)
    phone = sa.Column(sa.String(20))
    email = sa.Column(sa.String(254))
    channel = sa.Column(sa.String(40), nullable=False)
    conversation_id = sa.Column(sa.String(255), index=True)
    assessment_id = sa.Column(sa.Integer, sa.ForeignKey("assessments.id", ondelete="SET NULL"))
    calendar_token = sa.Column(sa.String(64), nullable=False, unique=True)
    # The patient's own links and Telegram buttons: "<id>.<secret>", checked in constant time.
    manage_secret = sa.Column(sa.String(64), nullable=False, default=lambda: secrets.token_urlsafe(24))
    telegram_chat_id = sa.Column(sa.String(32))  # set when the patient booked in a Telegram chat
    reminders_opt_out = sa.Column(sa.Boolean, nullable=False, default=False)
    patient_confirmed_at = sa.Column(UTCDateTime)
    attendance = sa.Column(sa.String(12))  # attended / no_show, set by staff after the slot
    sequence = sa.Column(sa.Integer, nullable=False, default=0)  # iCalendar SEQUENCE: bumped on change
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = sa.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)
    cancelled_at = sa.Column(UTCDateTime)
    slot = relationship(Slot, lazy="joined", innerjoin=True)
    assessment = relationship(Assessment)
    finding = relationship("GaitFinding", uselist=False, back_populates="booking")

    @property
    def is_active(self) -> bool:
        return self.status != CANCELLED

    @property
    def language(self) -> str:
        """The patient's conversation language ("en", "es"), kept in the linked assessment's result
        (no column of its own); English when the booking has no assessment."""
        result = self.assessment.result if self.assessment is not None else {}
        return language_or_default(result.get("language"))

    @property
    def manage_token(self) -> str:
        """The token in the patient's links and buttons (the id finds the row, the secret proves it)."""
        return f"{self.id}.{self.manage_secret}"


class GaitFinding(Base):
    """What the podiatrist found at the gait analysis; with the assessment it calibrates the score."""

    __tablename__ = "gait_findings"
    __table_args__ = (
        sa.CheckConstraint(_one_of("foot_posture", FOOT_POSTURES), name="foot_posture"),
        sa.CheckConstraint("fpi_left BETWEEN -12 AND 12 AND fpi_right BETWEEN -12 AND 12", name="fpi_range"),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    booking_id = sa.Column(sa.Integer, sa.ForeignKey("bookings.id", ondelete="CASCADE"), nullable=False, unique=True)
    assessment_id = sa.Column(sa.Integer, sa.ForeignKey("assessments.id", ondelete="SET NULL"), index=True)
    fpi_left = sa.Column(sa.Integer, nullable=False)  # Foot Posture Index (FPI-6), -12..+12
    fpi_right = sa.Column(sa.Integer, nullable=False)
    foot_posture = sa.Column(sa.String(16), nullable=False)
    orthotics = sa.Column(sa.Boolean, nullable=False)
    note = sa.Column(sa.Text, nullable=False, default="")
    recorded_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    booking = relationship(Booking, back_populates="finding")
    assessment = relationship(Assessment)

    @property
    def foot_mechanics(self) -> bool:
        """The outcome calibration counts: a non-neutral foot posture or orthotics prescribed."""
        return self.foot_posture != "neutral" or self.orthotics


class CallbackRequest(Base):
    """A patient asked to talk to a person; staff mark it done once they called back."""

    __tablename__ = "callback_requests"
    __table_args__ = (sa.CheckConstraint(_one_of("status", (OPEN, DONE)), name="status"),)
    id = sa.Column(sa.Integer, primary_key=True)
    conversation_id = sa.Column(sa.String(255), nullable=False, index=True)
    channel = sa.Column(sa.String(40), nullable=False)
    name = sa.Column(sa.String(120), nullable=False)
    phone = sa.Column(sa.String(20), nullable=False)
    reason = sa.Column(sa.Text, nullable=False, default="")
    status = sa.Column(sa.String(8), nullable=False, default=OPEN)
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    handled_at = sa.Column(UTCDateTime)


class StaffUser(Base):
    __tablename__ = "staff_users"
    id = sa.Column(sa.Integer, primary_key=True)
    username = sa.Column(sa.String(80), nullable=False, unique=True)
    password_hash = sa.Column(sa.String(100), nullable=False)
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    last_login_at = sa.Column(UTCDateTime)


class StaffSession(Base):
    """A logged-in browser. The id is the SHA-256 of the cookie, so a database leak opens no session."""

    __tablename__ = "staff_sessions"
    id = sa.Column(sa.String(64), primary_key=True)
    user_id = sa.Column(sa.Integer, sa.ForeignKey("staff_users.id", ondelete="CASCADE"), nullable=False, index=True)
    csrf_token = sa.Column(sa.String(64), nullable=False)
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    expires_at = sa.Column(UTCDateTime, nullable=False)
    user = relationship(StaffUser, lazy="joined")


class Notification(Base):
    """Outbox row written in the booking's own transaction; a worker delivers it later.

    `delivered` lists the transports (e.g. "email,telegram") that already got it, so
    a retry after a Telegram failure does not e-mail the clinic twice.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        sa.CheckConstraint(_one_of("status", NOTIFICATION_STATUSES), name="status"),
        sa.CheckConstraint(_one_of("kind", NOTIFICATION_KINDS), name="kind"),
        sa.Index("ix_notifications_due", "status", "next_attempt_at"),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    kind = sa.Column(sa.String(24), nullable=False)
    booking_id = sa.Column(sa.Integer, sa.ForeignKey("bookings.id", ondelete="CASCADE"))
    callback_id = sa.Column(sa.Integer, sa.ForeignKey("callback_requests.id", ondelete="CASCADE"))
    status = sa.Column(sa.String(8), nullable=False, default=PENDING)
    attempts = sa.Column(sa.Integer, nullable=False, default=0)
    next_attempt_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    for_starts_at = sa.Column(UTCDateTime)  # a reminder's appointment time: a moved booking skips it
    delivered = sa.Column(sa.String(64), nullable=False, default="")
    last_error = sa.Column(sa.String(200))
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    sent_at = sa.Column(UTCDateTime)
    booking = relationship(Booking)
    callback = relationship(CallbackRequest)

    @property
    def delivered_to(self) -> List[str]:
        return [name for name in self.delivered.split(",") if name]


class RevokedWidgetSession(Base):
    """A website session ended by "delete my data". The id is the SHA-256 of the session id,
    so the table names no conversation; the socket.io channel refuses these ids."""

    __tablename__ = "revoked_widget_sessions"
    session_hash = sa.Column(sa.String(64), primary_key=True)
    revoked_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
