"""Rasa's conversation store seen from outside Rasa: deleting and purging a sender's events.

Rasa's SQLTrackerStore keeps one `events` table (sender_id, type_name, timestamp,
data with the event's JSON, ...). The action server deletes a sender's rows here
before it says "Done" to "delete my data", so a failure is told instead of
hidden; the tracker store deletes the same sender again when the turn is saved
(bot.tracker_store), which removes that last turn too.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from bot.paths import tracker_db_url

EVENTS = sa.table(
    "events", sa.column("id"), sa.column("sender_id"), sa.column("type_name"), sa.column("timestamp"),
    sa.column("data"),
)


@lru_cache(maxsize=4)
def tracker_engine(url: str) -> Engine:
    """One engine per conversation-store URL in this process; errors never quote the events."""
    return sa.create_engine(url, future=True, hide_parameters=True)


def delete_events_of(connection: Connection, sender_id: str) -> int:
    """Delete every stored event of one sender in the caller's transaction; returns how many rows went."""
    return connection.execute(sa.delete(EVENTS).where(EVENTS.c.sender_id == sender_id)).rowcount


def delete_sender_events(sender_id: str, url: Optional[str] = None) -> int:
    """Delete every stored event of one sender (from outside Rasa); returns how many rows went."""
    engine = tracker_engine(url or tracker_db_url())
    if not sa.inspect(engine).has_table("events"):
        return 0
    with engine.begin() as connection:
        return delete_events_of(connection, sender_id)

