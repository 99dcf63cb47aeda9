"""Rasa's SQL tracker store, configured by one URL, failing fast, able to forget a sender.

- The URL comes from TRACKER_DB_URL (default: SQLite under var/), so switching to
  PostgreSQL is a setting, not a code change.
- An unreachable database stops start-up at once with a clear message instead of
  Rasa's endless retry loop.
- On PostgreSQL, pooled connections are checked before use, so a database restart
  costs no turn and needs no restart of Rasa.
- When a turn contains the "delete my data" action and that action succeeded
  (it resets all slots only after the clinic's records were erased), every
  stored event of that sender is deleted instead of saved: the next message
  starts afresh.
"""
from __future__ import annotations

import logging
from typing import Any, Iterable, List, Optional

import sqlalchemy as sa
import sqlalchemy.orm  # noqa: F401  (sa.orm.session)
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, AllSlotsReset, Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.db_check import check_reachable, redacted
from bot.paths import tracker_db_url

logger = logging.getLogger(__name__)

FORGET_ACTION = "action_forget_me"


class UrlSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore taking a single database URL (see module docstring)."""

    def __init__(
        self,
        domain: Optional[Domain] = None,
        host: Optional[str] = None,
        event_broker: Optional[EventBroker] = None,
        **kwargs: Any,
    ) -> None:
        url = tracker_db_url() if not host or host == "env" else host
        check_reachable(url)
        logger.info("Conversation store: %s", redacted(url))
        super().__init__(domain=domain, host=url, event_broker=event_broker, **kwargs)
        if self.engine.dialect.name == "postgresql":
            self._reconnect_after_restarts()

    def _reconnect_after_restarts(self) -> None:
        """Rasa's engine keeps pooled connections a restarted PostgreSQL has closed: the next turn
        would fail, and Rasa's FailSafeTrackerStore would carry on with an empty in-memory tracker.
        pool_pre_ping replaces a dead connection before it is used."""
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the turn's new events, or delete the sender if they asked to be forgotten.

        The forget action runs within the latest turn, so the events since the latest user
        message are checked in memory: asking the database which events are new is done once,
        by Rasa's save (it was done twice, a fifth of a turn's tracker time)."""
        if forget_succeeded(events_of_latest_turn(tracker)):
            await self.delete_sender(tracker.sender_id)
            return
        await super().save(tracker)

    async def delete_sender(self, sender_id: str) -> int:
        """Delete every stored event of one sender; returns how many rows went."""
        with self.session_scope() as session:
            deleted = (
                session.query(self.SQLEvent)
                .filter(self.SQLEvent.sender_id == sender_id)
                .delete(synchronize_session=False)
            )
            session.commit()
        logger.info("Deleted %d stored events of one sender at their request", deleted)
        return deleted


def events_of_latest_turn(tracker: DialogueStateTracker) -> List[Event]:
    """The events from the latest user message on (all of them if there is none)."""
    events = list(tracker.events)
    for index in range(len(events) - 1, -1, -1):
        if isinstance(events[index], UserUttered):
            return events[index:]
    return events


def forget_succeeded(events: Iterable[Event]) -> bool:
    """True if the events hold the forget action followed by its AllSlotsReset."""
    in_forget_action = False
    for event in events:
        if isinstance(event, ActionExecuted):
            in_forget_action = event.action_name == FORGET_ACTION
        elif in_forget_action and isinstance(event, AllSlotsReset):
            return True
    return False
