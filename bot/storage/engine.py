"""Engines and sessions for the clinic database (DATABASE_URL, else SQLite under var/).

SQLite needs three things switched on to behave like the PostgreSQL we test
against: foreign keys, a busy timeout, and transactions that SQLAlchemy begins
itself (pysqlite's own BEGIN handling breaks SAVEPOINT, which booking relies on).
Transactions start with BEGIN IMMEDIATE so concurrent writers queue instead of
failing on a read-to-write lock upgrade.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from typing import Any, Iterator, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from bot.db_check import DatabaseUnavailable, check_reachable, redacted
from bot.paths import default_sqlite_url

__all__ = [
    "DatabaseUnavailable", "check_reachable", "redacted", "database_url", "make_engine",
    "make_sessionmaker", "session_scope",
]


def database_url() -> str:
    """DATABASE_URL, else var/clinic.db (var/ is created on first use)."""
    return os.environ.get("DATABASE_URL") or default_sqlite_url("clinic.db")


def _prepare_sqlite(engine: Engine) -> None:
    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA busy_timeout = 30000")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection: sa.engine.Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: Optional[str] = None, **engine_options: Any) -> Engine:
    """An Engine for `url` (default: database_url()); extra options go to create_engine.

    Errors never quote a statement's values (`hide_parameters`): they are names,
    contacts and health answers.
    """
    url = url or database_url()
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        engine_options.setdefault("connect_args", {"check_same_thread": False})
    elif backend == "postgresql":
        engine_options.setdefault("connect_args", {"connect_timeout": 5})
        engine_options.setdefault("pool_pre_ping", True)
    engine = sa.create_engine(url, future=True, hide_parameters=True, **engine_options)
    if backend == "sqlite":
        _prepare_sqlite(engine)
    return engine


def make_sessionmaker(engine: Engine) -> sessionmaker:
    """Sessions whose objects stay readable after commit (actions read the booking back)."""
    return sessionmaker(bind=engine, future=True, expire_on_commit=False)


_default_factory: Optional[sessionmaker] = None


def default_sessionmaker() -> sessionmaker:
    """One process-wide session factory on database_url(), made on first use."""
    global _default_factory
    if _default_factory is None:
        _default_factory = make_sessionmaker(make_engine())
    return _default_factory


@contextmanager
def session_scope(factory: Optional[sessionmaker] = None) -> Iterator[Session]:
    """A session in one transaction: committed on success, rolled back on any error."""
    with (factory or default_sessionmaker()).begin() as session:
        yield session
