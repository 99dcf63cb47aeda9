"""The patient's confirmation and reminder: real SMTP server, fake Telegram Bot API, fake clock.

Sent once at the right time (the clinic's wall clock, daylight-saving included),
through the outbox, never after cancel, forget-me, opt-out or a move.
"""
from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from hypothesis import given, settings, strategies as st

from bot.notify.senders import EmailSender, TelegramSender
from bot.notify.worker import NotificationWorker
from bot.paths import REPO_ROOT
from bot.storage.appointments import stop_reminders
from bot.storage.booking import available_slots, book_slot, cancel_booking, ensure_slots, move_booking
from bot.storage.conversations import forget_conversation, save_assessment
from bot.storage.models import Booking, Notification
from tests.notify.fake_telegram import FakeTelegram, telegram_api
from tests.notify.smtp_inbox import Inbox, smtp_server
from tests.storage.clinic_db_fixtures import NOW, clinic_data, write_clinic
from tests.support.spanish import assert_spanish

STAFF_URL = "http://staff.test"
TOKEN = "123:ABC"
FIRST_SLOT = datetime(2030, 3, 5, 14, 0, tzinfo=timezone.utc)  # Tue 5 Mar 2030, 9:00 am EST, Midtown


class Clock:
    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def _book(factory, clinic, conversation="conv-1", email="pat@example.com", chat=None):
    """Book the next free Midtown slot (9:00, 10:00, 11:00 am on Tue 5 Mar 2030, in booking order)."""
    with factory.begin() as session:
        ensure_slots(session, clinic, NOW)
        slot = available_slots(session, "midtown", NOW, limit=1)[0]
        return book_slot(session, slot.id, "Pat Patient", "2125550142" if not email else None, email, "telegram"
                         if chat else "rest", conversation, now=NOW, telegram_chat_id=chat, clinic=clinic)


def _worker(factory, clinic, inbox, telegram, clock) -> NotificationWorker:
    senders = [EmailSender(host="127.0.0.1", port=inbox.port, sender="bot@clinic.example", starttls=False),
               TelegramSender(token=TOKEN, api_base_url=telegram.base_url)]
    return NotificationWorker(factory, senders, clinic, STAFF_URL, clock=clock, kinds=("patient_confirmation",
                                                                                          "reminder"))


def _statuses(factory, kind):
    with factory() as session:
        return session.scalars(sa.select(Notification.status).where(Notification.kind == kind)
                               .order_by(Notification.id)).all()


@pytest.fixture
def transports():
    with smtp_server(Inbox()) as inbox, telegram_api(FakeTelegram(TOKEN)) as telegram:
        yield inbox, telegram


def test_confirmation_e_mail_carries_the_ics_and_token_links_and_the_chat_gets_buttons(factory, clinic, transports):
    inbox, telegram = transports
    by_mail = _book(factory, clinic, "conv-1", email="pat@example.com")
    in_chat = _book(factory, clinic, "conv-2", email=None, chat="777")
    asyncio.run(_worker(factory, clinic, inbox, telegram, Clock()).run_once())
    assert inbox.recipients == [["pat@example.com"]]
    mail = inbox.messages[0]
    assert mail["Subject"] == "Booked: gait analysis, Tue 5 Mar 2030, 9:00 am"
    body = mail.get_body(("plain",)).get_content()
    for action in ("move", "cancel"):
        assert f"{STAFF_URL}/appointment/{by_mail.manage_token}/{action}" in body
    (ics,) = [part for part in mail.iter_attachments() if part.get_content_type() == "text/calendar"]
    assert ics.get_filename() == "gait-analysis.ics"
    assert "DTSTART:20300305T140000Z" in ics.get_content() and "STATUS:CONFIRMED" in ics.get_content()
    (chat,) = telegram.requests
    assert chat["chat_id"] == "777" and "Tue 5 Mar 2030, 10:00 am" in chat["text"]
    assert "/appointment/" not in chat["text"]  # buttons instead of links
    keyboard = [row[0] for row in chat["reply_markup"]["inline_keyboard"]]
    assert [b["text"] for b in keyboard] == ["Reschedule", "Cancel"]
    assert keyboard[1]["callback_data"] == f"appt:x:{in_chat.manage_token}"
    assert _statuses(factory, "patient_confirmation") == ["sent", "sent"]


def test_a_requested_booking_is_not_called_booked(factory, clinic, transports):
    inbox, telegram = transports
    with factory.begin() as session:
        ensure_slots(session, clinic, NOW)
        slot = available_slots(session, "midtown", NOW, limit=1)[0]
        book_slot(session, slot.id, "Pat Patient", None, "pat@example.com", "rest", "conv-1", status="requested",
                  now=NOW, clinic=clinic)
    asyncio.run(_worker(factory, clinic, inbox, telegram, Clock()).run_once())
    body = inbox.messages[0].get_body(("plain",)).get_content()
    assert body.startswith("We have your request") and "the clinic will confirm it" in body


