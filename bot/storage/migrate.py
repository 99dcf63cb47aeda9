"""Alembic, driven from Python: `upgrade(url)` is what set-up and tests run.

The connection is handed to Alembic (no URL in an ini file), so the SQLite
settings of make_engine apply to migrations too, and a PostgreSQL URL with a
search_path option migrates that schema only.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

from bot.storage.engine import make_engine, redacted

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class SchemaNotCurrent(RuntimeError):
    """The database is behind (or ahead of) the code's migrations."""


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> Optional[str]:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _sqlite_foreign_keys(connection: Connection, on: bool) -> None:
    """Switch SQLite's foreign keys outside any transaction (inside one the PRAGMA is ignored)."""
    cursor = connection.connection.cursor()
    cursor.execute(f"PRAGMA foreign_keys = {'ON' if on else 'OFF'}")
    cursor.close()


def upgrade(url: Optional[str] = None, revision: str = "head") -> None:
    """Bring the database at `url` (default DATABASE_URL) up to `revision`, in one transaction.

    On SQLite, batch migrations rebuild a table by copying it and dropping the old one;
    with foreign keys on, that drop would cascade (e.g. delete the outbox rows of every
    booking). So they are off during the migration and checked before it commits.
    """
    engine = make_engine(url)
    sqlite = engine.dialect.name == "sqlite"
    try:
        with engine.connect() as connection:
            if sqlite:
                _sqlite_foreign_keys(connection, on=False)
            with connection.begin():
                config = alembic_config()
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
                if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first() is not None:
                    raise RuntimeError("the migration left rows whose foreign keys point nowhere; rolled back")
            if sqlite:
                _sqlite_foreign_keys(connection, on=True)
    finally:
        engine.dispose()


def require_current_schema(engine: Engine) -> None:
    """Fail fast with the fix when the schema is not at the head revision."""
    current, head = current_revision(engine), head_revision()
    if current != head:
        raise SchemaNotCurrent(
            f"The clinic database at {redacted(str(engine.url))} is at schema revision {current or 'none'}, "
            f"the code needs {head}. Run: .venv/bin/python -m bot.storage upgrade"
        )
