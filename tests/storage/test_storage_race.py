"""Twenty patients confirm the same slot at the same moment: exactly one gets it.

Each thread has its own session (its own connection and transaction) and all
start booking at once behind a barrier. The guarantee comes from the database
(partial unique index on the slot's active booking, plus a row lock on the
slot), so it holds across Rasa action-server processes too.
"""
from __future__ import annotations

import threading
import time
from typing import List

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from bot.storage.booking import SlotTaken, available_slots, book_slot, ensure_slots
from bot.storage.models import Booking, Notification
from tests.storage.clinic_db_fixtures import NOW

PATIENTS = 20


def _book_through_service(session, slot_id: int, number: int) -> None:
    # A contact of its own per slot and patient: the rounds must not reach the open-bookings-per-contact cap.
    phone = f"212555{(slot_id * PATIENTS + number) % 10_000:04d}"
    book_slot(session, slot_id, "Patient Racer", phone, None, "rest", f"race-{number}", now=NOW)


def _insert_without_lock(session, slot_id: int, number: int) -> None:
    """A bare INSERT, bypassing the service's row lock: only the unique index stands in the way."""
    session.add(Booking(slot_id=slot_id, status="confirmed", patient_name="Raw Racer", channel="rest",
                        calendar_token=f"race-token-{slot_id}-{number:04d}-xxxxxxxx", created_at=NOW, updated_at=NOW))


def _race(factory, slot_id: int, attempt=_book_through_service) -> List[str]:
    barrier = threading.Barrier(PATIENTS)
    outcomes: List[str] = []
    lock = threading.Lock()

    def patient(number: int) -> None:
        barrier.wait()
        try:
            with factory.begin() as session:
                attempt(session, slot_id, number)
            outcome = "booked"
        except (SlotTaken, IntegrityError):
            outcome = "taken"
        except Exception as error:  # anything else is a failure of the guarantee
            outcome = f"error: {type(error).__name__}: {error}"
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=patient, args=(n,)) for n in range(PATIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_twenty_concurrent_bookings_of_one_slot_give_one_success_and_nineteen_slot_taken(factory, clinic, backend):
    with factory.begin() as session:
        ensure_slots(session, clinic, NOW)
        slot_ids = [s.id for s in available_slots(session, "midtown", NOW, limit=3)]
    for round_number, slot_id in enumerate(slot_ids, start=1):
        started = time.perf_counter()
        outcomes = _race(factory, slot_id)
        elapsed_ms = (time.perf_counter() - started) * 1000
        print(f"\n[race {backend} round {round_number}] {PATIENTS} threads: {outcomes.count('booked')} booked, "
              f"{outcomes.count('taken')} SlotTaken, {len(outcomes) - outcomes.count('booked') - outcomes.count('taken')}"
              f" other, {elapsed_ms:.0f} ms")
        assert sorted(outcomes) == ["booked"] + ["taken"] * (PATIENTS - 1)
        with factory() as session:
            active = session.scalars(sa.select(Booking).where(Booking.slot_id == slot_id)).all()
            notices = session.scalar(sa.select(sa.func.count()).select_from(Notification)
                                     .where(Notification.booking_id.in_([b.id for b in active])))
        assert len(active) == 1 and notices == 1


def test_the_unique_index_alone_stops_concurrent_raw_inserts(factory, clinic, backend):
    with factory.begin() as session:
        ensure_slots(session, clinic, NOW)
        slot_id = available_slots(session, "midtown", NOW, limit=1)[0].id
    outcomes = _race(factory, slot_id, attempt=_insert_without_lock)
    print(f"\n[raw insert race {backend}] {outcomes.count('booked')} inserted, {outcomes.count('taken')} refused")
    assert sorted(outcomes) == ["booked"] + ["taken"] * (PATIENTS - 1)