def test_reminder_is_sent_once_at_the_clinic_time_on_the_patients_channel(factory, clinic, transports):
    inbox, telegram = transports
    by_mail = _book(factory, clinic, "conv-1", email="pat@example.com")
    _book(factory, clinic, "conv-2", email="chat-patient@example.com", chat="777")
    clock = Clock()
    worker = _worker(factory, clinic, inbox, telegram, clock)
    asyncio.run(worker.run_once())  # the two confirmations (both channels for the second patient)
    assert (len(inbox.messages), len(telegram.requests)) == (2, 1)
    clock.now = FIRST_SLOT - timedelta(hours=24, minutes=1)
    assert asyncio.run(worker.run_once()) == 0  # a minute early: nothing
    clock.now = FIRST_SLOT - timedelta(hours=24)
    assert asyncio.run(worker.run_once()) == 1
    clock.now = FIRST_SLOT - timedelta(hours=23)  # the second slot is an hour later
    assert asyncio.run(worker.run_once()) == 1
    for hours in (22, 1):
        clock.now = FIRST_SLOT - timedelta(hours=hours)
        assert asyncio.run(worker.run_once()) == 0  # never twice
    reminder_mail = inbox.messages[2]
    assert len(inbox.messages) == 3 and reminder_mail["To"] == "pat@example.com"  # chat patient: chat only
    assert reminder_mail["Subject"] == "Reminder: gait analysis, Tue 5 Mar 2030, 9:00 am"
    body = reminder_mail.get_content()
    for action in ("confirm", "move", "cancel", "stop-reminders"):
        assert f"{STAFF_URL}/appointment/{by_mail.manage_token}/{action}" in body
    reminder_chat = telegram.requests[1]
    assert reminder_chat["text"].startswith("Reminder: your gait analysis")
    buttons = [row[0] for row in reminder_chat["reply_markup"]["inline_keyboard"]]
    assert [b["text"] for b in buttons] == ["Confirm", "Reschedule", "Cancel", "Stop reminders"]
    assert all(b["callback_data"].startswith("appt:") and len(b["callback_data"].encode()) <= 64 for b in buttons)
    assert _statuses(factory, "reminder") == ["sent", "sent"]


def test_no_reminder_after_cancel_forget_me_or_opt_out(factory, clinic, transports):
    inbox, telegram = transports
    cancelled = _book(factory, clinic, "conv-1")
    forgotten = _book(factory, clinic, "conv-forget", chat="778")
    opted_out = _book(factory, clinic, "conv-3", email=None, chat="777")
    with factory.begin() as session:
        cancel_booking(session, cancelled.id, now=NOW)
        forget_conversation(session, "conv-forget", now=NOW)
        stop_reminders(session, opted_out.manage_token)
    clock = Clock(FIRST_SLOT - timedelta(hours=1))  # all three reminders are due
    asyncio.run(_worker(factory, clinic, inbox, telegram, clock).run_once())
    assert inbox.messages == []  # no confirmation either for the cancelled and the forgotten booking and telegram.requests[0]["text"].startswith("Your gait analysis")
    assert len(telegram.requests) == 1  # the opted-out patient's confirmation; no reminder
    # the forgotten booking's messages were deleted with its patient's data; the others are skipped
    assert _statuses(factory, "reminder") == ["skipped"] * 2
    assert _statuses(factory, "patient_confirmation") == ["skipped", "sent"]
    with factory() as session:
        erased = session.get(Booking, forgotten.id)
        assert (erased.email, erased.telegram_chat_id) == (None, None)
        assert erased.manage_secret != forgotten.manage_secret  # the old links and buttons are dead


def test_a_moved_booking_is_reminded_of_the_new_time_only(factory, clinic, transports):
    inbox, telegram = transports
    booking = _book(factory, clinic)
    with factory.begin() as session:
        later = available_slots(session, "midtown", NOW, limit=5)[4]
        move_booking(session, booking.id, later.id, now=NOW, clinic=clinic)
    clock = Clock(FIRST_SLOT - timedelta(hours=23))
    worker = _worker(factory, clinic, inbox, telegram, clock)
    asyncio.run(worker.run_once())
    assert [m["Subject"].split(":")[0] for m in inbox.messages] == ["Booked", "Booked"]  # first and moved
    clock.now = later.starts_at - timedelta(hours=24)
    asyncio.run(worker.run_once())
    assert [m["Subject"] for m in inbox.messages[2:]] == [f"Reminder: gait analysis, {clinic.when(later.starts_at)}"]
    assert _statuses(factory, "reminder") == ["skipped", "sent"]


def _dst_clinic(tmp_path, hours):
    data = clinic_data()
    data["reminders"] = {"hours_before": hours}
    return write_clinic(tmp_path / "dst.yml", data)


