"""Attacks on the staff site through the real staff server (tests/staff/staff_server.py): brute force,
markup and formulas in patients' text, weak start-up settings, and what the API gives away."""
from __future__ import annotations

import csv
import io
import logging
import subprocess
import sys
from dataclasses import replace
from typing import Iterator

import pytest
import requests

from bot.paths import REPO_ROOT
from bot.staff.app import create_app
from bot.staff.throttle import LoginThrottle, keys_for
from bot.storage.booking import available_slots, bookable_after, book_slot
from bot.storage.conversations import record_callback, save_assessment
from bot.storage.models import utcnow
from bot.storage.validation import InvalidInput, validate_email, validate_name
from tests.staff.conftest import API_TOKEN, PASSWORD, RASA_TOKEN, StaffSite, csrf_of, log_in, seed, settings_for
from tests.staff.conftest import site  # noqa: F401 (fixture)
from tests.staff.staff_server import fake_rasa, serving
from tests.storage.clinic_db_fixtures import backend, clinic, db_url, engine, factory  # noqa: F401

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'
TRICKY_EMAIL = "o'neil{|}=+-x@example.com"  # every quote and sign an address may legally hold
FORMULA_EMAILS = ("=1+2@example.com", "+1+cmd@example.com", "-2+3@example.com")


def attempt(url: str, username: str, password: str) -> requests.Response:
    browser = requests.Session()
    form = browser.get(f"{url}/login", timeout=10)
    return browser.post(f"{url}/login", data={"csrf_token": csrf_of(form.text), "username": username,
                                              "password": password}, allow_redirects=False, timeout=10)


@pytest.fixture
def hostile_site(factory, clinic) -> Iterator[StaffSite]:
    """The staff site holding what an attacker can get into it through the assistant."""
    ids = seed(factory, clinic)
    with factory.begin() as session:
        after = bookable_after(clinic, utcnow())
        slots = available_slots(session, "upper_east_side", after, limit=10)[1:]
        save_assessment(session, "hostile", "rest", {"free_text": SCRIPT}, {"disposition": "gait_analysis"})
        ids["tricky"] = book_slot(session, slots[0].id, "Mary O'Neil", None, TRICKY_EMAIL, "rest", "hostile").id
        for slot, email in zip(slots[1:], FORMULA_EMAILS):
            book_slot(session, slot.id, "Eve Formula", None, email, "rest", "formula")
        ids["hostile_callback"] = record_callback(session, "hostile", "rest", "Rita O'Hara", "2125550177", SCRIPT).id
    tracker = {"sender_id": "hostile", "events": [{"event": "user", "text": SCRIPT, "timestamp": 1700000000.0}]}
    with fake_rasa(RASA_TOKEN, {"hostile": tracker}) as rasa:
        with serving(create_app(factory, clinic, settings_for(rasa.url))) as url:
            yield StaffSite(url, factory, clinic, rasa, ids)


def test_markup_cannot_enter_names_or_addresses():
    for name in (SCRIPT, "<b>Jane</b>", 'Jane" onmouseover="x'):
        with pytest.raises(InvalidInput):
            validate_name(name)
    for email in (f"{SCRIPT}@example.com", '"<x>"@example.com', "a@b<script>.com"):
        with pytest.raises(InvalidInput):
            validate_email(email)


def test_script_and_markup_in_every_text_field_are_shown_escaped(hostile_site):
    browser = log_in(hostile_site.url)
    pages = {path: browser.get(hostile_site.url + path, timeout=10) for path in (
        "/callbacks", f"/bookings/{hostile_site.ids['tricky']}", "/bookings?days=60")}
    for path, page in pages.items():
        assert page.status_code == 200, path
        assert "<script>alert" not in page.text and "<img src=x" not in page.text, path
        assert "script-src" not in page.headers["Content-Security-Policy"]  # default-src 'none': no script runs
        assert "default-src 'none'" in page.headers["Content-Security-Policy"]
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in pages["/callbacks"].text  # the reason, escaped
    detail = pages[f"/bookings/{hostile_site.ids['tricky']}"].text
    assert "o&#39;neil{|}=+-x@example.com" in detail and "O&#39;Neil" in detail
    assert "&lt;script&gt;" in detail, "the transcript line is shown, escaped"


