"""The staff pages over real HTTP: bookings, pre-visit summary with transcript, actions, CSV."""
from __future__ import annotations

import csv
import io

import sqlalchemy as sa

from bot.launcher import free_port
from bot.staff.app import create_app
from bot.storage.booking import available_slots, bookable_after
from bot.storage.models import Booking, CallbackRequest, Notification, Slot, utcnow
from tests.staff.conftest import RESULT, TRACKER, csrf_of, log_in, settings_for
from tests.staff.staff_server import serving


def test_upcoming_bookings_grouped_by_location_and_day(site):
    browser = log_in(site.url)
    page = browser.get(f"{site.url}/bookings", timeout=10).text
    assert "Jane Smith" in page and "John Doe" in page
    assert "Carl Cancelled" not in page
    assert page.index("<h2>Midtown Manhattan") < page.index("Jane Smith") < page.index("<h2>Upper East Side")
    only_ues = browser.get(f"{site.url}/bookings?location=upper_east_side", timeout=10).text
    assert "John Doe" in only_ues and "Jane Smith" not in only_ues
    assert browser.get(f"{site.url}/bookings?location=brooklyn", timeout=10).status_code == 400
    assert browser.get(f"{site.url}/bookings?from=2099-01-01", timeout=10).text.count("<h2>") == 0


def test_booking_page_shows_the_pre_visit_summary_and_the_chat_transcript(site):
    page = log_in(site.url).get(f"{site.url}/bookings/{site.ids['jane']}", timeout=10).text
    assert "gait_analysis" in page and "<strong>moderate</strong>" in page and "score 57/100" in page
    assert RESULT["reasons"][0]["text"] in page
    # red-flag screen answers, with the triage engine's own question wording
    assert "Wording(" not in page and "Do you have a fever or chills" in page and "skipped / don&#39;t know" in page
    assert page.index("Red-flag screen") < page.index("Do you have a fever") < page.index("Pain pattern")
    assert "8 weeks" in page
    for event in TRACKER["events"][1:]:
        assert event["text"].replace("'", "&#39;") in page
    assert site.rasa.asked == ["/conversations/conv-1/tracker"]
    assert '<td id="patient-language">Spanish</td>' in page  # the page stays English


def test_booking_page_renders_with_a_note_when_rasa_is_down(factory, clinic, site):
    offline = create_app(factory, clinic, settings_for(f"http://127.0.0.1:{free_port()}"))
    with serving(offline) as url:
        page = log_in(url).get(f"{url}/bookings/{site.ids['jane']}", timeout=10)
    assert page.status_code == 200
    assert "The chat transcript is unavailable" in page.text and "Jane Smith" in page.text


def test_booking_without_assessment_or_transcript(site):
    page = log_in(site.url).get(f"{site.url}/bookings/{site.ids['john']}", timeout=10).text
    assert '<td id="patient-language">English</td>' in page
    assert "No assessment is linked" in page and "The chat transcript is unavailable (Rasa answered HTTP 404)" in page
    assert log_in(site.url).get(f"{site.url}/bookings/999999", timeout=10).status_code == 404


def test_staff_cancel_frees_the_slot_without_notifying_the_clinic_of_its_own_action(site):
    browser = log_in(site.url)
    page = browser.get(f"{site.url}/bookings/{site.ids['jane']}", timeout=10)
    answer = browser.post(f"{site.url}/bookings/{site.ids['jane']}/cancel", data={"csrf_token": csrf_of(page.text)},
                          allow_redirects=False, timeout=10)
    assert (answer.status_code, answer.headers["Location"]) == (303, f"/bookings/{site.ids['jane']}")
    with site.factory() as session:
        assert session.get(Booking, site.ids["jane"]).status == "cancelled"
        kinds = session.scalars(sa.select(Notification.kind).where(Notification.booking_id == site.ids["jane"])).all()
    assert kinds == ["booking_created", "patient_confirmation", "reminder"]  # no booking_cancelled
    again = browser.post(f"{site.url}/bookings/{site.ids['jane']}/cancel", data={"csrf_token": csrf_of(page.text)},
                         timeout=10)
    assert again.status_code == 409 and "no active booking" in again.text


def test_block_and_unblock_a_slot(site):
    browser = log_in(site.url)
    slot_id = site.ids["free_slot"]
    with site.factory() as session:
        slot = session.get(Slot, slot_id)
        day = site.clinic.local(slot.starts_at).date().isoformat()
    page = browser.get(f"{site.url}/slots?location=midtown&day={day}", timeout=10).text
    assert f"/slots/{slot_id}/block" in page and f'href="/bookings/{site.ids["jane"]}">booked' in page
    form = {"csrf_token": csrf_of(page), "location": "midtown", "day": day}
    answer = browser.post(f"{site.url}/slots/{slot_id}/block", data=form, allow_redirects=False, timeout=10)
    assert answer.headers["Location"] == f"/slots?location=midtown&day={day}"

    def offered():
        with site.factory() as session:
            return slot_id in [s.id for s in available_slots(session, "midtown", bookable_after(site.clinic, utcnow()),
                                                             limit=20)]

    assert not offered()
    assert f"/slots/{slot_id}/unblock" in browser.get(f"{site.url}/slots?location=midtown&day={day}", timeout=10).text
    browser.post(f"{site.url}/slots/{slot_id}/unblock", data=form, timeout=10)
    assert offered()
    refused = browser.post(f"{site.url}/slots/{site.ids['jane_slot']}/block", data=form, timeout=10)
    assert refused.status_code == 409 and "cancel the booking" in refused.text


def test_callback_requests_can_be_marked_done(site):
    browser = log_in(site.url)
    page = browser.get(f"{site.url}/callbacks", timeout=10).text
    assert "Rita Caller" in page and "(212) 555-0177" in page and "please call about my heel" in page
    browser.post(f"{site.url}/callbacks/{site.ids['callback']}/done", data={"csrf_token": csrf_of(page)}, timeout=10)
    with site.factory() as session:
        callback = session.get(CallbackRequest, site.ids["callback"])
    assert callback.status == "done" and callback.handled_at is not None
    assert "Mark called back" not in browser.get(f"{site.url}/callbacks", timeout=10).text


def test_csv_export_lists_bookings_with_status_and_defuses_formulas(site):
    answer = log_in(site.url).get(f"{site.url}/export.csv", timeout=10)
    assert answer.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    by_name = {row["patient_name"]: row for row in rows}
    assert set(by_name) == {"Jane Smith", "John Doe", "Carl Cancelled"}
    assert by_name["Carl Cancelled"]["status"] == "cancelled"
    assert by_name["Jane Smith"]["phone"] == "(212) 555-0142" and by_name["Jane Smith"]["location"] == "Midtown Manhattan"
    assert by_name["John Doe"]["email"] == "'=cmd@example.com"
    assert by_name["Jane Smith"]["calendar_url"].startswith("http://staff.example/calendar/")


def test_pages_send_protective_headers(site):
    answer = log_in(site.url).get(f"{site.url}/bookings", timeout=10)
    assert answer.headers["X-Frame-Options"] == "DENY"
    assert answer.headers["Cache-Control"] == "no-store"
    assert "default-src 'none'" in answer.headers["Content-Security-Policy"]