def test_reminder_time_keeps_the_wall_clock_across_the_daylight_saving_change(tmp_path):
    clinic = _dst_clinic(tmp_path, 48)
    monday = datetime(2030, 3, 11, 13, 0, tzinfo=timezone.utc)  # 9:00 am EDT, the day after clocks go forward
    assert clinic.reminder_at(monday) == datetime(2030, 3, 9, 14, 0, tzinfo=timezone.utc)  # Sat 9:00 am EST
    autumn = datetime(2030, 11, 4, 14, 0, tzinfo=timezone.utc)  # Mon 9:00 am EST, the day after clocks go back
    assert clinic.reminder_at(autumn) == datetime(2030, 11, 2, 13, 0, tzinfo=timezone.utc)  # Sat 9:00 am EDT


@settings(max_examples=200, deadline=None)
@given(st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2035, 12, 31)),
       st.integers(min_value=1, max_value=336))
def test_reminder_is_hours_before_on_the_local_clock_and_always_before_the_appointment(tmp_path_factory, naive, hours):
    clinic = _dst_clinic(tmp_path_factory.mktemp("c"), hours)
    starts_at = naive.replace(tzinfo=clinic.tz).astimezone(timezone.utc)
    reminder = clinic.reminder_at(starts_at)
    assert reminder < starts_at
    wanted = clinic.local(starts_at).replace(tzinfo=None) - timedelta(hours=hours)
    local = clinic.local(reminder)
    if local.replace(tzinfo=None) == wanted:
        return
    # Only a wall time inside the spring-forward gap cannot be kept: it moves by the one skipped hour.
    assert abs(local.replace(tzinfo=None) - wanted) == timedelta(hours=1)
    assert wanted.replace(tzinfo=clinic.tz).astimezone(timezone.utc).astimezone(clinic.tz).replace(tzinfo=None) != wanted


def test_reminders_command_sends_those_due_at_now_once(factory, clinic, db_url, backend, tmp_path, transports):
    if backend != "sqlite":
        pytest.skip("the command is tested on the SQLite file; the worker itself runs on both backends")
    inbox, telegram = transports
    _book(factory, clinic)
    clinic_file = tmp_path / "clinic.yml"
    env = {**os.environ, "DATABASE_URL": db_url, "CLINIC_CONFIG": str(clinic_file), "SMTP_HOST": "127.0.0.1",
           "SMTP_PORT": str(inbox.port), "SMTP_FROM": "bot@clinic.example", "PUBLIC_STAFF_URL": STAFF_URL,
           "SMTP_STARTTLS": "false"}
    env.pop("TELEGRAM_TOKEN", None)

    def run(now):
        done = subprocess.run([sys.executable, "-m", "bot.notify", "reminders", "--now", now], cwd=REPO_ROOT, env=env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    assert run("2030-03-04T13:59:00Z") == "reminders: 0 sent, 0 skipped (cancelled, moved or opted out), 0 to retry"
    assert run("2030-03-04T09:00:00-05:00") == "reminders: 1 sent, 0 skipped (cancelled, moved or opted out), 0 to retry"
    assert run("2030-03-04T15:00:00Z").startswith("reminders: 0 sent")
    assert [m["Subject"] for m in inbox.messages] == ["Reminder: gait analysis, Tue 5 Mar 2030, 9:00 am"]
    with factory() as session:
        assert session.scalars(sa.select(Booking)).one().status == "confirmed"


def test_a_spanish_conversation_gets_its_confirmation_and_calendar_file_in_spanish(factory, clinic, transports):
    """The language is kept with the assessment (no column of its own): the booking links it."""
    inbox, telegram = transports
    with factory.begin() as session:
        save_assessment(session, "conv-es", "rest", {"pain_location": "knee"},
                        {"disposition": "gait_analysis", "reasons": [], "language": "es"})
    booking = _book(factory, clinic, "conv-es", email="pat@example.com")
    _book(factory, clinic, "conv-en", email=None, chat="777")
    asyncio.run(_worker(factory, clinic, inbox, telegram, Clock()).run_once())
    mail = inbox.messages[0]
    assert mail["Subject"] == "Cita agendada: análisis de la marcha, mar 5 de mar de 2030, 9:00 a.m."
    body = mail.get_body(("plain",)).get_content()
    assert body.startswith("Su análisis de la marcha en") and "Por favor, traiga: los zapatos" in body
    assert f"Cambiar a otro horario: {STAFF_URL}/appointment/{booking.manage_token}/move" in body
    (ics,) = [part for part in mail.iter_attachments() if part.get_content_type() == "text/calendar"]
    calendar = ics.get_content().replace("\r\n ", "")
    assert "SUMMARY:Análisis de la marcha – " in calendar and "Por favor\\, traiga:" in calendar
    for text in (body, calendar.split("DESCRIPTION:")[1]):
        assert_spanish(text.replace("\\n", " ").replace("\\", ""), allowed=(STAFF_URL, booking.manage_token,
                                                                            "appointment", "calendar", ".ics"))
    (chat,) = telegram.requests  # the English conversation's booking stays English
    assert "Tue 5 Mar 2030, 10:00 am" in chat["text"]
    assert [row[0]["text"] for row in chat["reply_markup"]["inline_keyboard"]] == ["Reschedule", "Cancel"]
