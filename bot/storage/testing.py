"""Throw-away clinic databases for tests: an SQLite file, or a fresh PostgreSQL schema.

Several people's tests share the PostgreSQL `test` database, so each temporary
database is its own schema (selected through the connection's search_path) and
is dropped afterwards.
"""
from __future__ import annotations

import os
import secrets
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from bot.storage.engine import check_reachable
from bot.storage.migrate import upgrade

BACKENDS = ("sqlite", "postgresql")


def postgres_test_url() -> str:
    """TEST_POSTGRES_URL, else the CI database (trust auth on 127.0.0.1)."""
    return os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def with_search_path(url: str, schema: str) -> str:
    parsed = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
    return parsed.render_as_string(hide_password=False)


@contextmanager
def temporary_database(backend: str, directory: Path, revision: Optional[str] = "head") -> Iterator[str]:
    """Yield the URL of an empty database migrated to `revision` (None: not migrated)."""
    if backend == "sqlite":
        url = f"sqlite:///{directory / f'clinic-{secrets.token_hex(4)}.db'}"
        if revision:
            upgrade(url, revision)
        yield url
        return
    if backend != "postgresql":
        raise ValueError(f"unknown backend {backend!r}; use one of {BACKENDS}")
    base = postgres_test_url()
    check_reachable(base)
    schema = f"test_clinic_{secrets.token_hex(6)}"
    admin = sa.create_engine(base, future=True)
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        url = with_search_path(base, schema)
        if revision:
            upgrade(url, revision)
        yield url
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()
