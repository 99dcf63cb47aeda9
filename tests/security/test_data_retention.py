"""The retention purge, on SQLite and PostgreSQL: what is past its period goes, the rest stays, counts only.

Periods from clinic.yml's `retention` (here 24 hours without consent, 30 days
with). The purge runs on a conversation store written by Rasa's own SQL tracker
store and a clinic database written by the real storage functions; a dry run
reports exactly what the real run then deletes and changes nothing. The
command prints counts only.
"""
from __future__ import annotations

import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import sqlalchemy as sa

from bot.clinic import RetentionSettings
from bot.paths import REPO_ROOT
from bot.staff.app import create_app
from bot.staff.background import install_background_tasks
from bot.staff.settings import StaffSettings
from bot.storage.booking import available_slots, book_slot, ensure_slots
from bot.storage.conversations import FORGOTTEN_NAME, record_callback, save_assessment
from bot.storage.models import Assessment, Booking, CallbackRequest
from bot.storage.retention import PurgeReport, purge
from tests.security.data_fixtures import canary_word, rows_containing, save_conversation, tracker_url  # noqa: F401
from tests.staff.staff_server import serving
from tests.storage.clinic_db_fixtures import NOW, backend, clinic, db_url, engine, factory  # noqa: F401

RETENTION = RetentionSettings(unconsented_hours=24, consented_days=30)
RESULT = {"disposition": "gait_analysis", "score": 57}
LATER = NOW + timedelta(days=45)  # the purge runs 45 days after the bookings were made


def seed(factory, clinic, tracker_url: str, old: str, fresh: str) -> None:
    save_conversation(tracker_url, "no-consent-old", f"{old} hello", consent=None, at=LATER - timedelta(hours=30))
    save_conversation(tracker_url, "declined-old", f"{old} no", consent=False, at=LATER - timedelta(hours=30))
    save_conversation(tracker_url, "no-consent-new", f"{fresh} hi", consent=None, at=LATER - timedelta(hours=2))
    save_conversation(tracker_url, "consent-old", f"{old} knee", consent=True, at=LATER - timedelta(days=31))
    save_conversation(tracker_url, "consent-new", f"{fresh} knee", consent=True, at=LATER - timedelta(days=3))
    with factory.begin() as session:
        ensure_slots(session, clinic, NOW)
        past_slot, = available_slots(session, "midtown", NOW, limit=1)
        save_assessment(session, "consent-old", "rest", {"note": old}, RESULT).created_at = NOW
        book_slot(session, past_slot.id, f"Jane {old}", None, f"{old.lower()}@example.com", "rest", "consent-old",
                  now=NOW, clinic=clinic)
        record_callback(session, "consent-old", "rest", f"Jane {old}", "2125550142", old).created_at = NOW
        save_assessment(session, "consent-new", "rest", {"note": fresh}, RESULT).created_at = LATER - timedelta(days=3)
        record_callback(session, "consent-new", "rest", f"Joe {fresh}", "2125550199", fresh).created_at = LATER


def test_purge_deletes_what_is_past_its_period_and_keeps_the_rest(factory, clinic, db_url, tracker_url):
    old, fresh = canary_word(), canary_word()
    seed(factory, clinic, tracker_url, old, fresh)

    dry = purge(RETENTION, factory, tracker_url, now=LATER, dry_run=True)
    assert rows_containing(db_url, old) and rows_containing(tracker_url, old), "a dry run changes nothing"
    done = purge(RETENTION, factory, tracker_url, now=LATER)
    assert dry == done == PurgeReport(
        conversations_without_consent=2, conversations_with_consent=1, conversation_events=8, assessments=1,
        callback_requests=1, bookings_anonymised=1, notifications=0)
    assert rows_containing(db_url, old, old.lower()) == {} and rows_containing(tracker_url, old) == {}
    assert set(rows_containing(tracker_url, fresh)) == {"events"}
    assert set(rows_containing(db_url, fresh)) == {"assessments", "callback_requests"}
    with factory() as session:
        booking = session.scalars(sa.select(Booking)).one()  # the schedule keeps the row, not the person
        assert (booking.patient_name, booking.email, booking.conversation_id) == (FORGOTTEN_NAME, None, None)
        assert session.scalar(sa.select(sa.func.count()).select_from(Assessment)) == 1
        assert session.scalar(sa.select(sa.func.count()).select_from(CallbackRequest)) == 1
    assert purge(RETENTION, factory, tracker_url, now=LATER) == PurgeReport()  # nothing left to do


def test_the_purge_command_prints_counts_only(db_url, tracker_url, tmp_path: Path):
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": db_url, "TRACKER_DB_URL": tracker_url,
           "TELEGRAM_CALLBACK_DB": str(tmp_path / "buttons.sqlite"), "VAR_DIR": str(tmp_path)}
    word = canary_word()
    three_days_ago = datetime.now(timezone.utc) - timedelta(days=3)  # the command purges as of now
    save_conversation(tracker_url, "no-consent", f"{word} hello", consent=None, at=three_days_ago)
    dry = subprocess.run([sys.executable, "-m", "bot.storage", "purge", "--dry-run"], cwd=REPO_ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert dry.returncode == 0, dry.stderr
    assert "would delete: 1 conversations without consent" in dry.stdout and word not in dry.stdout + dry.stderr
    real = subprocess.run([sys.executable, "-m", "bot.storage", "purge"], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert "deleted: 1 conversations without consent, 0 conversations with consent, 2 conversation events" \
        in real.stdout, real.stdout + real.stderr
    assert rows_containing(tracker_url, word) == {}


def test_the_staff_server_purges_on_its_own(factory, clinic, tracker_url, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("TRACKER_DB_URL", tracker_url)
    monkeypatch.setenv("TELEGRAM_CALLBACK_DB", str(tmp_path / "buttons.sqlite"))
    word = canary_word()
    save_conversation(tracker_url, "no-consent", f"{word} hello", consent=None,
                      at=datetime.now(timezone.utc) - timedelta(days=2))
    app = create_app(factory, clinic, StaffSettings(public_url="http://staff.example", tracker_url=tracker_url))
    install_background_tasks(app, factory, clinic, [], "http://staff.example")
    with serving(app):
        deadline = time.monotonic() + 30
        while rows_containing(tracker_url, word) and time.monotonic() < deadline:
            time.sleep(0.5)
    assert rows_containing(tracker_url, word) == {}, "the staff server's hourly purge did not run at start"
