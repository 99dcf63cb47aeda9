"""The clinic database as the actions use it: one short transaction per action, one error handler.

Failures are logged by exception type only: SQLAlchemy's messages carry the
statement's parameters, which can be health answers or contact details.
"""
from __future__ import annotations

import logging
import sqlite3
from contextlib import contextmanager
from typing import Iterator

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from actions.clinic_facts import clinic
from bot.storage.engine import session_scope

logger = logging.getLogger(__name__)


class StorageUnavailable(Exception):
    """The database could not be used; the patient has been told, nothing was changed."""


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """A session committed when the action's work succeeds, rolled back otherwise."""
    with session_scope() as session:
        yield session


@contextmanager
def stored(dispatcher: CollectingDispatcher, what: str) -> Iterator[Session]:
    """A unit of work whose database failure is logged, told to the patient and raised as StorageUnavailable."""
    try:
        with unit_of_work() as session:
            yield session
    except (SQLAlchemyError, sqlite3.Error, OSError) as error:
        logger.error("Could not use the clinic database for %s: %s", what, type(error).__name__)
        dispatcher.utter_message(response="utter_storage_unavailable", clinic_phone=clinic().phone)
        raise StorageUnavailable(what) from None


def channel_of(tracker: Tracker) -> str:
    return tracker.get_latest_input_channel() or "unknown"
