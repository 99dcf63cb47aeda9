"""The JSON API for scheduling systems: bearer token, date ranges, assessments."""
from __future__ import annotations

from datetime import timedelta

import requests

from bot.staff.app import create_app
from bot.storage.models import Booking
from tests.staff.conftest import ANSWERS, API_TOKEN, RESULT, settings_for
from tests.staff.staff_server import serving

AUTH = {"Authorization": f"Bearer {API_TOKEN}"}


def _jane_day(site) -> str:
    with site.factory() as session:
        return site.clinic.local(session.get(Booking, site.ids["jane"]).slot.starts_at).date().isoformat()


def test_api_refuses_requests_without_the_right_bearer_token(site):
    for headers in ({}, {"Authorization": "Bearer wrong-token"}, {"Authorization": f"Basic {API_TOKEN}"},
                    {"Authorization": f"Bearer {API_TOKEN}x"}):
        answer = requests.get(f"{site.url}/api/bookings", headers=headers, timeout=10)
        assert answer.status_code == 401, headers
        assert answer.headers["WWW-Authenticate"].startswith("Bearer")
        assert answer.json() == {"error": "A valid bearer token is required."}
    assert requests.get(f"{site.url}/api/assessments/{site.ids['assessment']}", timeout=10).status_code == 401


def test_api_bookings_by_local_day_including_cancellations(site):
    day = _jane_day(site)
    answer = requests.get(f"{site.url}/api/bookings", params={"from": day, "to": day}, headers=AUTH, timeout=10)
    assert answer.status_code == 200
    bookings = {b["patient_name"]: b for b in answer.json()["bookings"]}
    assert "Jane Smith" in bookings
    jane = bookings["Jane Smith"]
    assert (jane["status"], jane["location_id"], jane["phone"], jane["email"]) == (
        "confirmed", "midtown", "(212) 555-0142", "jane@example.com")
    assert jane["starts_at"].startswith(day) and jane["starts_at"][-6:] in ("-05:00", "-04:00")
    assert jane["assessment_id"] == site.ids["assessment"]
    everything = requests.get(f"{site.url}/api/bookings", headers=AUTH, timeout=10).json()["bookings"]
    assert {b["patient_name"]: b["status"] for b in everything} == {
        "Jane Smith": "confirmed", "John Doe": "confirmed", "Carl Cancelled": "cancelled"}


def test_api_bookings_range_excludes_other_days_and_rejects_bad_dates(site):
    with site.factory() as session:
        starts = session.get(Booking, site.ids["jane"]).slot.starts_at
    after = (starts + timedelta(minutes=1)).isoformat()
    later = requests.get(f"{site.url}/api/bookings", params={"from": after}, headers=AUTH, timeout=10).json()
    assert "Jane Smith" not in {b["patient_name"] for b in later["bookings"]}
    bad = requests.get(f"{site.url}/api/bookings", params={"from": "next week"}, headers=AUTH, timeout=10)
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.json()["error"]
    backwards = requests.get(f"{site.url}/api/bookings", params={"from": "2030-01-02", "to": "2030-01-01"},
                             headers=AUTH, timeout=10)
    assert backwards.status_code == 400


def test_api_assessment_has_answers_and_result(site):
    answer = requests.get(f"{site.url}/api/assessments/{site.ids['assessment']}", headers=AUTH, timeout=10)
    body = answer.json()
    assert (body["answers"], body["result"], body["disposition"]) == (ANSWERS, {**RESULT, "language": "es"}, "gait_analysis")
    assert "conversation_id" not in body
    missing = requests.get(f"{site.url}/api/assessments/999999", headers=AUTH, timeout=10)
    assert missing.status_code == 404 and missing.json() == {"error": "No such assessment."}


def test_api_is_off_without_a_configured_token(factory, clinic, site):
    with serving(create_app(factory, clinic, settings_for(site.rasa.url, api_token=None))) as url:
        for headers in ({}, {"Authorization": "Bearer "}, AUTH):
            answer = requests.get(f"{url}/api/bookings", headers=headers, timeout=10)
            assert answer.status_code == 503 and "STAFF_API_TOKEN" in answer.json()["error"]
