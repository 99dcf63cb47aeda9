"""Slots and bookings: generate slots from the clinic's hours, offer, book, cancel, move, block.

Functions take a Session and never commit: the caller's transaction (see
`session_scope`) decides, so a booking and its outbox notification are saved
together or not at all. Double booking is stopped by the database (partial
unique index on the slot's active booking); the slot row is also locked while
booking so staff blocking a slot cannot interleave.
"""
from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta, timezone
from typing import Iterator, List, Optional

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.clinic import Clinic, default_clinic
from bot.clinic import Location as LocationConfig
from bot.storage.outbox import enqueue, queue_patient_messages
from bot.storage.models import CANCELLED, CONFIRMED, REQUESTED, Assessment, Booking, Location, Slot, utcnow
from bot.storage.validation import InvalidInput, validate_email, validate_name, validate_phone


class BookingError(Exception):
    """A booking operation that cannot be done; the message can be shown to staff or patient."""


class SlotUnavailable(BookingError):
    """The slot does not exist, is blocked by staff, or is too soon or in the past."""


class SlotTaken(SlotUnavailable):
    """Someone else booked this slot first."""

    def __init__(self, slot_id: int) -> None:
        super().__init__("That time was just taken. Please pick another time.")
        self.slot_id = slot_id


class BookingLimitReached(BookingError):
    """This phone or e-mail already holds the clinic's maximum of upcoming bookings."""

    def __init__(self, limit: int, phone: str) -> None:
        super().__init__(f"This phone number or e-mail already has {limit} upcoming appointments.")
        self.limit, self.phone = limit, phone


class BookingNotFound(BookingError):
    """No such booking, or it is already cancelled."""


# Slots -------------------------------------------------------------------------------------


def bookable_after(clinic: Clinic, now: datetime) -> datetime:
    """The earliest start a patient may book now (the clinic's lead time)."""
    return now + timedelta(hours=clinic.booking.lead_time_hours)


def slot_starts(clinic: Clinic, location: LocationConfig, now: datetime) -> Iterator[datetime]:
    """Every slot start (UTC) from the lead time to the horizon, within opening hours, skipping holidays."""
    first, last = bookable_after(clinic, now), now + timedelta(days=clinic.booking.horizon_days)
    step = timedelta(minutes=clinic.booking.slot_minutes)
    day, last_day = clinic.local(first).date(), clinic.local(last).date()
    while day <= last_day:
        if not clinic.is_closed(location, day):
            for opening in location.ranges_on(day):
                start = datetime.combine(day, opening.start, tzinfo=clinic.tz)
                close = datetime.combine(day, opening.end, tzinfo=clinic.tz)
                while start + step <= close:
                    if first <= start < last:
                        yield start.astimezone(timezone.utc)
                    start += step
        day += timedelta(days=1)


def _insert_ignoring_duplicates(session: Session, table: sa.Table, rows: List[dict]) -> None:
    """INSERT … ON CONFLICT DO NOTHING, so two processes generating slots at once both succeed."""
    dialect = session.get_bind().dialect.name
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}.get(dialect)
    if insert is None:
        raise NotImplementedError(f"slot generation supports SQLite and PostgreSQL, not {dialect}")
    session.execute(insert(table).on_conflict_do_nothing(), rows)


def sync_locations(session: Session, clinic: Clinic) -> None:
    """Mirror clinic.yml's locations (id, name, address) into the database."""
    for config in clinic.locations:
        row = session.get(Location, config.id)
        if row is None:
            session.add(Location(id=config.id, name=config.name, address=config.address))
        else:
            row.name, row.address = config.name, config.address
    session.flush()


def ensure_slots(session: Session, clinic: Clinic, now: Optional[datetime] = None) -> int:
    """Create the missing slots for every location up to the horizon; returns how many were missing.

    Idempotent. Future slots that no longer fit the config (new holiday, changed
    hours) are removed unless a booking refers to them; booked ones stay for staff.
    """
    now = now or utcnow()
    sync_locations(session, clinic)
    length = timedelta(minutes=clinic.booking.slot_minutes)
    earliest = bookable_after(clinic, now)
    missing = 0
    for location in clinic.locations:
        wanted = set(slot_starts(clinic, location, now))
        existing = dict(session.execute(
            sa.select(Slot.starts_at, Slot.id).where(Slot.location_id == location.id, Slot.starts_at >= earliest)
        ).all())
        new = sorted(wanted - set(existing))
        if new:
            _insert_ignoring_duplicates(session, Slot.__table__, [
                {"location_id": location.id, "starts_at": start, "ends_at": start + length, "blocked": False}
                for start in new
            ])
        missing += len(new)
        stale = [slot_id for start, slot_id in existing.items() if start not in wanted]
        if stale:
            ever_booked = sa.select(Booking.slot_id).where(Booking.slot_id.in_(stale))
            session.execute(
                sa.delete(Slot).where(Slot.id.in_(stale), Slot.id.not_in(ever_booked))
                .execution_options(synchronize_session="fetch")
            )
    return missing


