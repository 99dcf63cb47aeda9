"""Rasa's SQL tracker store, configured by one URL, failing fast, able to forget a sender.

- The URL comes from TRACKER_DB_URL (default: SQLite under var/), so switching to
  PostgreSQL is a setting, not a code change.
- An unreachable database stops start-up at once with a clear message instead of
  Rasa's endless retry loop.
- Its engine runs with `hide_parameters=True`, so no database error quotes events,
  and on PostgreSQL pooled connections are checked before use, so a database
  restart costs no turn and needs no restart of Rasa.
- Loading it (the first thing of ours the Rasa server loads) installs this project's
  changes to Rasa (bot.rasa_changes: the log redaction, the honest failure handling
  with no silent fallback to an in-memory store, and the cheaper action calls and
  event loading) in the Rasa process, for Rasa's own commands too.
- A sender's events are selected with the session's start as a scalar subquery, which
  PostgreSQL runs once; Rasa joins it, and PostgreSQL may run it once per stored event,
  on every load and save: quadratic in the conversation's length (see _event_query).
  Loading a tracker then reads only the events' JSON, not a row object per event.
- The tracker it saved last for each of the most recent conversations is kept
  (bot.kept_trackers) and serves that conversation's next turn when one query shows the
  database unchanged since, or, on PostgreSQL, holding only newer events of the same
  session (another replica served the turns between: they are replayed on it); otherwise
  the tracker is loaded, as Rasa does. A save does
  not ask the database how many events it already holds when the tracker it saves was
  loaded by this store.
- When a turn contains the "delete my data" action and that action succeeded
  (it resets all slots only after the clinic's records were erased), every
  stored event of that sender is deleted instead of saved: the next message
  starts afresh.
"""
from __future__ import annotations

import itertools
import json
import logging
from typing import Any, Iterable, Iterator, List, Optional

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted, AllSlotsReset, Event, SessionStarted, UserUttered, deserialise_events,
)
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.orm import sessionmaker

from bot import rasa_changes
from bot.db_check import check_reachable, redacted
from bot.kept_trackers import Fingerprint, Kept, KeptTrackers
from bot.paths import tracker_db_url
from bot.storage.tracker_events import delete_events_of

logger = logging.getLogger(__name__)

FORGET_ACTION = "action_forget_me"


class UrlSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore taking a single database URL (see module docstring)."""

    def __init__(
        self,
        domain: Optional[Domain] = None,
        host: Optional[str] = None,
        event_broker: Optional[EventBroker] = None,
        keep_trackers: int = 256,
        **kwargs: Any,
    ) -> None:
        """`keep_trackers`: how many conversations' latest trackers to keep (0: none), settable in endpoints.yml."""
        rasa_changes.install()
        url = tracker_db_url() if not host or host == "env" else host
        check_reachable(url)
        logger.info("Conversation store: %s", redacted(url))
        super().__init__(domain=domain, host=url, event_broker=event_broker, **kwargs)
        self._replace_engine()
        self.kept = KeptTrackers(int(keep_trackers))
        self._ids_only_grow = self.engine.url.get_backend_name() == "postgresql"  # a sequence, never reused

    def _replace_engine(self) -> None:
        """Swap Rasa's engine for one whose errors never quote the events being written and,
        on PostgreSQL, whose pooled connections are checked before use (a restarted server
        has closed them: the next turn would fail)."""
        engine_url = self.engine.url
        self.engine.dispose()
        options = {"pool_pre_ping": True} if engine_url.get_backend_name() == "postgresql" else {}
        self.engine = sa.create_engine(
            engine_url, hide_parameters=True, **options, **create_engine_kwargs(engine_url)
        )
        self.sessionmaker = sessionmaker(bind=self.engine)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the turn's new events, or delete the sender if they asked to be forgotten.

        The forget action runs within the latest turn, so the events since the latest user
        message are checked in memory. Which events are new is known from the load (see
        _additional_events); Rasa's save asks the database otherwise. Then the tracker is kept,
        with the fingerprint of what is stored now, for the conversation's next turn."""
        if forget_succeeded(events_of_latest_turn(tracker)):
            await self.delete_sender(tracker.sender_id)
            return
        await super().save(tracker)
        if self.kept.stored_events(tracker) is None:  # not loaded by this store (a new or a full tracker): not kept
            self.kept.forget(tracker.sender_id)
            return
        try:
            with self.session_scope() as session:
                fingerprint = self._fingerprint(session, tracker.sender_id)
        except sa.exc.SQLAlchemyError as error:  # the turn is stored: it must not be reported as lost
            logger.warning("Conversation store: tracker saved but not kept (%s)", type(error).__name__)
            self.kept.forget(tracker.sender_id)
            return
        self.kept.saved(tracker, fingerprint)

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator[Event]:
        """The tracker's events that are not stored yet: known without a query when this store loaded it."""
        stored = self.kept.stored_events(tracker)
        if stored is None:
            return super()._additional_events(session, tracker)
        return itertools.islice(tracker.events, stored, len(tracker.events))

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        """The tracker of the latest session: the kept one if the database is unchanged since it was
        saved or, on PostgreSQL, only has newer events of the same session; else a full load."""
        kept = self.kept.take(sender_id)
        with self.session_scope() as session:
            fingerprint = self._fingerprint(session, sender_id)
            tracker = self._brought_up_to_date(session, kept, fingerprint) if kept is not None else None
        if tracker is None:
            tracker = await self._retrieve(sender_id, fetch_events_from_all_sessions=False)
        if tracker is not None:
            self.kept.lend(tracker, fingerprint)
        return tracker

    def _brought_up_to_date(self, session: Any, kept: Kept, fingerprint: Fingerprint) -> Optional[DialogueStateTracker]:
        """The kept tracker, with the events stored since it was saved replayed on it, or None (load it all).

        Only on PostgreSQL, whose event ids only grow: every event stored since has a higher id, so
        when those, with the kept count, make the stored count, nothing older was deleted. A new
        session among them changes which events a load returns: then it is a full load."""
        if kept.fingerprint == fingerprint:
            return kept.tracker
        kept_count, kept_highest = kept.fingerprint
        count, highest = fingerprint
        if not self._ids_only_grow or kept_highest is None or count <= kept_count:
            return None
        event = self.SQLEvent
        rows = session.query(event.id, event.data).filter(
            event.sender_id == kept.tracker.sender_id, event.id > kept_highest).order_by(event.id).all()
        if kept_count + len(rows) != count or rows[-1].id != highest:
            return None
        newer = deserialise_events([json.loads(row.data) for row in rows])
        if any(isinstance(new, SessionStarted) for new in newer):
            return None
        for new in newer:
            kept.tracker.update(new)
        return kept.tracker

    def _fingerprint(self, session: Any, sender_id: str) -> Fingerprint:
        """The number of stored events of the sender (all sessions) and their highest id: one indexed query."""
        event = self.SQLEvent
        count, highest = session.query(sa.func.count(event.id), sa.func.max(event.id)).filter(
            event.sender_id == sender_id).one()
        return int(count), highest

    def _event_query(self, session: Any, sender_id: str, fetch_events_from_all_sessions: bool) -> Any:
        """Rasa's query of a sender's events (of the latest session), with the session's start as a
        scalar subquery instead of a joined one.

        Joined, PostgreSQL may run the subquery once per stored event of the sender (a nested loop,
        chosen whenever its statistics expect few rows): quadratic in the conversation's length.
        As a scalar subquery it runs once. Same rows, same order."""
        event = self.SQLEvent
        query = session.query(event).filter(event.sender_id == sender_id)
        if not fetch_events_from_all_sessions:
            session_start = (
                sa.select(sa.func.max(event.timestamp))
                .where(event.sender_id == sender_id, event.type_name == SessionStarted.type_name)
                .scalar_subquery()
            )
            query = query.filter(sa.or_(event.timestamp >= session_start, session_start.is_(None)))
        return query.order_by(event.id)

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool) -> Optional[DialogueStateTracker]:
        """Rasa's retrieval, reading only each event's JSON."""
        with self.session_scope() as session:
            query = self._event_query(session, sender_id, fetch_events_from_all_sessions)
            events = [json.loads(data) for (data,) in query.with_entities(self.SQLEvent.data)]
        if not self.domain or not events:
            return None
        return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)

    async def delete_sender(self, sender_id: str) -> int:
        """Delete every stored event of one sender; returns how many rows went."""
        self.kept.forget(sender_id)
        with self.engine.begin() as connection:
            deleted = delete_events_of(connection, sender_id)
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
