"""Fail fast, with a readable message, when a configured database cannot be reached.

Rasa's SQLTrackerStore retries every five seconds forever; a clinic's operator
would see a server that never comes up. We try once, with a short timeout.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import make_url


class DatabaseUnavailable(RuntimeError):
    """The database in a URL did not answer."""


def redacted(url: str) -> str:
    """The URL without its password, safe to print and log."""
    return make_url(url).render_as_string(hide_password=True)


def check_reachable(url: str, timeout_s: int = 5) -> None:
    """Connect once and run SELECT 1; raise DatabaseUnavailable with a clear message."""
    parsed = make_url(url)
    connect_args = {"connect_timeout": timeout_s} if parsed.get_backend_name() == "postgresql" else {}
    engine = sa.create_engine(url, future=True, connect_args=connect_args)
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError as error:
        reason = str(getattr(error, "orig", error)).strip().splitlines()[0]
        raise DatabaseUnavailable(
            f"Cannot reach the database at {redacted(url)}: {reason}. "
            "Start the database server, or fix the URL in the environment."
        ) from None
    finally:
        engine.dispose()
