from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, Iterator, Optional

import pytest
import requests

from bot.staff.app import create_app
from bot.staff.auth import create_user
from bot.staff.settings import StaffSettings
from bot.storage.booking import available_slots, bookable_after, book_slot, cancel_booking, ensure_slots
from bot.storage.conversations import record_callback, save_assessment
from bot.storage.models import utcnow
from tests.staff.staff_server import FakeRasa, fake_rasa, serving
from tests.storage.clinic_db_fixtures import backend, clinic, db_url, engine, factory  # noqa: F401 (fixtures)

PASSWORD = "correct horse battery"
RASA_TOKEN = "rasa-secret"
API_TOKEN = "api-secret-token"
ANSWERS = {"rf_fever": False, "rf_trauma": None, "sitting_relieves": False, "pain_location": "knee",
           "flat_feet": True, "duration_weeks": 8}
RESULT = {"disposition": "gait_analysis", "likelihood": "moderate", "score": 57, "red_flags": [], "points_away": [],
          "reasons": [{"key": "flat_feet", "text": "Flat or inward-rolling feet are linked with knee pain.", "points": 15}]}
TRACKER = {"sender_id": "conv-1", "events": [
    {"event": "action", "name": "action_listen", "timestamp": 1.0},
    {"event": "user", "text": "my knee hurts when I run", "timestamp": 1700000000.0},
    {"event": "bot", "text": "I'm not a doctor, but I can help you check.", "timestamp": 1700000001.0},
]}


@dataclass
class StaffSite:
    url: str
    factory: object
    clinic: object
    rasa: Optional[FakeRasa]
    ids: Dict[str, int]


def seed(factory, clinic) -> Dict[str, int]:
    """Two upcoming bookings (one with an assessment), one cancelled, a callback request and a staff user."""
    now = utcnow()
    with factory.begin() as session:
        ensure_slots(session, clinic, now)
        after = bookable_after(clinic, now)
        midtown = _three_on_one_day(clinic, available_slots(session, "midtown", after, limit=60))
        ues = available_slots(session, "upper_east_side", after, limit=1)
        # Jane talked in Spanish: the language is kept with the result (the staff page shows it).
        assessment = save_assessment(session, "conv-1", "rest", ANSWERS, {**RESULT, "language": "es"})
        jane = book_slot(session, midtown[0].id, "Jane Smith", "2125550142", "jane@example.com", "rest", "conv-1")
        john = book_slot(session, ues[0].id, "John Doe", None, "=cmd@example.com", "telegram", "conv-2")
        carl = book_slot(session, midtown[1].id, "Carl Cancelled", "2125550100", None, "rest", "conv-3")
        cancel_booking(session, carl.id)
        callback = record_callback(session, "conv-4", "rest", "Rita Caller", "2125550177", "please call about my heel")
        create_user(session, "alice", PASSWORD)
        return {"jane": jane.id, "john": john.id, "carl": carl.id, "assessment": assessment.id,
                "callback": callback.id, "free_slot": midtown[2].id, "jane_slot": midtown[0].id}


def _three_on_one_day(clinic, slots):
    """Three free times on the same local day: the slots page of one day must show all of them,
    whatever the time of day the tests run (the first day may have fewer than three left)."""
    by_day: Dict[object, list] = {}
    for slot in slots:
        by_day.setdefault(clinic.local(slot.starts_at).date(), []).append(slot)
    return next(day_slots[:3] for day_slots in by_day.values() if len(day_slots) >= 3)


def settings_for(rasa_url: str, api_token: Optional[str] = API_TOKEN) -> StaffSettings:
    return StaffSettings(public_url="http://staff.example", rasa_url=rasa_url, rasa_token=RASA_TOKEN,
                         api_token=api_token)


@pytest.fixture
def site(factory, clinic) -> Iterator[StaffSite]:
    ids = seed(factory, clinic)
    with fake_rasa(RASA_TOKEN, {"conv-1": TRACKER}) as rasa:
        with serving(create_app(factory, clinic, settings_for(rasa.url))) as url:
            yield StaffSite(url, factory, clinic, rasa, ids)


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def log_in(url: str, username: str = "alice", password: str = PASSWORD, next_path: str = "") -> requests.Session:
    browser = requests.Session()
    form = browser.get(f"{url}/login", timeout=10)
    browser.post(f"{url}/login", data={"csrf_token": csrf_of(form.text), "username": username,
                                       "password": password, "next": next_path}, timeout=10)
    return browser
