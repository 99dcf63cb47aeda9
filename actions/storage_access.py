"""The clinic database as the actions use it: one short transaction per action.

Failures are logged by exception type only: SQLAlchemy's messages carry the
statement's parameters, which can be health answers or contact details.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from rasa_sdk import Tracker
from sqlalchemy.orm import Session

from bot.storage.engine import session_scope


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """A session committed when the action's work succeeds, rolled back otherwise."""
    with session_scope() as session:
        yield session


def channel_of(tracker: Tracker) -> str:
    return tracker.get_latest_input_channel() or "unknown"