def test_csv_export_turns_formulas_into_text(hostile_site):
    export = log_in(hostile_site.url).get(f"{hostile_site.url}/export.csv?days=60", timeout=10)
    assert export.status_code == 200
    emails = [row["email"] for row in csv.DictReader(io.StringIO(export.text))]
    for formula in FORMULA_EMAILS:
        assert "'" + formula in emails, (formula, emails)
    assert not [cell for cell in emails if cell[:1] in ("=", "+", "-", "@")]


def test_brute_force_login_is_throttled_per_address_with_retry_after(site, caplog):
    caplog.set_level(logging.INFO)
    guesses = [f"guess number {n}!" for n in range(5)]
    for guess in guesses:
        assert attempt(site.url, "alice", guess).status_code == 401
    throttled = attempt(site.url, "alice", PASSWORD)  # even the right password waits now
    assert throttled.status_code == 429
    assert 0 < int(throttled.headers["Retry-After"]) <= 15 * 60
    assert "Too many failed logins" in throttled.text
    assert attempt(site.url, "bob", "another guess!").status_code == 429  # same address, other account
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "throttled" in logged
    assert not [guess for guess in guesses if guess in logged] and PASSWORD not in logged


def test_throttle_counts_accounts_and_addresses_for_fifteen_minutes():
    now = [0.0]
    throttle = LoginThrottle(clock=lambda: now[0])
    for address in ("10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5"):  # one account, many addresses
        throttle.failed(keys_for("alice", address))
    assert throttle.retry_after(keys_for("Alice ", "10.0.0.9")) == 15 * 60 + 1  # the account is locked
    assert throttle.retry_after(keys_for("bob", "10.0.0.9")) == 0  # others are not
    now[0] = 15 * 60 + 0.5
    assert throttle.retry_after(keys_for("alice", "10.0.0.9")) == 0  # the failures have expired


def test_cookies_are_secure_when_the_public_url_is_https(factory, clinic):
    seed(factory, clinic)
    settings = replace(settings_for("http://127.0.0.1:9"), public_url="https://staff.example")
    with serving(create_app(factory, clinic, settings)) as url:
        form = requests.get(f"{url}/login", timeout=10)
        assert "secure" in form.headers["Set-Cookie"].lower()
        login_cookie = form.cookies.get("staff_login_csrf")  # a client sends a Secure cookie over https only
        answer = requests.post(f"{url}/login", headers={"Cookie": f"staff_login_csrf={login_cookie}"},
                               allow_redirects=False, timeout=10, data={
                                   "csrf_token": csrf_of(form.text), "username": "alice", "password": PASSWORD})
        assert answer.status_code == 303
        session_cookie = next(c for c in answer.raw.headers.getlist("Set-Cookie") if c.startswith("staff_session="))
        assert "Secure" in session_cookie and "HttpOnly" in session_cookie


def test_the_api_does_not_expose_conversation_ids(site):
    auth = {"Authorization": f"Bearer {API_TOKEN}"}
    bookings = requests.get(f"{site.url}/api/bookings", headers=auth, timeout=10).json()["bookings"]
    assert bookings and all("conversation_id" not in row for row in bookings)
    assessment = requests.get(f"{site.url}/api/assessments/{site.ids['assessment']}", headers=auth, timeout=10)
    assert "conversation_id" not in assessment.json() and "conv-1" not in assessment.text


@pytest.mark.parametrize("env, refusal", [
    ({"STAFF_HOST": "0.0.0.0", "PUBLIC_STAFF_URL": "http://staff.example"}, "over plain http"),
    ({"STAFF_API_TOKEN": "short-token"}, "STAFF_API_TOKEN must have at least 32 characters"),
])
def test_the_staff_site_refuses_to_start_with_weak_settings(env, refusal, tmp_path):
    result = subprocess.run([sys.executable, "-m", "bot.staff", "serve", "--port", "9"], cwd=REPO_ROOT,
                            env={"PATH": "/usr/bin:/bin", "VAR_DIR": str(tmp_path), **env},
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and refusal in result.stderr, result.stderr[-2000:]
