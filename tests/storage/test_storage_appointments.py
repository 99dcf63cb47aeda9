"""The patient's token: only the exact token opens the booking, and every button fits Telegram's 64 bytes."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from bot.storage.appointments import WrongToken, booking_for_token, button_data, parse_button
from bot.storage.booking import available_slots, book_slot, ensure_slots
from bot.storage.models import Booking
from tests.storage.clinic_db_fixtures import NOW

TOKEN_CHARS = st.text(alphabet="0123456789.ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-", max_size=60)


@pytest.fixture
def booked(factory, clinic):
    with factory.begin() as session:
        ensure_slots(session, clinic, NOW)
        slot = available_slots(session, "midtown", NOW, limit=1)[0]
        return book_slot(session, slot.id, "Pat Patient", "2125550142", None, "rest", "c", now=NOW, clinic=clinic)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(guess=st.one_of(TOKEN_CHARS, st.text(max_size=60)))
def test_only_the_exact_token_opens_the_booking(factory, booked, guess):
    with factory() as session:
        if guess == booked.manage_token:
            assert booking_for_token(session, guess).id == booked.id
        else:
            with pytest.raises(WrongToken):
                booking_for_token(session, guess)


def test_near_misses_are_refused(factory, booked):
    token = booked.manage_token
    with factory() as session:
        assert booking_for_token(session, token).id == booked.id
        for wrong in (token[:-1], token + "A", token.upper() if token != token.upper() else token.lower(),
                      f"{booked.id + 1}.{booked.manage_secret}", booked.manage_secret, ""):
            with pytest.raises(WrongToken):
                booking_for_token(session, wrong)


@given(booking_id=st.integers(min_value=1, max_value=10 ** 12 - 1), secret=st.text(
    alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-", min_size=32, max_size=32),
    action=st.sampled_from(["confirm", "reschedule", "cancel", "stop-reminders"]))
def test_every_button_fits_telegram_and_reads_back(booking_id, secret, action):
    booking = Booking(id=booking_id, manage_secret=secret)
    data = button_data(action, booking)
    assert len(data.encode()) <= 64
    assert parse_button(data) == (action, booking.manage_token)
    assert parse_button("/affirm") is None and parse_button("appt:?:" + booking.manage_token) is None
