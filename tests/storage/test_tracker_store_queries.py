"""Our tracker store's event query and load (bot/tracker_store.py) give exactly what Rasa's give.

Conversations of any shape (several sessions, equal timestamps, none started) are written as
rows, then read by Rasa's SQLTrackerStore and by ours on the same database, SQLite and PostgreSQL.
"""
from __future__ import annotations

import asyncio
import json
import secrets
from typing import List, Tuple

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, SessionStarted, SlotSet, UserUttered

from bot.paths import REPO_ROOT
from bot.tracker_store import UrlSQLTrackerStore

DOMAIN = Domain.load(str(REPO_ROOT / "domain.yml"))
KINDS = ["user", "action", "session", "slot"]

# (kind, seconds after the previous event): 0 gives equal timestamps, as a fast turn can
events = st.lists(st.tuples(st.sampled_from(KINDS), st.sampled_from([0.0, 0.001, 1.0])), max_size=40)


def as_events(steps: List[Tuple[str, float]]) -> List[Event]:
    made: List[Event] = []
    timestamp = 1_700_000_000.0
    for kind, gap in steps:
        timestamp += gap
        made.append({
            "user": lambda: UserUttered("hi", {"name": "greet", "confidence": 1.0}, timestamp=timestamp),
            "action": lambda: ActionExecuted("action_listen", timestamp=timestamp),
            "session": lambda: SessionStarted(timestamp=timestamp),
            "slot": lambda: SlotSet("consent", True, timestamp=timestamp),
        }[kind]())
    return made


def store_rows(store: SQLTrackerStore, sender: str, stored: List[Event]) -> None:
    """Rows as Rasa's save writes them, without going through either store's query."""
    with store.session_scope() as session:
        for event in stored:
            data = event.as_dict()
            session.add(store.SQLEvent(sender_id=sender, type_name=event.type_name, timestamp=event.timestamp,
                                       action_name=data.get("name"), data=json.dumps(data)))
        session.commit()


def ids(store: SQLTrackerStore, query_of, sender: str, all_sessions: bool) -> List[int]:
    with store.session_scope() as session:
        return [row.id for row in query_of(store, session, sender, all_sessions)]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(stored=events, added=events)
def test_our_queries_find_the_same_events_as_rasas(db_url: str, stored, added):
    rasa_store = SQLTrackerStore(domain=DOMAIN, host=db_url)
    ours = UrlSQLTrackerStore(domain=DOMAIN, host=db_url)
    sender = f"patient-{secrets.token_hex(4)}"
    try:
        store_rows(ours, sender, as_events(stored))
        for all_sessions in (False, True):
            assert ids(ours, UrlSQLTrackerStore._event_query, sender, all_sessions) == \
                ids(ours, SQLTrackerStore._event_query, sender, all_sessions)

        theirs = asyncio.run(rasa_store.retrieve(sender)), asyncio.run(rasa_store.retrieve_full_tracker(sender))
        mine = asyncio.run(ours.retrieve(sender)), asyncio.run(ours.retrieve_full_tracker(sender))
        for their_tracker, my_tracker in zip(theirs, mine):
            assert (their_tracker is None) == (my_tracker is None)
            if their_tracker is not None:
                assert [e.as_dict() for e in my_tracker.events] == [e.as_dict() for e in their_tracker.events]
                assert my_tracker.current_slot_values() == their_tracker.current_slot_values()

        if mine[0] is not None:  # the events a save would add after this turn's new ones
            for event in as_events(added):
                mine[0].update(event)
            with ours.session_scope() as session:
                new_ones = [e.as_dict() for e in ours._additional_events(session, mine[0])]
            with rasa_store.session_scope() as session:
                rasa_count = SQLTrackerStore._event_query(rasa_store, session, sender, False).count()
            assert new_ones == [e.as_dict() for e in list(mine[0].events)[rasa_count:]]
    finally:
        rasa_store.engine.dispose()
        ours.engine.dispose()
