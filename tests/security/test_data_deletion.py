""""Delete my data" leaves nothing behind: every table of both databases and the Telegram button file are scanned.

On SQLite and PostgreSQL (the storage `backend` fixture): a patient's
conversation, assessment, callback request, booking (with its queued patient
messages) and Telegram button records all carry a canary word and the sender's
id; after the forget-me steps the action runs, no row anywhere holds either,
while another patient's data is untouched. An end-to-end run does the same
through the real Rasa and action servers.
"""
from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from pathlib import Path

import pytest

from bot.channels.telegram.callback_data import CallbackDataStore
from bot.storage.booking import available_slots, book_slot, ensure_slots
from bot.storage.conversations import forget_conversation, record_callback, save_assessment
from bot.storage.tracker_events import delete_sender_events
from tests.e2e.patient import KNEE_WITH_FOOT_SIGNS, Patient, buttons, texts
from tests.security.data_fixtures import canary_word, rows_containing, save_conversation, tracker_url  # noqa: F401
from tests.storage.clinic_db_fixtures import NOW, backend, clinic, db_url, engine, factory  # noqa: F401

RESULT = {"disposition": "gait_analysis", "score": 57, "reasons": [], "red_flags": [], "points_away": []}


def store_everything(factory, clinic, tracker_url: str, buttons_file: Path, sender: str, canary: str) -> None:
    save_conversation(tracker_url, sender, f"my {canary} knee hurts", consent=True, at=NOW)
    with factory.begin() as session:
        ensure_slots(session, clinic, NOW)
        slot = available_slots(session, "midtown", NOW, limit=1)[0]
        save_assessment(session, sender, "telegram", {"free_text": canary}, RESULT)
        book_slot(session, slot.id, f"Jane {canary}", "2125550142", f"{canary.lower()}@example.com", "telegram",
                  sender, now=NOW, telegram_chat_id=sender, clinic=clinic)
        record_callback(session, sender, "telegram", f"Jane {canary}", "2125550142", f"about {canary}")
    asyncio.run(CallbackDataStore(buttons_file).save(sender, 7, {"payloads": [f"/inform{{\"x\": \"{canary}\"}}"]}))


def test_forgetting_leaves_no_trace_in_any_table(factory, clinic, db_url, tracker_url, tmp_path: Path):
    canary, other_canary = canary_word(), canary_word()
    sender, other = (str(10**12 + uuid.uuid4().int % 10**12) for _ in range(2))  # Telegram-like chat ids
    buttons_file = tmp_path / "telegram-callbacks.sqlite"
    store_everything(factory, clinic, tracker_url, buttons_file, sender, canary)
    store_everything(factory, clinic, tracker_url, buttons_file, other, other_canary)
    assert rows_containing(db_url, canary) and rows_containing(tracker_url, canary)  # the scan sees stored data

    with factory.begin() as session:  # the steps of actions/privacy.py ActionForgetMe, in its order
        forget_conversation(session, sender, now=NOW + timedelta(minutes=5))
        assert delete_sender_events(sender, tracker_url) >= 2
        assert CallbackDataStore(buttons_file).forget_chat(sender) == 1

    for url in (db_url, tracker_url, f"sqlite:///{buttons_file}"):
        assert rows_containing(url, canary, canary.lower()) == {}, url
        assert rows_containing(url, sender) == {}, url
    assert set(rows_containing(db_url, other_canary)) == {"assessments", "bookings", "callback_requests"}
    assert rows_containing(tracker_url, other_canary) == {"events": 1}
    assert rows_containing(f"sqlite:///{buttons_file}", other_canary) == {"issued_keyboard": 1}


@pytest.mark.e2e
def test_forget_me_over_the_real_stack_leaves_no_trace(rasa_stack):
    canary = canary_word()
    patient = Patient(rasa_stack, f"forget-{uuid.uuid4().hex[:10]}", KNEE_WITH_FOOT_SIGNS)
    patient.start()
    patient.answer_until_result()
    replies = patient.say("yes")
    replies = patient.say(next(b["payload"] for b in buttons(replies) if "Midtown" in b["title"]))
    patient.say(buttons(replies)[0]["payload"])
    patient.say(f"Jane {canary}")
    patient.say(f"{canary.lower()}@example.com")
    assert "You're booked" in " ".join(texts(patient.say("/affirm"))), patient.last_lines()
    urls = (rasa_stack.env["DATABASE_URL"], rasa_stack.env["TRACKER_DB_URL"])
    assert all(rows_containing(url, canary) for url in urls), "the booking should have stored the word"

    patient.say("please delete my data")
    assert "deleted" in " ".join(texts(patient.say("/affirm"))), patient.last_lines()
    for url in urls:
        assert rows_containing(url, canary, canary.lower()) == {}, url
        assert rows_containing(url, patient.sender) == {}, url
