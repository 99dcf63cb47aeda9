"""The patient's own links over real HTTP: no login, token-checked, a GET never changes anything."""
from __future__ import annotations

import requests
import sqlalchemy as sa

from bot.storage.booking import available_slots, bookable_after
from bot.storage.models import Booking, Notification, utcnow


def _booking(site, name="jane") -> Booking:
    with site.factory() as session:
        return session.get(Booking, site.ids[name])


def _link(site, token, action):
    return f"{site.url}/appointment/{token}/{action}"


def test_a_wrong_token_is_refused_and_changes_nothing(site):
    jane, john = _booking(site), _booking(site, "john")
    secret = jane.manage_secret
    forged = [f"{jane.id}.{secret[:-2]}xx", f"{john.id}.{secret}", f"999999.{secret}"]
    for token in forged:
        for action in ("confirm", "cancel", "stop-reminders", "move"):
            assert requests.get(_link(site, token, action), timeout=10).status_code == 404
        answer = requests.post(_link(site, token, "cancel"), timeout=10)
        assert answer.status_code == 404 and "This link is not valid." in answer.text
    assert requests.get(f"{site.url}/appointment/{jane.id}/cancel", timeout=10).status_code == 404  # no secret
    after = _booking(site)
    assert (after.status, after.reminders_opt_out, after.patient_confirmed_at) == ("confirmed", False, None)


def test_confirm_and_stop_reminders_happen_on_post_only(site):
    token = _booking(site).manage_token
    page = requests.get(_link(site, token, "confirm"), timeout=10)
    assert page.status_code == 200 and "Yes, I am coming" in page.text and "Midtown Manhattan" in page.text
    assert _booking(site).patient_confirmed_at is None  # a mail scanner opening the link changes nothing
    done = requests.post(_link(site, token, "confirm"), timeout=10)
    assert "your appointment is confirmed" in done.text and "you confirmed you are coming" in done.text
    assert _booking(site).patient_confirmed_at is not None
    requests.post(_link(site, token, "stop-reminders"), timeout=10)
    assert _booking(site).reminders_opt_out is True


def test_move_offers_free_times_and_moves_the_booking(site):
    jane = _booking(site)
    page = requests.get(_link(site, jane.manage_token, "move"), timeout=10).text
    assert f'value="{site.ids["free_slot"]}"' in page
    requests.post(_link(site, jane.manage_token, "move"), data={"slot_id": site.ids["free_slot"]}, timeout=10)
    moved = _booking(site)
    assert (moved.slot_id, moved.sequence) == (site.ids["free_slot"], 1)
    with site.factory() as session:
        free = [s.id for s in available_slots(session, "midtown", bookable_after(site.clinic, utcnow()), limit=10)]
    assert site.ids["jane_slot"] in free
    taken = requests.post(_link(site, jane.manage_token, "move"), data={"slot_id": site.ids["jane_slot"] + 999999},
                          timeout=10)
    assert taken.status_code == 409


def test_cancel_frees_the_slot_and_tells_the_clinic(site):
    jane = _booking(site)
    answer = requests.post(_link(site, jane.manage_token, "cancel"), timeout=10)
    assert answer.status_code == 200 and "Your appointment is cancelled" in answer.text
    assert _booking(site).status == "cancelled"
    with site.factory() as session:
        kinds = session.scalars(sa.select(Notification.kind).where(Notification.booking_id == jane.id)).all()
    assert "booking_cancelled" in kinds
    again = requests.post(_link(site, jane.manage_token, "cancel"), timeout=10)
    assert again.status_code == 409 and "was cancelled" in again.text
