"""The patient's .ics link: public, unguessable, without the patient's name, following changes."""
from __future__ import annotations

import requests

from bot.calendar import calendar_link
from bot.storage.booking import cancel_booking, move_booking
from bot.storage.models import Booking


def _ics(site, token: str) -> requests.Response:
    return requests.get(f"{site.url}/calendar/{token}.ics", timeout=10)


def _unfolded(text: str) -> str:
    return text.replace("\r\n ", "")


def test_calendar_file_needs_no_login_and_holds_no_patient_name(site):
    with site.factory() as session:
        booking = session.get(Booking, site.ids["jane"])
        token, starts, address = booking.calendar_token, booking.slot.starts_at, booking.slot.location.address
    answer = _ics(site, token)
    assert answer.status_code == 200 and answer.headers["Content-Type"] == "text/calendar; charset=utf-8"
    text = _unfolded(answer.text)
    assert answer.text.startswith("BEGIN:VCALENDAR\r\n") and answer.text.endswith("END:VCALENDAR\r\n")
    assert f"DTSTART:{starts:%Y%m%dT%H%M%SZ}" in text and "STATUS:CONFIRMED" in text and "SEQUENCE:0" in text
    assert f"LOCATION:{address.replace(',', chr(92) + ',')}" in text
    assert "shorts" in text and "Jane" not in text and "555-0142" in text  # the clinic's number, not hers
    assert all(len(line.encode()) <= 75 for line in answer.text.split("\r\n"))


def test_calendar_file_follows_a_move_and_a_cancellation(site):
    with site.factory.begin() as session:
        moved = move_booking(session, site.ids["jane"], site.ids["free_slot"])
        token, new_start = moved.calendar_token, moved.slot.starts_at
    text = _unfolded(_ics(site, token).text)
    assert f"DTSTART:{new_start:%Y%m%dT%H%M%SZ}" in text and "SEQUENCE:1" in text
    with site.factory.begin() as session:
        cancel_booking(session, site.ids["jane"])
    text = _unfolded(_ics(site, token).text)
    assert "STATUS:CANCELLED" in text and "SEQUENCE:2" in text


def test_unknown_calendar_tokens_are_not_found(site):
    assert _ics(site, "A" * 32).status_code == 404
    assert requests.get(f"{site.url}/calendar/short.ics", timeout=10).status_code == 404


def test_calendar_link_uses_the_public_staff_url(site, monkeypatch):
    with site.factory() as session:
        booking = session.get(Booking, site.ids["jane"])
    monkeypatch.delenv("PUBLIC_STAFF_URL", raising=False)
    assert calendar_link(booking) == f"http://localhost:8081/calendar/{booking.calendar_token}.ics"
    monkeypatch.setenv("PUBLIC_STAFF_URL", "https://staff.podiatric-care.example/")
    assert calendar_link(booking) == f"https://staff.podiatric-care.example/calendar/{booking.calendar_token}.ics"