def _active_booking_exists() -> sa.sql.elements.ColumnElement:
    return sa.exists().where(Booking.slot_id == Slot.id, Booking.status != CANCELLED)


def available_slots(
    session: Session, location_id: str, after: datetime, limit: int = 3, offset: int = 0
) -> List[Slot]:
    """Free, unblocked slots at a location starting at or after `after`, earliest first.

    Pass `after=bookable_after(clinic, now)` to respect the lead time; page with offset.
    """
    return list(session.scalars(
        sa.select(Slot)
        .where(Slot.location_id == location_id, Slot.starts_at >= after, Slot.blocked.is_(False),
               ~_active_booking_exists())
        .order_by(Slot.starts_at)
        .limit(limit)
        .offset(offset)
    ))


def _locked_slot(session: Session, slot_id: int) -> Optional[Slot]:
    """The slot row, locked until commit on PostgreSQL (SQLite's BEGIN IMMEDIATE already serialises)."""
    return session.scalars(
        sa.select(Slot).where(Slot.id == slot_id).with_for_update(of=Slot)
    ).first()


def _bookable_slot(session: Session, slot_id: int, now: datetime) -> Slot:
    slot = _locked_slot(session, slot_id)
    if slot is None or slot.blocked:
        raise SlotUnavailable("That time is no longer available. Please pick another time.")
    if slot.starts_at <= now:
        raise SlotUnavailable("That time has already passed. Please pick another time.")
    return slot


def _active_booking_on(session: Session, slot_id: int) -> Optional[Booking]:
    return session.scalars(
        sa.select(Booking).where(Booking.slot_id == slot_id, Booking.status != CANCELLED)
    ).first()


def _save_or_slot_taken(session: Session, booking: Booking, slot_id: int) -> None:
    """Flush in a savepoint; a unique-index violation on the slot becomes SlotTaken.

    The savepoint keeps the caller's transaction usable, so the bot can offer other times.
    """
    try:
        with session.begin_nested():
            session.add(booking)
    except IntegrityError:
        if _active_booking_on(session, slot_id) is not None:
            raise SlotTaken(slot_id) from None
        raise


def set_slot_blocked(session: Session, slot_id: int, blocked: bool) -> Slot:
    """Staff block a free slot (or unblock it); a booked slot cannot be blocked."""
    slot = _locked_slot(session, slot_id)
    if slot is None:
        raise SlotUnavailable(f"No slot {slot_id}.")
    if blocked and _active_booking_on(session, slot_id) is not None:
        raise BookingError("This slot has a booking; cancel the booking before blocking the slot.")
    slot.blocked = blocked
    session.flush()
    return slot


# Bookings ----------------------------------------------------------------------------------


def _clean_contact(phone: Optional[str], email: Optional[str]) -> tuple:
    phone = validate_phone(phone) if phone else None
    email = validate_email(email) if email else None
    if not phone and not email:
        raise InvalidInput("invalid_contact")
    return phone, email


def latest_assessment_id(session: Session, conversation_id: str) -> Optional[int]:
    return session.scalar(
        sa.select(Assessment.id).where(Assessment.conversation_id == conversation_id)
        .order_by(Assessment.created_at.desc(), Assessment.id.desc()).limit(1)
    )


def book_slot(
    session: Session,
    slot_id: int,
    name: str,
    phone: Optional[str],
    email: Optional[str],
    channel: str,
    conversation_id: str,
    *,
    status: str = CONFIRMED,
    now: Optional[datetime] = None,
    telegram_chat_id: Optional[str] = None,
    reminders: bool = True,
    clinic: Optional[Clinic] = None,
) -> Booking:
    """Book a slot for a patient and queue the clinic's notification, in the caller's transaction.

    Links the conversation's latest assessment. The patient's confirmation (e-mail with
    .ics, and/or the Telegram chat `telegram_chat_id`) and reminder are queued too;
    `reminders=False` books without reminders. Raises InvalidInput (bad name or contact),
    SlotUnavailable (blocked, past, unknown) or SlotTaken (booked by someone else).
    """
    if status not in (REQUESTED, CONFIRMED):
        raise ValueError(f"a new booking is {REQUESTED!r} or {CONFIRMED!r}, not {status!r}")
    now = now or utcnow()
    clinic = clinic or default_clinic()
    name = validate_name(name)
    phone, email = _clean_contact(phone, email)
    _within_open_booking_limit(session, clinic, phone, email, now)
    slot = _bookable_slot(session, slot_id, now)
    booking = Booking(
        slot=slot, status=status, patient_name=name, phone=phone, email=email, channel=channel,
        conversation_id=conversation_id, assessment_id=latest_assessment_id(session, conversation_id),
        calendar_token=secrets.token_urlsafe(24), created_at=now, updated_at=now,
        telegram_chat_id=str(telegram_chat_id) if telegram_chat_id else None, reminders_opt_out=not reminders,
    )
    _save_or_slot_taken(session, booking, slot_id)
    enqueue(session, "booking_created", booking=booking)
    queue_patient_messages(session, booking, clinic, now)
    return booking


