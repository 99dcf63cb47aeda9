"""The funnel from a real tracker store (Rasa's SQLTrackerStore wrote it) and the clinic database."""
from __future__ import annotations

import requests

from bot.staff.app import create_app
from bot.staff.settings import StaffSettings
from bot.staff.auth import create_user
from tests.staff.conftest import API_TOKEN, log_in
from tests.staff.funnel_seed import EXPECTED, EXPECTED_CHANNELS, EXPECTED_WEEKS, RANGE, seed_bookings, \
    write_tracker_store
from tests.staff.staff_server import serving

AUTH = {"Authorization": f"Bearer {API_TOKEN}"}


def _site(factory, clinic, tmp_path):
    tracker_url = write_tracker_store(tmp_path / "conversations.db")
    seed_bookings(factory, clinic)
    with factory.begin() as session:
        create_user(session, "alice", "correct horse battery")
    settings = StaffSettings(public_url="http://staff.example", api_token=API_TOKEN, tracker_url=tracker_url)
    return serving(create_app(factory, clinic, settings))


def test_api_funnel_counts_each_stage_and_the_drop_off(factory, clinic, tmp_path):
    with _site(factory, clinic, tmp_path) as url:
        answer = requests.get(f"{url}/api/funnel", params=RANGE, headers=AUTH, timeout=10)
        refused = requests.get(f"{url}/api/funnel", params=RANGE, timeout=10)
        backwards = requests.get(f"{url}/api/funnel", params={"from": "2030-03-03", "to": "2030-02-18"},
                                 headers=AUTH, timeout=10)
    assert refused.status_code == 401 and backwards.status_code == 400
    body = answer.json()
    assert {key: body[key] for key in EXPECTED} == EXPECTED
    assert {name: (s["started"], s["booked"], s["attended"]) for name, s in body["by_channel"].items()} \
        == EXPECTED_CHANNELS
    assert {week: s["started"] for week, s in body["by_week"].items()} == EXPECTED_WEEKS


def test_funnel_page_shows_svg_charts_without_scripts(factory, clinic, tmp_path):
    with _site(factory, clinic, tmp_path) as url:
        page = log_in(url).get(f"{url}/funnel", params=RANGE, timeout=10).text
    assert page.count("<svg") == 1 + len(EXPECTED_CHANNELS) + 2 and "<script" not in page
    assert 'data-stage="started">6<' in page and 'data-question="pain_location">1<' in page
    assert "Conversations started: 6 (100%)" in page and "Booked: 2 (33%)" in page
