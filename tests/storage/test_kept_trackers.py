"""A kept tracker (bot/kept_trackers.py) is always what the database holds, whoever changed it.

Two replicas' stores and a reference store that keeps nothing share one database (SQLite and
PostgreSQL). Hypothesis plays turns of a few conversations on either replica, as Rasa's
processor does (load, append the turn's events, save), with turns that fail before their save,
turns that start a new session, and deletions from outside the stores. Every tracker a replica
starts a turn with must equal the reference store's fresh load.
"""
from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from rasa.shared.core.events import ActionExecuted, Event, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from sqlalchemy.exc import OperationalError

from bot.storage.tracker_events import delete_sender_events
from bot.tracker_store import UrlSQLTrackerStore
from tests.storage.test_tracker_store_queries import DOMAIN

SENDERS = 3


@dataclass
class Turn:
    replica: int
    sender: int
    slot_value: bool
    new_session: bool
    saved: bool


@dataclass
class Delete:
    sender: int


steps = st.lists(st.one_of(
    st.builds(Turn, replica=st.integers(0, 1), sender=st.integers(0, SENDERS - 1), slot_value=st.booleans(),
              new_session=st.booleans(), saved=st.booleans()),
    st.builds(Delete, sender=st.integers(0, SENDERS - 1)),
), max_size=30)


def state(tracker: Optional[DialogueStateTracker]) -> Optional[Dict[str, Any]]:
    return None if tracker is None else tracker.current_state(EventVerbosity.ALL)


class Clock:
    """Event timestamps one second apart, as if each event came later than the last."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def next(self) -> float:
        self.now += 1.0
        return self.now


def turn_events(turn: Turn, clock: Clock) -> List[Event]:
    events: List[Event] = []
    if turn.new_session:
        events += [ActionExecuted("action_session_start", timestamp=clock.next()), SessionStarted(timestamp=clock.next())]
    return events + [
        ActionExecuted("action_listen", timestamp=clock.next()),
        UserUttered("hi", {"name": "greet", "confidence": 1.0}, timestamp=clock.next()),
        SlotSet("consent", turn.slot_value, timestamp=clock.next()),
        ActionExecuted("action_listen", timestamp=clock.next()),
    ]


async def play(replicas: List[UrlSQLTrackerStore], reference: UrlSQLTrackerStore, db_url: str,
               plan: List[Any], run: str) -> None:
    clock = Clock()
    for step in plan:
        sender = f"{run}-{step.sender}"
        if isinstance(step, Delete):
            delete_sender_events(sender, db_url)
            continue
        store = replicas[step.replica]
        tracker = await store.get_or_create_tracker(sender, append_action_listen=False)
        fresh = await reference.retrieve(sender)
        if fresh is None:
            assert list(tracker.events) == [], "nothing stored: a new tracker"
        else:
            assert state(tracker) == state(fresh), step
        for event in turn_events(step, clock):
            tracker.update(event)
        if step.saved:
            await store.save(tracker)


def _turn(replica: int, new_session: bool = False) -> Turn:
    return Turn(replica=replica, sender=0, slot_value=new_session, new_session=new_session, saved=True)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=steps)
# Replica 0 keeps the tracker, then replica 1 starts a new session: replica 0 must not replay it.
@example(plan=[_turn(0, True), _turn(0), _turn(1, True), _turn(0)])
# Replica 0 keeps 10 events; the conversation is deleted and replica 1 stores 12 new ones, all
# with higher ids: replica 0 must not add them to what it kept.
@example(plan=[_turn(0, True), _turn(0), Delete(0), _turn(1), _turn(1), _turn(1), _turn(0)])
def test_a_replica_starts_every_turn_from_what_the_database_holds(db_url: str, plan):
    replicas = [UrlSQLTrackerStore(domain=DOMAIN, host=db_url, keep_trackers=2) for _ in range(2)]
    reference = UrlSQLTrackerStore(domain=DOMAIN, host=db_url, keep_trackers=0)
    try:
        asyncio.run(play(replicas, reference, db_url, plan, f"kept-{secrets.token_hex(4)}"))
    finally:
        for store in [*replicas, reference]:
            store.engine.dispose()


def test_the_next_turn_of_a_conversation_gets_the_tracker_saved_last(db_url: str):
    """Without this the property above holds trivially: the kept tracker is really used, and lent once."""
    store = UrlSQLTrackerStore(domain=DOMAIN, host=db_url, keep_trackers=4)
    clock = Clock()
    sender = f"kept-{secrets.token_hex(4)}"

    async def turns() -> None:
        first = await store.get_or_create_tracker(sender, append_action_listen=False)
        for event in turn_events(Turn(0, 0, True, new_session=True, saved=True), clock):
            first.update(event)
        await store.save(first)  # a new session: not kept
        second = await store.retrieve(sender)
        assert second is not first
        for event in turn_events(Turn(0, 0, False, new_session=False, saved=True), clock):
            second.update(event)
        await store.save(second)
        third = await store.retrieve(sender)
        assert third is second, "the tracker saved last serves the next turn"
        assert await store.retrieve(sender) is not third, "a kept tracker is lent once"
        assert len(store.kept) == 0

    try:
        asyncio.run(turns())
    finally:
        store.engine.dispose()


def test_a_replica_behind_another_replays_only_the_newer_events(db_url: str, backend: str, monkeypatch):
    """Turns alternating between replicas: on PostgreSQL each replica's kept tracker is brought up to
    date with the other's turns (the same object serves, no full load); SQLite always loads it all."""
    replicas = [UrlSQLTrackerStore(domain=DOMAIN, host=db_url, keep_trackers=4) for _ in range(2)]
    reference = UrlSQLTrackerStore(domain=DOMAIN, host=db_url, keep_trackers=0)
    clock = Clock()
    sender = f"kept-{secrets.token_hex(4)}"
    full_loads: List[int] = []
    for number, store in enumerate(replicas):
        def counted(*args: Any, _load=store._retrieve, _number=number, **kwargs: Any) -> Any:
            full_loads.append(_number)
            return _load(*args, **kwargs)
        monkeypatch.setattr(store, "_retrieve", counted)

    async def turn(replica: int, new_session: bool) -> DialogueStateTracker:
        tracker = await replicas[replica].get_or_create_tracker(sender, append_action_listen=False)
        assert state(tracker) == state(await reference.retrieve(sender)) or new_session
        for event in turn_events(Turn(replica, 0, not new_session, new_session, saved=True), clock):
            tracker.update(event)
        await replicas[replica].save(tracker)
        return tracker

    async def turns() -> None:
        await turn(0, new_session=True)
        kept_by_0 = await turn(0, new_session=False)
        kept_by_1 = await turn(1, new_session=False)
        del full_loads[:]
        caught_up = backend == "postgresql"
        assert (await turn(0, new_session=False) is kept_by_0) is caught_up
        assert (await turn(1, new_session=False) is kept_by_1) is caught_up
        assert full_loads == ([] if caught_up else [0, 1])

    try:
        asyncio.run(turns())
    finally:
        for store in [*replicas, reference]:
            store.engine.dispose()


