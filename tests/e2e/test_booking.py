"""Booking a gait analysis end to end: the conversation over REST, checked in the clinic database."""
from __future__ import annotations

import re
import uuid

import pytest
import sqlalchemy as sa

from bot.storage.booking import book_slot
from bot.storage.engine import make_engine, make_sessionmaker, session_scope
from bot.storage.models import Assessment, Booking
from tests.e2e.patient import KNEE_WITH_FOOT_SIGNS, Patient, buttons, texts

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def clinic_db(rasa_stack):
    """Sessions on the same database the action server writes to."""
    engine = make_engine(rasa_stack.env["DATABASE_URL"])
    yield make_sessionmaker(engine)
    engine.dispose()


def eligible_patient(rasa_stack) -> Patient:
    patient = Patient(rasa_stack, f"book-{uuid.uuid4().hex[:10]}", KNEE_WITH_FOOT_SIGNS)
    patient.start()
    replies = patient.answer_until_result()
    assert "Would you like to book a gait analysis?" in texts(replies), "\n".join(patient.transcript)
    return patient


def choose(replies, title_pattern: str) -> str:
    for button in buttons(replies):
        if re.search(title_pattern, button["title"]):
            return button["payload"]
    raise AssertionError(f"no button like {title_pattern!r} in {buttons(replies)}")


def test_booking_after_the_outcome_is_stored_with_the_assessment(rasa_stack, clinic_db):
    patient = eligible_patient(rasa_stack)
    replies = patient.say("yes")
    replies = patient.say(choose(replies, "Midtown"))
    first_time = buttons(replies)[0]
    assert any(b["title"] == "Later times" for b in buttons(replies))
    replies = patient.say(choose(replies, "Later times"))
    assert buttons(replies)[0]["title"] != first_time["title"], "later times must be later"
    replies = patient.say(buttons(replies)[0]["payload"])
    replies = patient.say("Jane Smith")
    replies = patient.say("call me maybe")
    assert any("(212) 555-0142" in t or "example.com" in t for t in texts(replies)), "re-ask shows an example"
    replies = patient.say("jane.smith@example.com")
    summary = " ".join(texts(replies))
    assert "Jane Smith" in summary and "Midtown" in summary
    replies = patient.say("change the time")
    replies = patient.say(buttons(replies)[1]["payload"])
    replies = patient.say("/affirm")
    confirmation = " ".join(texts(replies))
    assert "You're booked" in confirmation and "/calendar/" in confirmation and "shoes" in confirmation
    with session_scope(clinic_db) as session:
        booking = session.scalars(sa.select(Booking).where(Booking.conversation_id == patient.sender)).one()
        assert booking.email == "jane.smith@example.com" and booking.status != "cancelled"
        assessment = session.get(Assessment, booking.assessment_id)
        assert assessment.disposition == "gait_analysis"
        assert assessment.answers["pain_location"] == "knee"


def test_a_time_taken_meanwhile_is_answered_with_other_times(rasa_stack, clinic_db):
    patient = eligible_patient(rasa_stack)
    patient.say("yes")
    replies = patient.say("upper east side")
    wanted = buttons(replies)[0]
    slot_id = int(re.search(r'"slot_id": "(\d+)"', wanted["payload"]).group(1))
    patient.say(wanted["payload"])
    patient.say("Sam Lee")
    patient.say("(212) 555-0199")
    with session_scope(clinic_db) as session:  # someone else books it first
        book_slot(session, slot_id, "Other Patient", "+12125550111", None, "rest", "someone-else")
    replies = patient.say("/affirm")
    assert "That time was just taken" in " ".join(texts(replies))
    assert wanted["title"] not in [b["title"] for b in buttons(replies)]
    patient.say(buttons(replies)[0]["payload"])
    replies = patient.say("/affirm")
    assert "You're booked" in " ".join(texts(replies))


def test_cancel_and_move_from_the_same_conversation(rasa_stack, clinic_db):
    patient = eligible_patient(rasa_stack)
    patient.say("yes")
    replies = patient.say('/inform{"location": "midtown"}')
    patient.say(buttons(replies)[0]["payload"])
    patient.say("Ana Ruiz")
    patient.say("646-555-0123")
    patient.say("/affirm")
    replies = patient.say("can I move my appointment to another time")
    replies = patient.say("upper east side")
    new_time = buttons(replies)[2]
    patient.say(new_time["payload"])
    replies = patient.say("/affirm")
    assert "Upper East Side" in " ".join(texts(replies))
    with session_scope(clinic_db) as session:
        booking = session.scalars(sa.select(Booking).where(Booking.conversation_id == patient.sender)).one()
        assert booking.slot.location_id == "upper_east_side"
    replies = patient.say("I need to cancel my booking")
    assert {b["payload"] for b in buttons(replies)} >= {"/affirm", "/deny"}
    replies = patient.say("/affirm")
    assert "cancelled" in " ".join(texts(replies))
    with session_scope(clinic_db) as session:
        booking = session.scalars(sa.select(Booking).where(Booking.conversation_id == patient.sender)).one()
        assert booking.status == "cancelled"


def test_booking_before_any_triage_runs_the_triage_first(rasa_stack):
    patient = Patient(rasa_stack, f"book-{uuid.uuid4().hex[:10]}", {})
    replies = patient.say("I'd like to book a gait analysis")
    assert "not a doctor" in " ".join(texts(replies))
    patient.say("/affirm")
    assert patient.open_question == "where"


ORDINARY_NAMES = [
    "Tom Hart", "Grace Hope", "Will Strong", "Joy Walker", "Bill Payne", "Rich Young", "Mark Stopper",
    "Art Restart", "Faith Love", "Harry Potter", "Chuck Norris", "Hope", "Dan Noh", "Summer Day", "May June",
    "Rose Thanks", "Jesús García", "Zoë O'Neill", "Anne-Marie Dubois", "Nguyễn Văn An", "Li Wei", "Bob",
    "Grant Wish", "Helen Back", "Bond James",
]


NAMES_PER_PATIENT = 6  # each name costs three messages: a patient stays well under the per-sender rate limit


@pytest.mark.parametrize("first", range(0, len(ORDINARY_NAMES), NAMES_PER_PATIENT))
def test_ordinary_names_are_taken_as_names(rasa_stack, first):
    """A name is the answer to "what name should we ask for?", whatever the classifier thinks it is."""
    patient = eligible_patient(rasa_stack)
    patient.say("yes")
    replies = patient.say("midtown")
    replies = patient.say(buttons(replies)[0]["payload"])
    for name in ORDINARY_NAMES[first:first + NAMES_PER_PATIENT]:
        assert patient.slot("requested_slot") == "patient_name", patient.last_lines()
        patient.say(name)
        assert patient.slot("patient_name") == name, patient.last_lines()
        patient.say("jane.smith@example.com")
        assert patient.slot("requested_slot") == "booking_confirmed", patient.last_lines()
        patient.say("change my details")
    assert patient.slot("consent") is True and patient.slot("disposition") == "gait_analysis"
