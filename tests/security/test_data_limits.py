"""Limits that stop one person or script from hoarding or leaking: open bookings per contact,
e-mail only over STARTTLS, and var/ readable by its owner only."""
from __future__ import annotations

import asyncio
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from bot.notify.messages import Notice
from bot.notify.senders import DeliveryError, senders_from_env
from bot.paths import REPO_ROOT
from bot.storage.booking import BookingLimitReached, available_slots, book_slot, cancel_booking, ensure_slots
from tests.notify.smtp_inbox import Inbox, smtp_server
from tests.storage.clinic_db_fixtures import NOW, backend, clinic, db_url, engine, factory  # noqa: F401


def test_one_contact_holds_at_most_the_clinics_number_of_open_bookings(factory, clinic):
    limit = clinic.booking.max_open_per_contact
    with factory.begin() as session:
        ensure_slots(session, clinic, NOW)
        slots = available_slots(session, "midtown", NOW, limit=limit + 3)
        held = [book_slot(session, slot.id, "Hoarding Harry", None, "harry@example.com", "rest", f"h{n}", now=NOW,
                          clinic=clinic) for n, slot in enumerate(slots[:limit])]
    with pytest.raises(BookingLimitReached) as refused, factory.begin() as session:
        book_slot(session, slots[limit].id, "Hoarding Harry", None, "harry@example.com", "rest", "hx", now=NOW,
                  clinic=clinic)
    assert refused.value.phone == clinic.phone and f"already has {limit} upcoming" in str(refused.value)
    with pytest.raises(BookingLimitReached), factory.begin() as session:  # the phone counts as the same contact
        book_slot(session, slots[limit].id, "Harry", "2125550142", "harry@example.com", "rest", "hy", now=NOW,
                  clinic=clinic)
    with factory.begin() as session:
        book_slot(session, slots[limit].id, "Other Olga", None, "olga@example.com", "rest", "o", now=NOW,
                  clinic=clinic)  # someone else books freely
        cancel_booking(session, held[0].id, now=NOW)
        book_slot(session, slots[limit + 1].id, "Hoarding Harry", None, "harry@example.com", "rest", "h9", now=NOW,
                  clinic=clinic)  # a cancelled booking frees its place


def test_email_is_never_sent_in_clear_unless_starttls_is_turned_off():
    notice = Notice(subject="Booking", text="Jane Smith, knee pain", for_patient=False)
    with smtp_server(Inbox()) as inbox:  # a server without STARTTLS
        env = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(inbox.port), "CLINIC_NOTIFY_EMAIL": "desk@clinic.example"}
        default, = senders_from_env(env)
        with pytest.raises(DeliveryError, match="SMTPNotSupportedError"):
            asyncio.run(default.send(notice))
        assert inbox.messages == []
        relay, = senders_from_env({**env, "SMTP_STARTTLS": "false"})
        asyncio.run(relay.send(notice))
        assert len(inbox.messages) == 1


def test_var_is_created_for_its_owner_only(tmp_path: Path):
    var = tmp_path / "var"
    env = {**os.environ, "VAR_DIR": str(var)}
    env.pop("DATABASE_URL", None)
    result = subprocess.run([sys.executable, "-m", "bot.storage", "upgrade"], cwd=REPO_ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert stat.S_IMODE(var.stat().st_mode) == 0o700
    var.chmod(0o755)  # an older install's var/ is tightened on the next start
    subprocess.run([sys.executable, "-m", "bot.storage", "check"], cwd=REPO_ROOT, env=env, check=True,
                   capture_output=True, timeout=120)
    assert stat.S_IMODE(var.stat().st_mode) == 0o700