def test_keep_trackers_bounds_the_kept_conversations(db_url: str):
    store = UrlSQLTrackerStore(domain=DOMAIN, host=db_url, keep_trackers=2)
    clock = Clock()
    run = f"kept-{secrets.token_hex(4)}"

    async def conversations() -> List[DialogueStateTracker]:
        saved = []
        for sender in range(4):
            for new_session in (True, False):  # the second turn is kept
                tracker = await store.get_or_create_tracker(f"{run}-{sender}", append_action_listen=False)
                for event in turn_events(Turn(0, sender, True, new_session, True), clock):
                    tracker.update(event)
                await store.save(tracker)
            saved.append(tracker)
        assert len(store.kept) == 2
        assert await store.retrieve(f"{run}-3") is saved[3]
        assert await store.retrieve(f"{run}-0") is not saved[0], "the least recent conversation was let go"
        return saved

    try:
        asyncio.run(conversations())
    finally:
        store.engine.dispose()


def test_a_database_failure_after_the_save_keeps_nothing_and_loses_nothing(db_url: str, monkeypatch):
    """The turn is stored: it is not reported as failed, and the next turn loads it from the database."""
    store = UrlSQLTrackerStore(domain=DOMAIN, host=db_url, keep_trackers=4)
    reference = UrlSQLTrackerStore(domain=DOMAIN, host=db_url, keep_trackers=0)
    clock = Clock()
    sender = f"kept-{secrets.token_hex(4)}"

    def unreachable(*_args: Any) -> None:
        raise OperationalError("SELECT count(id)", {}, ConnectionError("server closed the connection"))

    async def turns() -> None:
        first = await store.get_or_create_tracker(sender, append_action_listen=False)
        for event in turn_events(Turn(0, 0, True, new_session=True, saved=True), clock):
            first.update(event)
        await store.save(first)
        second = await store.retrieve(sender)
        for event in turn_events(Turn(0, 0, False, new_session=False, saved=True), clock):
            second.update(event)
        with monkeypatch.context() as patched:
            patched.setattr(store, "_fingerprint", unreachable)
            await store.save(second)  # raises nothing
        assert len(store.kept) == 0
        third = await store.retrieve(sender)
        assert third is not second and state(third) == state(await reference.retrieve(sender))
        assert third.get_slot("consent") is False

    try:
        asyncio.run(turns())
    finally:
        store.engine.dispose()
        reference.engine.dispose()
