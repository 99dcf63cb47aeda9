"""Engine defaults: DATABASE_URL, SQLite under var/, foreign keys, aware UTC times."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, StatementError

import bot.storage.engine as engine_module
from bot.storage.engine import database_url, make_engine, session_scope
from bot.storage.models import Location, Slot


def test_database_url_comes_from_env_else_var_clinic_db(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgresql://clinic@db/clinic")
    assert database_url() == "postgresql://clinic@db/clinic"
    monkeypatch.delenv("DATABASE_URL")
    monkeypatch.setattr("bot.paths.VAR_DIR", tmp_path / "var")
    assert database_url() == f"sqlite:///{tmp_path / 'var' / 'clinic.db'}"
    assert (tmp_path / "var").is_dir()


def test_foreign_keys_are_enforced(factory):
    with pytest.raises(IntegrityError):
        with factory.begin() as session:
            start = datetime(2030, 1, 1, tzinfo=timezone.utc)
            session.add(Slot(location_id="nowhere", starts_at=start, ends_at=start + timedelta(hours=1), blocked=False))


def test_times_come_back_aware_in_utc_and_naive_times_are_refused(factory):
    eastern = timezone(timedelta(hours=-5))
    with factory.begin() as session:
        session.add(Location(id="midtown", name="Midtown", address="x"))
        session.add(Slot(id=1, location_id="midtown", starts_at=datetime(2030, 1, 1, 9, tzinfo=eastern),
                         ends_at=datetime(2030, 1, 1, 10, tzinfo=eastern), blocked=False))
    with factory() as session:
        assert session.get(Slot, 1).starts_at == datetime(2030, 1, 1, 14, tzinfo=timezone.utc)
        assert session.get(Slot, 1).starts_at.tzinfo == timezone.utc
    with pytest.raises(StatementError, match="naive datetime"):
        with factory.begin() as session:
            session.add(Slot(location_id="midtown", starts_at=datetime(2030, 1, 2, 9), ends_at=datetime(2030, 1, 2, 10),
                             blocked=False))


def test_session_scope_commits_or_rolls_back(factory):
    with session_scope(factory) as session:
        session.add(Location(id="a", name="A", address="x"))
    with pytest.raises(RuntimeError):
        with session_scope(factory) as session:
            session.add(Location(id="b", name="B", address="x"))
            raise RuntimeError("boom")
    with factory() as session:
        assert session.scalars(sa.select(Location.id)).all() == ["a"]


def test_default_session_scope_uses_database_url(monkeypatch, db_url):
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setattr(engine_module, "_default_factory", None)
    with session_scope() as session:
        session.add(Location(id="env", name="From env", address="x"))
    engine = make_engine(db_url)
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT name FROM locations")).scalar() == "From env"
    engine.dispose()
    engine_module.default_sessionmaker().kw["bind"].dispose()
