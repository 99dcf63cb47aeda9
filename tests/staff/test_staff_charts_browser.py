"""The funnel and calibration pages in headless Chromium, with seeded data: charts visible, numbers
equal to the database's. STAFF_SCREENSHOTS=1 also writes the screenshots of docs/staff.md."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.paths import REPO_ROOT
from bot.staff.app import create_app
from bot.staff.auth import create_user
from bot.staff.settings import StaffSettings
from bot.storage.booking import available_slots, book_slot, ensure_slots
from bot.storage.conversations import save_assessment
from bot.storage.findings import record_finding
from bot.storage.models import Assessment, Booking, GaitFinding
from tests.staff.funnel_seed import EXPECTED, RANGE, seed_bookings, write_tracker_store
from tests.staff.staff_server import serving
from tests.storage.clinic_db_fixtures import NOW

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "correct horse battery"
SHOTS = REPO_ROOT / "docs" / "img"
# (likelihood, foot posture, orthotics) of the attended patients with a finding
FINDINGS = [("high", "overpronation", True)] * 4 + [("high", "neutral", False)] + \
           [("moderate", "neutral", True), ("moderate", "neutral", False), ("moderate", "oversupination", False)] + \
           [("low", "neutral", False)] * 3


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y --no-install-recommends chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox",
                                                                              "--disable-gpu"])
        yield chromium
        chromium.close()


def _seed_findings(factory, clinic) -> None:
    with factory.begin() as session:
        ensure_slots(session, clinic, NOW)
        for n, (likelihood, posture, orthotics) in enumerate(FINDINGS):
            conversation = f"calib-{n}"
            save_assessment(session, conversation, "rest", {"flat_feet": posture == "overpronation"},
                            {"disposition": "gait_analysis", "likelihood": likelihood, "score": 50})
            slot = available_slots(session, "midtown", NOW, limit=1)[0]
            booking = book_slot(session, slot.id, "Cal Patient", f"21255502{n:02d}", None, "rest", conversation, now=NOW,
                                clinic=clinic)
            record_finding(session, booking.id, fpi_left=6 if posture == "overpronation" else 2, fpi_right=3,
                           foot_posture=posture, orthotics=orthotics, note="")
        create_user(session, "alice", PASSWORD)


@pytest.fixture
def staff_page(factory, clinic, tmp_path, browser, backend):
    if backend != "sqlite":
        pytest.skip("the pages are the same on PostgreSQL; the browser run uses SQLite")
    tracker_url = write_tracker_store(tmp_path / "conversations.db")
    seed_bookings(factory, clinic)
    _seed_findings(factory, clinic)
    settings = StaffSettings(public_url="http://staff.example", tracker_url=tracker_url)
    with serving(create_app(factory, clinic, settings)) as url:
        context = browser.new_context(viewport={"width": 1100, "height": 900})
        page = context.new_page()
        errors = []
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.goto(f"{url}/login")
        page.fill("input[name=username]", "alice")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        yield url, page
        assert errors == []  # no CSP violation, nothing blocked
        context.close()


def _shoot(page, name: str) -> None:
    if os.environ.get("STAFF_SCREENSHOTS") == "1":
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / name), full_page=True)


def test_funnel_page_charts_are_visible_and_match_the_data(staff_page):
    url, page = staff_page
    page.goto(f"{url}/funnel?from={RANGE['from']}&to={RANGE['to']}")
    chart = page.locator("#overall svg")
    assert chart.is_visible() and chart.bounding_box()["width"] > 300
    bars = chart.locator("rect")
    assert bars.count() == 5 + len(EXPECTED["disposition"])
    widths = [float(bars.nth(i).get_attribute("width")) for i in range(bars.count())]
    assert widths[0] == max(widths) and widths[-1] < widths[0]  # "attended" is shorter than "started"
    for stage in ("started", "consented", "offered", "booked", "attended"):
        assert page.locator(f'[data-stage="{stage}"]').inner_text() == str(EXPECTED[stage])
    for name, n in EXPECTED["disposition"].items():
        assert page.locator(f'[data-stage="disposition.{name}"]').inner_text() == str(n)
    assert page.locator('[data-question="pain_location"]').inner_text() == "1"
    assert page.locator("script").count() == 0
    _shoot(page, "staff-funnel.png")


def test_calibration_page_numbers_match_the_database(staff_page, factory):
    url, page = staff_page
    page.goto(f"{url}/calibration")
    assert page.locator("#calibration-chart svg rect").count() == 3
    assert page.locator("#calibration-chart svg").is_visible()
    with factory() as session:
        rows = session.execute(sa.select(Assessment.result, GaitFinding).join(
            GaitFinding, GaitFinding.assessment_id == Assessment.id)).all()
    for band in ("low", "moderate", "high"):
        mine = [finding for result, finding in rows if result["likelihood"] == band]
        hits = sum(1 for f in mine if f.foot_posture != "neutral" or f.orthotics)
        row = page.locator(f'tr[data-band="{band}"]')
        assert (row.locator(".patients").inner_text(), row.locator(".findings").inner_text()) == (
            str(len(mine)), str(hits))
    assert "80%" in page.locator('tr[data-band="high"]').inner_text()  # 4 of 5
    _shoot(page, "staff-calibration.png")


def test_booking_page_with_attendance_and_finding(staff_page, factory):
    url, page = staff_page
    with factory() as session:
        booking_id = session.scalars(sa.select(Booking.id).join(GaitFinding).order_by(Booking.id)).first()  # high, overpronation
    page.goto(f"{url}/bookings/{booking_id}")
    assert page.locator("#attendance").inner_text() == "attended"
    assert "left +6, right +3" in page.content()
    _shoot(page, "staff-booking-finding.png")
