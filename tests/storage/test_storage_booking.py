"""Booking, cancelling, moving and blocking, on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from bot.storage.booking import (
    BookingError, BookingNotFound, SlotTaken, SlotUnavailable, active_booking_for, available_slots, book_slot,
    cancel_booking, confirm_booking, ensure_slots, move_booking, set_slot_blocked,
)
from bot.storage.conversations import save_assessment
from bot.storage.models import Booking, Notification
from bot.storage.validation import InvalidInput
from tests.storage.clinic_db_fixtures import NOW


@pytest.fixture
def slot_ids(factory, clinic):
    with factory.begin() as session:
        ensure_slots(session, clinic, NOW)
        return [s.id for s in available_slots(session, "midtown", NOW, limit=5)]


def _book(factory, slot_id, conversation="conv-1", **kwargs):
    with factory.begin() as session:
        return book_slot(session, slot_id, kwargs.pop("name", "Jane Smith"), kwargs.pop("phone", "(212) 555-0142"),
                         kwargs.pop("email", None), "rest", conversation, now=NOW, **kwargs)


def _notifications(factory):
    with factory() as session:
        return [(n.kind, n.booking_id, n.status) for n in session.scalars(sa.select(Notification).order_by(Notification.id))]


def test_booking_stores_normalised_contact_links_assessment_and_queues_notification(factory, slot_ids):
    with factory.begin() as session:
        assessment = save_assessment(session, "conv-1", "rest", {"flat_feet": True}, {"disposition": "gait_analysis"})
    booking = _book(factory, slot_ids[0], email="Jane.Smith@Example.COM")
    assert (booking.status, booking.phone, booking.email) == ("confirmed", "+12125550142", "Jane.Smith@example.com")
    assert booking.assessment_id == assessment.id
    assert len(booking.calendar_token) >= 32
    # Readable after the session closed, for the bot's confirmation message.
    assert (booking.slot.id, booking.slot.location.name) == (slot_ids[0], "Midtown Manhattan")
    assert _notifications(factory) == [("booking_created", booking.id, "pending"),
                                       ("patient_confirmation", booking.id, "pending"),
                                       ("reminder", booking.id, "pending")]


def test_second_booking_of_a_slot_raises_slot_taken_and_the_session_stays_usable(factory, slot_ids):
    _book(factory, slot_ids[0])
    with factory.begin() as session:
        with pytest.raises(SlotTaken) as taken:
            book_slot(session, slot_ids[0], "John Doe", "2125550199", None, "rest", "conv-2", now=NOW)
        other = book_slot(session, slot_ids[1], "John Doe", "2125550199", None, "rest", "conv-2", now=NOW)
    assert "just taken" in str(taken.value)
    with factory() as session:
        rows = session.execute(sa.select(Booking.slot_id, Booking.patient_name).order_by(Booking.id)).all()
    assert rows == [(slot_ids[0], "Jane Smith"), (other.slot_id, "John Doe")]


def test_the_database_itself_refuses_two_active_bookings_for_one_slot(factory, slot_ids):
    first = _book(factory, slot_ids[0])
    duplicate = Booking(slot_id=slot_ids[0], status="confirmed", patient_name="Raw Insert", channel="rest",
                        calendar_token="x" * 32, created_at=NOW, updated_at=NOW)
    with pytest.raises(IntegrityError):
        with factory.begin() as session:
            session.add(duplicate)
    with factory.begin() as session:
        cancel_booking(session, first.id, now=NOW)
        session.add(duplicate)  # a cancelled booking no longer holds the slot
    with factory() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Booking)) == 2


def test_blocked_past_and_unknown_slots_cannot_be_booked(factory, slot_ids):
    with factory.begin() as session:
        set_slot_blocked(session, slot_ids[0], True)
    with pytest.raises(SlotUnavailable):
        _book(factory, slot_ids[0])
    with pytest.raises(SlotUnavailable, match="passed"):
        with factory.begin() as session:
            book_slot(session, slot_ids[1], "Jane Smith", "2125550142", None, "rest", "c",
                      now=NOW + timedelta(days=60))
    with pytest.raises(SlotUnavailable):
        _book(factory, 999_999)
    with factory() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Booking)) == 0


@pytest.mark.parametrize("name, phone, email", [
    ("J4ne", "2125550142", None), ("Jane Smith", "555-0142", None), ("Jane Smith", None, "jane@"),
    ("Jane Smith", None, None),
])
def test_invalid_patient_details_are_refused_with_an_example(factory, slot_ids, name, phone, email):
    with pytest.raises(InvalidInput) as refused:
        _book(factory, slot_ids[0], name=name, phone=phone, email=email)
    assert "e.g." in refused.value.message or "like" in refused.value.message
    assert _notifications(factory) == []


def test_cancel_frees_the_slot_notifies_and_cannot_repeat(factory, slot_ids):
    booking = _book(factory, slot_ids[0])
    with factory.begin() as session:
        cancelled = cancel_booking(session, booking.id, now=NOW)
    assert (cancelled.status, cancelled.cancelled_at, cancelled.sequence) == ("cancelled", NOW, 1)
    with factory() as session:
        assert slot_ids[0] in [s.id for s in available_slots(session, "midtown", NOW)]
        assert active_booking_for(session, "conv-1", now=NOW) is None
    assert [kind for kind, _, _ in _notifications(factory)] == ["booking_created", "booking_cancelled"]
    with pytest.raises(BookingNotFound):
        with factory.begin() as session:
            cancel_booking(session, booking.id, now=NOW)


def test_move_changes_slot_keeps_calendar_token_and_frees_old_slot(factory, slot_ids):
    booking = _book(factory, slot_ids[0])
    with factory.begin() as session:
        moved = move_booking(session, booking.id, slot_ids[2], now=NOW)
    assert (moved.slot_id, moved.sequence, moved.calendar_token) == (slot_ids[2], 1, booking.calendar_token)
    with factory() as session:
        free = [s.id for s in available_slots(session, "midtown", NOW)]
        assert slot_ids[0] in free and slot_ids[2] not in free
        assert active_booking_for(session, "conv-1", now=NOW).slot_id == slot_ids[2]
    assert [kind for kind, _, _ in _notifications(factory)] == ["booking_created", "booking_moved"]


def test_move_to_a_taken_slot_keeps_the_old_slot(factory, slot_ids):
    booking = _book(factory, slot_ids[0])
    _book(factory, slot_ids[1], conversation="conv-2")
    with factory.begin() as session:
        with pytest.raises(SlotTaken):
            move_booking(session, booking.id, slot_ids[1], now=NOW)
    with factory() as session:
        assert session.get(Booking, booking.id).slot_id == slot_ids[0]
        assert session.get(Booking, booking.id).sequence == 0


def test_active_booking_for_is_per_conversation_and_upcoming_only(factory, slot_ids):
    first = _book(factory, slot_ids[1])
    _book(factory, slot_ids[0], conversation="someone-else")
    with factory() as session:
        assert active_booking_for(session, "conv-1", now=NOW).id == first.id
        assert active_booking_for(session, "conv-1", now=first.slot.starts_at) is None
        assert active_booking_for(session, "unknown", now=NOW) is None


def test_requested_bookings_wait_for_staff_confirmation(factory, slot_ids):
    booking = _book(factory, slot_ids[0], status="requested")
    assert booking.status == "requested"
    with factory.begin() as session:
        confirmed = confirm_booking(session, booking.id, now=NOW)
    assert (confirmed.status, confirmed.sequence) == ("confirmed", 1)


def test_a_booked_slot_cannot_be_blocked(factory, slot_ids):
    _book(factory, slot_ids[0])
    with pytest.raises(BookingError, match="cancel the booking"):
        with factory.begin() as session:
            set_slot_blocked(session, slot_ids[0], True)
