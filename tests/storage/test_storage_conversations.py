"""Assessments, callback requests and "forget me", on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from bot.storage.booking import available_slots, book_slot, cancel_booking, ensure_slots
from bot.storage.conversations import FORGOTTEN_NAME, forget_conversation, record_callback, save_assessment
from bot.storage.models import Assessment, Booking, CallbackRequest, Notification
from bot.storage.validation import InvalidInput
from tests.storage.clinic_db_fixtures import NOW

ANSWERS = {"rf_fever": False, "pain_location": "knee", "flat_feet": True, "duration_weeks": 8, "age": None}
RESULT = {"disposition": "gait_analysis", "likelihood": "moderate", "score": 57,
          "reasons": [{"key": "flat_feet", "text": "Flat feet", "points": 15}], "red_flags": [], "points_away": []}


def test_assessment_keeps_answers_and_result_as_json(factory):
    with factory.begin() as session:
        saved = save_assessment(session, "conv-1", "telegram", ANSWERS, RESULT)
    with factory() as session:
        stored = session.get(Assessment, saved.id)
        assert (stored.answers, stored.result, stored.disposition) == (ANSWERS, RESULT, "gait_analysis")
        assert stored.created_at.tzinfo is not None


def test_callback_request_is_validated_and_queues_a_notification(factory):
    with factory.begin() as session:
        callback = record_callback(session, "conv-1", "rest", " John  Doe ", "+1 212 555 0199", "  knee pain  ")
    with factory() as session:
        stored = session.get(CallbackRequest, callback.id)
        kinds = session.execute(sa.select(Notification.kind, Notification.callback_id)).all()
    assert (stored.name, stored.phone, stored.reason, stored.status) == ("John Doe", "+12125550199", "knee pain", "open")
    assert kinds == [("callback_requested", callback.id)]
    with pytest.raises(InvalidInput):
        with factory.begin() as session:
            record_callback(session, "conv-1", "rest", "John Doe", "call me", "")


def test_forget_conversation_deletes_health_data_and_cancels_and_anonymises_bookings(factory, clinic):
    with factory.begin() as session:
        ensure_slots(session, clinic, NOW)
        slots = available_slots(session, "midtown", NOW, limit=3)
        save_assessment(session, "forget-me", "rest", ANSWERS, RESULT)
        upcoming = book_slot(session, slots[0].id, "Jane Smith", "2125550142", "jane@example.com", "rest",
                             "forget-me", now=NOW)
        earlier = book_slot(session, slots[1].id, "Jane Smith", "2125550142", None, "rest", "forget-me", now=NOW)
        cancel_booking(session, earlier.id, now=NOW)
        record_callback(session, "forget-me", "rest", "Jane Smith", "2125550142", "my knee")
        save_assessment(session, "keep-me", "rest", ANSWERS, RESULT)
        other = book_slot(session, slots[2].id, "John Doe", "2125550199", None, "rest", "keep-me", now=NOW)
    with factory.begin() as session:
        report = forget_conversation(session, "forget-me", now=NOW + timedelta(minutes=5))
    assert (report.assessments_deleted, report.callbacks_deleted, report.bookings_cancelled,
            report.bookings_anonymised) == (1, 1, 1, 2)
    with factory() as session:
        forgotten = [session.get(Booking, b.id) for b in (upcoming, earlier)]
        assert all((b.patient_name, b.phone, b.email, b.conversation_id, b.assessment_id, b.status)
                   == (FORGOTTEN_NAME, None, None, None, None, "cancelled") for b in forgotten)
        assert session.scalars(sa.select(Assessment.conversation_id)).all() == ["keep-me"]
        assert session.scalar(sa.select(sa.func.count()).select_from(CallbackRequest)) == 0
        # the callback's outbox row went with it; the clinic hears about the freed slot
        kinds = session.scalars(sa.select(Notification.kind).order_by(Notification.id)).all()
        assert "callback_requested" not in kinds and kinds.count("booking_cancelled") == 2
        kept = session.get(Booking, other.id)
        assert (kept.patient_name, kept.conversation_id, kept.status) == ("John Doe", "keep-me", "confirmed")
        assert slots[0].id in [s.id for s in available_slots(session, "midtown", NOW)]
