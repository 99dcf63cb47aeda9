"""Staff record attendance and the gait-analysis finding; it shows on the page, in the JSON API and the CSV."""
from __future__ import annotations

import csv
import io

import requests

from bot.storage.models import Booking
from tests.staff.conftest import API_TOKEN, csrf_of, log_in

AUTH = {"Authorization": f"Bearer {API_TOKEN}"}
FINDING = {"fpi_left": "7", "fpi_right": "-2", "foot_posture": "overpronation", "orthotics": "yes",
           "note": "Left arch collapses at midstance"}


def _post(browser, site, booking, action, data):
    page = browser.get(f"{site.url}/bookings/{booking}", timeout=10).text
    return browser.post(f"{site.url}/bookings/{booking}/{action}", data={"csrf_token": csrf_of(page), **data},
                        timeout=10)


def test_attendance_and_finding_are_stored_with_the_assessment_and_exported(site):
    browser = log_in(site.url)
    jane, john = site.ids["jane"], site.ids["john"]
    assert "not recorded" in browser.get(f"{site.url}/bookings/{jane}", timeout=10).text
    _post(browser, site, john, "attendance", {"attendance": "no_show"})
    page = _post(browser, site, jane, "finding", FINDING).text
    assert "left +7, right -2" in page and "overpronation" in page and "Left arch collapses" in page
    with site.factory() as session:
        booking = session.get(Booking, jane)
        assert (booking.attendance, booking.finding.assessment_id) == ("attended", site.ids["assessment"])
        assert session.get(Booking, john).attendance == "no_show"
    rows = {r["patient_name"]: r for r in requests.get(f"{site.url}/api/bookings", headers=AUTH, timeout=10)
            .json()["bookings"]}
    assert {k: rows["Jane Smith"][k] for k in ("attendance", "fpi_left", "fpi_right", "foot_posture", "orthotics")} \
        == {"attendance": "attended", "fpi_left": 7, "fpi_right": -2, "foot_posture": "overpronation",
            "orthotics": True}
    assert rows["John Doe"]["attendance"] == "no_show" and rows["John Doe"]["foot_posture"] == ""
    assessment = requests.get(f"{site.url}/api/assessments/{site.ids['assessment']}", headers=AUTH, timeout=10).json()
    assert assessment["findings"][0]["finding_note"] == "Left arch collapses at midstance"
    exported = {r["patient_name"]: r for r in csv.DictReader(io.StringIO(
        browser.get(f"{site.url}/export.csv", timeout=10).text))}
    assert (exported["Jane Smith"]["fpi_right"], exported["Jane Smith"]["orthotics"]) == ("-2", "yes")
    assert exported["John Doe"]["attendance"] == "no_show"


def test_impossible_findings_are_refused(site):
    browser = log_in(site.url)
    jane = site.ids["jane"]
    assert _post(browser, site, jane, "finding", {**FINDING, "fpi_left": "13"}).status_code == 409
    assert _post(browser, site, jane, "finding", {**FINDING, "foot_posture": "flat"}).status_code == 409
    assert _post(browser, site, jane, "finding", {**FINDING, "fpi_left": "seven"}).status_code == 400
    assert _post(browser, site, site.ids["carl"], "attendance", {"attendance": "attended"}).status_code == 409
    _post(browser, site, jane, "finding", FINDING)
    refused = _post(browser, site, jane, "attendance", {"attendance": "no_show"})
    assert refused.status_code == 409 and "a patient with a finding attended" in refused.text
