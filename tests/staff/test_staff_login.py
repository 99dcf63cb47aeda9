"""Staff login over real HTTP: sessions, wrong passwords, CSRF, logout."""
from __future__ import annotations

import hashlib
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import requests
import sqlalchemy as sa

from bot.storage.models import Booking, StaffSession, utcnow
from tests.staff.conftest import csrf_of, log_in


def test_pages_need_a_session(site):
    for path in ("/bookings", f"/bookings/{site.ids['jane']}", "/callbacks", "/slots", "/export.csv", "/"):
        answer = requests.get(site.url + path, allow_redirects=False, timeout=10)
        assert answer.status_code == 302, path
        assert answer.headers["Location"].startswith("/login")
    answer = requests.get(site.url + "/bookings?days=3", allow_redirects=False, timeout=10)
    assert parse_qs(urlsplit(answer.headers["Location"]).query) == {"next": ["/bookings?days=3"]}
    assert requests.post(f"{site.url}/bookings/{site.ids['jane']}/cancel", timeout=10).status_code == 403
    assert requests.get(site.url + "/healthz", timeout=10).text == "ok"


def test_wrong_password_and_unknown_user_are_refused(site):
    for username, password in (("alice", "wrong password!"), ("mallory", "correct horse battery")):
        browser = requests.Session()
        form = browser.get(f"{site.url}/login", timeout=10)
        answer = browser.post(f"{site.url}/login", data={"csrf_token": csrf_of(form.text), "username": username,
                                                         "password": password}, allow_redirects=False, timeout=10)
        assert answer.status_code == 401
        assert "Wrong username or password." in answer.text
        assert "staff_session" not in browser.cookies
        assert browser.get(f"{site.url}/bookings", allow_redirects=False, timeout=10).status_code == 302


def test_login_form_without_its_csrf_token_is_forbidden(site):
    browser = requests.Session()
    browser.get(f"{site.url}/login", timeout=10)
    no_token = browser.post(f"{site.url}/login", data={"username": "alice", "password": "correct horse battery"},
                            allow_redirects=False, timeout=10)
    assert no_token.status_code == 403
    forged = requests.post(f"{site.url}/login", data={"csrf_token": "forged", "username": "alice",
                                                      "password": "correct horse battery"},
                           cookies={"staff_login_csrf": "other"}, allow_redirects=False, timeout=10)
    assert forged.status_code == 403
    assert "staff_session" not in browser.cookies


def test_login_sets_an_httponly_samesite_cookie_stored_only_as_a_hash(site):
    browser = requests.Session()
    form = browser.get(f"{site.url}/login?next=/callbacks", timeout=10)
    answer = browser.post(f"{site.url}/login", data={"csrf_token": csrf_of(form.text), "username": "alice",
                                                     "password": "correct horse battery", "next": "/callbacks"},
                          allow_redirects=False, timeout=10)
    assert (answer.status_code, answer.headers["Location"]) == (303, "/callbacks")
    cookie_header = [h for h in answer.raw.headers.getlist("Set-Cookie") if h.startswith("staff_session=")][0]
    assert "HttpOnly" in cookie_header and "SameSite=Lax" in cookie_header and "Path=/" in cookie_header
    token = browser.cookies["staff_session"]
    with site.factory() as session:
        stored = session.scalars(sa.select(StaffSession.id)).all()
    assert stored == [hashlib.sha256(token.encode()).hexdigest()] and token not in stored
    page = browser.get(f"{site.url}/bookings", timeout=10)
    assert page.status_code == 200 and "Jane Smith" in page.text


def test_only_local_redirects_after_login(site):
    browser = log_in(site.url, next_path="//evil.example/phish")
    assert browser.get(f"{site.url}/bookings", timeout=10).status_code == 200
    form = requests.Session()
    page = form.get(f"{site.url}/login", timeout=10)
    answer = form.post(f"{site.url}/login", data={"csrf_token": csrf_of(page.text), "username": "alice",
                                                  "password": "correct horse battery", "next": "https://evil.example"},
                       allow_redirects=False, timeout=10)
    assert answer.headers["Location"] == "/bookings"


def test_every_post_needs_the_session_csrf_token(site):
    browser = log_in(site.url)
    cancel = f"{site.url}/bookings/{site.ids['jane']}/cancel"
    assert browser.post(cancel, timeout=10).status_code == 403
    assert browser.post(cancel, data={"csrf_token": "wrong"}, timeout=10).status_code == 403
    assert browser.post(f"{site.url}/logout", timeout=10).status_code == 403
    with site.factory() as session:
        assert session.get(Booking, site.ids["jane"]).status == "confirmed"


def test_logout_ends_the_session_on_the_server(site):
    browser = log_in(site.url)
    old_cookie = browser.cookies["staff_session"]
    page = browser.get(f"{site.url}/bookings", timeout=10)
    answer = browser.post(f"{site.url}/logout", data={"csrf_token": csrf_of(page.text)}, allow_redirects=False,
                          timeout=10)
    assert (answer.status_code, answer.headers["Location"]) == (303, "/login")
    replay = requests.get(f"{site.url}/bookings", cookies={"staff_session": old_cookie}, allow_redirects=False,
                          timeout=10)
    assert replay.status_code == 302


def test_expired_sessions_are_refused(site):
    browser = log_in(site.url)
    with site.factory.begin() as session:
        session.execute(sa.update(StaffSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert browser.get(f"{site.url}/bookings", allow_redirects=False, timeout=10).status_code == 302