def _within_open_booking_limit(
    session: Session, clinic: Clinic, phone: Optional[str], email: Optional[str], now: datetime,
) -> None:
    """Raise BookingLimitReached when this contact already holds the clinic's maximum of upcoming bookings.

    A script booking every free time under one address is stopped here."""
    same_contact = [column == value for column, value in ((Booking.phone, phone), (Booking.email, email)) if value]
    held = session.scalar(
        sa.select(sa.func.count()).select_from(Booking).join(Slot)
        .where(sa.or_(*same_contact), Booking.status != CANCELLED, Slot.starts_at > now))
    if held >= clinic.booking.max_open_per_contact:
        raise BookingLimitReached(clinic.booking.max_open_per_contact, clinic.phone)


def _active_booking(session: Session, booking_id: int) -> Booking:
    booking = session.scalars(
        sa.select(Booking).where(Booking.id == booking_id).with_for_update(of=Booking)
    ).first()
    if booking is None or not booking.is_active:
        raise BookingNotFound("There is no active booking to change.")
    return booking


def cancel_booking(
    session: Session, booking_id: int, *, notify_clinic: bool = True, now: Optional[datetime] = None
) -> Booking:
    """Cancel an active booking, freeing its slot; staff cancelling from their page pass notify_clinic=False."""
    now = now or utcnow()
    booking = _active_booking(session, booking_id)
    booking.status, booking.cancelled_at, booking.updated_at = CANCELLED, now, now
    booking.sequence += 1
    session.flush()
    if notify_clinic:
        enqueue(session, "booking_cancelled", booking=booking)
    return booking


def confirm_booking(session: Session, booking_id: int, now: Optional[datetime] = None) -> Booking:
    """Staff confirm a booking left 'requested' (clinics with booking.staff_confirms)."""
    booking = _active_booking(session, booking_id)
    if booking.status == REQUESTED:
        booking.status, booking.updated_at = CONFIRMED, now or utcnow()
        booking.sequence += 1
        session.flush()
    return booking


def move_booking(
    session: Session, booking_id: int, new_slot_id: int, now: Optional[datetime] = None,
    clinic: Optional[Clinic] = None,
) -> Booking:
    """Move an active booking to another free slot; on SlotTaken the booking keeps its old slot.

    The patient gets a new confirmation and a reminder for the new time; the old
    time's reminder is skipped when it falls due (its for_starts_at no longer matches).
    """
    now = now or utcnow()
    booking = _active_booking(session, booking_id)
    if booking.slot_id == new_slot_id:
        return booking
    slot = _bookable_slot(session, new_slot_id, now)
    try:
        with session.begin_nested():
            booking.slot, booking.updated_at = slot, now
            booking.sequence += 1
    except IntegrityError:
        session.refresh(booking)
        if _active_booking_on(session, new_slot_id) is not None:
            raise SlotTaken(new_slot_id) from None
        raise
    enqueue(session, "booking_moved", booking=booking)
    queue_patient_messages(session, booking, clinic or default_clinic(), now)
    return booking


def active_booking_for(session: Session, conversation_id: str, now: Optional[datetime] = None) -> Optional[Booking]:
    """The conversation's next upcoming booking that is not cancelled, if any."""
    return session.scalars(
        sa.select(Booking).join(Booking.slot)
        .where(Booking.conversation_id == conversation_id, Booking.status != CANCELLED,
               Slot.starts_at > (now or utcnow()))
        .order_by(Slot.starts_at)
        .limit(1)
    ).first()


def bookings_between(
    session: Session, start: datetime, end: datetime, location_id: Optional[str] = None,
    include_cancelled: bool = False,
) -> List[Booking]:
    """Bookings whose slot starts in [start, end), in time order (staff pages, API, CSV)."""
    query = sa.select(Booking).join(Booking.slot).where(Slot.starts_at >= start, Slot.starts_at < end)
    if location_id:
        query = query.where(Slot.location_id == location_id)
    if not include_cancelled:
        query = query.where(Booking.status != CANCELLED)
    return list(session.scalars(query.order_by(Slot.starts_at, Booking.id)))


def slots_on(session: Session, clinic: Clinic, location_id: str, day: date) -> List[Slot]:
    """All slots of one local day at a location (staff block/unblock page)."""
    start = datetime.combine(day, datetime.min.time(), tzinfo=clinic.tz)
    end = start + timedelta(days=1)
    return list(session.scalars(
        sa.select(Slot).where(Slot.location_id == location_id, Slot.starts_at >= start, Slot.starts_at < end)
        .order_by(Slot.starts_at)
    ))
