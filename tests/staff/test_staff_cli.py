"""`python -m bot.staff create-user` and `serve` as real processes: the server answers, its
notification worker e-mails a new booking, and a database without the schema stops it with the fix."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from typing import Optional

import pytest
import requests

from bot.launcher import free_port
from bot.paths import REPO_ROOT
from bot.storage.booking import available_slots, bookable_after, book_slot
from bot.storage.engine import make_engine, make_sessionmaker
from bot.storage.models import utcnow
from bot.storage.testing import temporary_database
from tests.notify.smtp_inbox import Inbox, smtp_server
from tests.staff.conftest import csrf_of
from tests.storage.clinic_db_fixtures import clinic_data, write_clinic


@pytest.fixture
def sqlite_url(tmp_path):
    """The command-line tests run on SQLite only; the storage tests cover PostgreSQL."""
    with temporary_database("sqlite", tmp_path) as url:
        yield url


def _env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMTP_", "TELEGRAM_", "STAFF_"))}
    return {**env, **extra}


def _cli(env: dict, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot.staff", *args], cwd=REPO_ROOT, env=env, input=stdin,
                          capture_output=True, text=True, timeout=120)


def test_create_user_from_the_command_line(sqlite_url):
    env = _env(DATABASE_URL=sqlite_url)
    created = _cli(env, "create-user", "bob", "--password-stdin", stdin="a long enough password\n")
    assert created.returncode == 0, created.stderr
    assert "Staff user 'bob' created" in created.stdout
    again = _cli(env, "create-user", "bob", "--password-stdin", stdin="a long enough password\n")
    assert again.returncode == 1 and "already exists" in again.stderr
    short = _cli(env, "create-user", "carol", "--password-stdin", stdin="short\n")
    assert short.returncode == 1 and "at least 10 characters" in short.stderr


def _wait_until(check, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return False


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.ConnectionError:
        return False


def _first_slot(factory, clinic) -> Optional[int]:
    with factory.begin() as session:
        slots = available_slots(session, "midtown", bookable_after(clinic, utcnow()), limit=1)
        return slots[0].id if slots else None


def test_serve_answers_and_its_worker_emails_new_bookings(sqlite_url, tmp_path):
    clinic = write_clinic(tmp_path / "clinic.yml", clinic_data())
    engine = make_engine(sqlite_url)
    factory = make_sessionmaker(engine)
    port = free_port()
    with smtp_server(Inbox()) as inbox:
        env = _env(DATABASE_URL=sqlite_url, CLINIC_CONFIG=str(tmp_path / "clinic.yml"), SMTP_HOST="127.0.0.1",
                   SMTP_PORT=str(inbox.port), SMTP_STARTTLS="false", CLINIC_NOTIFY_EMAIL="desk@clinic.example",
                   PUBLIC_STAFF_URL="http://staff.example")
        assert _cli(env, "create-user", "alice", "--password-stdin", stdin="correct horse battery\n").returncode == 0
        server = subprocess.Popen([sys.executable, "-m", "bot.staff", "serve", "--port", str(port)], cwd=REPO_ROOT,
                                  env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            assert _wait_until(lambda: _answers(f"http://127.0.0.1:{port}/login"), 60), "staff server did not start"
            browser = requests.Session()
            form = browser.get(f"http://127.0.0.1:{port}/login", timeout=10)
            browser.post(f"http://127.0.0.1:{port}/login", data={
                "csrf_token": csrf_of(form.text), "username": "alice", "password": "correct horse battery"}, timeout=10)
            # the server generates the slots in a background task at start-up, which may end after /login answers
            assert _wait_until(lambda: _first_slot(factory, clinic) is not None, 30), "the server generated no slots"
            with factory.begin() as session:
                book_slot(session, _first_slot(factory, clinic), "Jane Smith", "2125550142", None, "rest", "conv-serve")
            assert "Jane Smith" in browser.get(f"http://127.0.0.1:{port}/bookings", timeout=10).text
            assert _wait_until(lambda: inbox.messages, 30), "no notification e-mail arrived"
        finally:
            stopping = time.monotonic()
            server.terminate()
            try:
                output = server.communicate(timeout=30)[0]
            except subprocess.TimeoutExpired:
                server.kill()
                output = server.communicate()[0]
            stop_seconds = time.monotonic() - stopping
            engine.dispose()
    assert stop_seconds < 8, f"SIGTERM took {stop_seconds:.1f} s"
    assert inbox.messages[0]["Subject"].strip().startswith("New gait analysis booking: ")  # long subjects fold
    assert "http://staff.example/bookings/" in inbox.messages[0].get_content()
    assert "notifications on: email" in output and "Jane" not in output


def test_serve_refuses_a_database_without_the_schema(tmp_path):
    with temporary_database("sqlite", tmp_path, revision=None) as url:
        done = _cli(_env(DATABASE_URL=url), "serve", "--port", str(free_port()))
    assert done.returncode == 1
    assert "schema revision none" in done.stderr and "python -m bot.storage upgrade" in done.stderr
