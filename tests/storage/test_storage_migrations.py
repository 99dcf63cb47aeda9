"""Alembic migrations: an empty database and an older one reach the head schema the models describe."""
from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from bot.paths import REPO_ROOT
from bot.storage.booking import available_slots, book_slot, ensure_slots
from bot.storage.engine import make_engine, make_sessionmaker
from bot.storage.migrate import SchemaNotCurrent, current_revision, head_revision, require_current_schema, upgrade
from bot.storage.models import Base, Booking
from bot.storage.testing import temporary_database
from tests.storage.clinic_db_fixtures import NOW


def _schema_differences(engine):
    with engine.connect() as connection:
        return compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata)


def test_empty_database_upgrades_to_the_models_schema(backend, tmp_path):
    with temporary_database(backend, tmp_path, revision=None) as url:
        engine = make_engine(url)
        assert current_revision(engine) is None
        with pytest.raises(SchemaNotCurrent, match="python -m bot.storage upgrade"):
            require_current_schema(engine)
        upgrade(url)
        upgrade(url)  # running it again is harmless
        assert current_revision(engine) == head_revision() == "0004"
        assert _schema_differences(engine) == []
        require_current_schema(engine)
        engine.dispose()


def test_older_database_keeps_its_bookings_and_gains_calendar_tokens(backend, tmp_path, clinic):
    with temporary_database(backend, tmp_path, revision="0001") as url:
        engine = make_engine(url)
        when = datetime(2030, 3, 5, 14, 0, tzinfo=timezone.utc)
        with engine.begin() as connection:  # data as the first release wrote it
            connection.execute(sa.text("INSERT INTO locations (id, name, address) VALUES ('midtown', 'Midtown', 'x')"))
            for hour in (14, 15):
                connection.execute(sa.text(
                    "INSERT INTO slots (location_id, starts_at, ends_at, blocked) VALUES ('midtown', :s, :e, :b)"
                ), {"s": when.replace(hour=hour), "e": when.replace(hour=hour + 1), "b": False})
                connection.execute(sa.text(
                    "INSERT INTO bookings (slot_id, status, patient_name, phone, channel, conversation_id, "
                    "created_at, updated_at) SELECT max(id), 'confirmed', 'Old Patient', '+12125550142', 'rest', "
                    "'old-conv', :t, :t FROM slots"
                ), {"t": when})
        assert current_revision(engine) == "0001"
        upgrade(url)
        assert current_revision(engine) == head_revision()
        assert _schema_differences(engine) == []
        factory = make_sessionmaker(engine)
        with factory() as session:
            old = session.scalars(sa.select(Booking).order_by(Booking.id)).all()
            assert [(b.patient_name, b.slot.starts_at, b.sequence) for b in old] == [
                ("Old Patient", when.replace(hour=14), 0), ("Old Patient", when.replace(hour=15), 0)]
            tokens = {b.calendar_token for b in old}
            assert len(tokens) == 2 and all(len(t) >= 32 for t in tokens)
        with factory.begin() as session:  # the upgraded database works with today's code
            ensure_slots(session, clinic, NOW)
            slot = available_slots(session, "midtown", NOW, limit=1)[0]
            book_slot(session, slot.id, "New Patient", "2125550199", None, "rest", "new-conv", now=NOW)
        engine.dispose()


def test_upgrade_command_line_and_a_clear_error_when_the_database_is_down(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    done = subprocess.run([sys.executable, "-m", "bot.storage", "upgrade", "--url", url], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert f"schema revision {head_revision()}" in done.stdout
    down = subprocess.run([sys.executable, "-m", "bot.storage", "check", "--url",
                           "postgresql://postgres:secret@127.0.0.1:1/none"], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=120)
    assert down.returncode == 1
    assert "Cannot reach the database at postgresql://postgres:***@127.0.0.1:1/none" in down.stderr
    assert "secret" not in down.stderr


def test_a_0002_database_gains_patient_tokens_and_keeps_its_outbox(backend, tmp_path, clinic):
    with temporary_database(backend, tmp_path, revision="0002") as url:
        engine = make_engine(url)
        when = datetime(2030, 3, 5, 14, 0, tzinfo=timezone.utc)
        with engine.begin() as connection:
            connection.execute(sa.text("INSERT INTO locations (id, name, address) VALUES ('midtown', 'Midtown', 'x')"))
            connection.execute(sa.text("INSERT INTO slots (location_id, starts_at, ends_at, blocked) "
                                       "VALUES ('midtown', :s, :s, false)"), {"s": when})
            connection.execute(sa.text(
                "INSERT INTO bookings (slot_id, status, patient_name, phone, channel, conversation_id, calendar_token, "
                "sequence, created_at, updated_at) SELECT max(id), 'confirmed', 'Old Patient', '+12125550142', "
                "'rest', 'old-conv', 'old-calendar-token-0123456789abcdef', 0, :t, :t FROM slots"), {"t": when})
            connection.execute(sa.text(
                "INSERT INTO notifications (kind, booking_id, status, attempts, next_attempt_at, delivered, created_at) "
                "SELECT 'booking_created', max(id), 'sent', 1, :t, 'email', :t FROM bookings"), {"t": when})
        upgrade(url)
        assert current_revision(engine) == head_revision() and _schema_differences(engine) == []
        with make_sessionmaker(engine)() as session:
            old = session.scalars(sa.select(Booking)).one()
            assert len(old.manage_secret) >= 32 and old.reminders_opt_out is False and old.attendance is None
        with pytest.raises(sa.exc.IntegrityError):  # the new check constraints hold after the batch rebuild
            with engine.begin() as connection:
                connection.execute(sa.text("UPDATE bookings SET attendance = 'maybe'"))
        with make_sessionmaker(engine).begin() as session:  # the outbox accepts the patients' new kinds
            ensure_slots(session, clinic, NOW)
            slot = available_slots(session, "midtown", NOW, limit=1)[0]
            book_slot(session, slot.id, "New Patient", None, "new@example.com", "rest", "new", now=NOW, clinic=clinic)
        with engine.connect() as connection:
            kinds = connection.execute(sa.text("SELECT kind, status FROM notifications ORDER BY id")).all()
        assert kinds == [("booking_created", "sent"), ("booking_created", "pending"),
                         ("patient_confirmation", "pending"), ("reminder", "pending")]
        engine.dispose()
