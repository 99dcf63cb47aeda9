"""Seeded conversations for the funnel, written by Rasa's own SQLTrackerStore, and their bookings.

EXPECTED is worked out by hand from the conversations below, not by the code under test.
"""
from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path
from typing import List

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import ActionExecuted, Event, Restarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.storage.booking import available_slots, book_slot, ensure_slots
from bot.storage.findings import set_attendance
from tests.storage.clinic_db_fixtures import NOW

WEEK_A = datetime(2030, 2, 19, 15, 0, tzinfo=timezone.utc).timestamp()  # Tue, week of Mon 18 Feb 2030
WEEK_B = datetime(2030, 2, 26, 15, 0, tzinfo=timezone.utc).timestamp()  # Tue, week of Mon 25 Feb 2030
BEFORE = datetime(2030, 1, 2, 15, 0, tzinfo=timezone.utc).timestamp()  # outside the range below
RANGE = {"from": "2030-02-18", "to": "2030-03-03"}


def _conversation(start: float, channel: str, *steps: Event) -> List[Event]:
    events: List[Event] = [UserUttered("hello", intent={"name": "greet", "confidence": 1.0}, timestamp=start,
                                       input_channel=channel)]
    for offset, step in enumerate(steps, start=1):
        step.timestamp = start + offset
        events.append(step)
    return events


CONVERSATIONS = {
    "c1": _conversation(WEEK_A, "rest", SlotSet("consent", True), SlotSet("open_question", "pain_location"),
                        SlotSet("open_question", None), SlotSet("disposition", "gait_analysis"),
                        ActionExecuted("utter_offer_booking")),
    "c2": _conversation(WEEK_A + 60, "telegram", SlotSet("consent", True), SlotSet("open_question", "pain_location")),
    "c3": _conversation(WEEK_B, "telegram", SlotSet("consent", True), SlotSet("open_question", "rf_fever"),
                        SlotSet("open_question", None), SlotSet("disposition", "self_care")),
    "c4": _conversation(WEEK_B + 60, "rest", SlotSet("consent", False)),
    "c5": _conversation(WEEK_B + 120, "rest", SlotSet("consent", True), SlotSet("disposition", "gait_analysis"),
                        ActionExecuted("utter_offer_booking"), SlotSet("open_question", "duration_weeks")),
    "c6": _conversation(WEEK_B + 180, "telegram", SlotSet("consent", True), SlotSet("open_question", "rf_fever"),
                        Restarted()),
    "c0": _conversation(BEFORE, "rest", SlotSet("consent", True), SlotSet("open_question", "rf_fever")),
}
EXPECTED = {
    "started": 6, "consented": 5, "disposition": {"gait_analysis": 2, "self_care": 1}, "offered": 2,
    "booked": 2, "attended": 1, "drop_off": {"pain_location": 1, "duration_weeks": 1},
}
EXPECTED_CHANNELS = {"rest": (3, 2, 1), "telegram": (3, 0, 0)}  # started, booked, attended
EXPECTED_WEEKS = {"2030-02-18": 2, "2030-02-25": 4}


def write_tracker_store(path: Path) -> str:
    """The conversations above in a fresh SQLite tracker store; returns its URL."""
    store = SQLTrackerStore(dialect="sqlite", db=str(path))

    async def save_all() -> None:
        for sender, events in CONVERSATIONS.items():
            await store.save(DialogueStateTracker.from_events(sender, events))

    with ThreadPoolExecutor(1) as pool:  # its own event loop: Playwright's sync API may hold this thread's
        pool.submit(asyncio.run, save_all()).result()
    store.engine.dispose()
    return f"sqlite:///{path}"


def seed_bookings(factory, clinic) -> None:
    """c1 booked and attended, c5 booked (no-show not recorded yet); a booking of an unknown conversation."""
    with factory.begin() as session:
        ensure_slots(session, clinic, NOW)
        slots = available_slots(session, "midtown", NOW, limit=3)
        attended = book_slot(session, slots[0].id, "Ann Attended", "2125550100", None, "rest", "c1", now=NOW,
                             clinic=clinic)
        book_slot(session, slots[1].id, "Bo Booked", "2125550101", None, "rest", "c5", now=NOW, clinic=clinic)
        book_slot(session, slots[2].id, "Phone Booking", "2125550102", None, "rest", "not-in-the-store", now=NOW,
                  clinic=clinic)
        set_attendance(session, attended.id, "attended")
