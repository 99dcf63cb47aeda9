"""The outbox reaches the clinic: e-mail through a real SMTP server, Telegram through a fake Bot API,
with retries and back-off, never losing the booking, never leaking health text."""
from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

import pytest
import sqlalchemy as sa

import bot.notify.worker as worker_module
from bot.launcher import free_port
from bot.notify.senders import EmailSender, TelegramSender, senders_from_env
from bot.notify.worker import NotificationWorker, RetryPolicy
from bot.storage.booking import available_slots, book_slot, ensure_slots
from bot.storage.conversations import record_callback, save_assessment
from bot.storage.models import Booking, Notification
from tests.notify.fake_telegram import FakeTelegram, telegram_api
from tests.notify.smtp_inbox import Inbox, smtp_server
from tests.storage.clinic_db_fixtures import NOW

HEALTH_TEXT = "SECRET-KNEE-DETAIL"
STAFF_URL = "http://staff.test"


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self):
        return self.now


@pytest.fixture
def booking(factory, clinic):
    """A booking (phone only, so no patient mail) with an assessment, and a callback request with health text."""
    with factory.begin() as session:
        ensure_slots(session, clinic, NOW)
        slot = available_slots(session, "midtown", NOW, limit=1)[0]
        save_assessment(session, "conv-1", "rest", {"pain_location": "knee", "note": HEALTH_TEXT},
                        {"disposition": "gait_analysis", "reasons": [{"text": HEALTH_TEXT}]})
        booked = book_slot(session, slot.id, "Jane Smith", "2125550142", None, "rest", "conv-1", now=NOW,
                           clinic=clinic)  # no e-mail: only the clinic is written to
        record_callback(session, "conv-2", "telegram", "John Doe", "2125550199", f"my {HEALTH_TEXT}")
    return booked


def _email(inbox: Inbox, **overrides) -> EmailSender:
    return EmailSender(**{"host": "127.0.0.1", "port": inbox.port, "sender": "bot@clinic.example",
                          "recipient": "front-desk@clinic.example", "starttls": False, **overrides})


def _rows(factory):
    with factory() as session:
        return session.scalars(sa.select(Notification).order_by(Notification.id)).all()


def _worker(factory, clinic, senders, clock, **policy) -> NotificationWorker:
    return NotificationWorker(factory, senders, clinic, STAFF_URL, policy=RetryPolicy(**policy), clock=clock)


def test_booking_and_callback_emails_reach_the_clinic_without_health_text(factory, clinic, booking):
    with smtp_server(Inbox()) as inbox:
        worker = _worker(factory, clinic, [_email(inbox)], Clock())
        assert asyncio.run(worker.run_once()) == 2
        assert asyncio.run(worker.run_once()) == 0  # nothing sent twice
    assert inbox.recipients == [["front-desk@clinic.example"]] * 2
    booked, callback = inbox.messages
    assert booked["Subject"] == "New gait analysis booking: Tue 5 Mar 2030, 9:00 am, Midtown Manhattan"
    assert booked["From"] == "bot@clinic.example"
    body = booked.get_content()
    assert "Jane Smith" in body and "(212) 555-0142" in body and f"{STAFF_URL}/bookings/{booking.id}" in body
    assert callback["Subject"] == "Callback requested: John Doe" and "(212) 555-0199" in callback.get_content()
    assert all(HEALTH_TEXT not in message.as_string() for message in inbox.messages)
    assert [(r.status, r.attempts, r.delivered) for r in _rows(factory)] == [("sent", 1, "email")] * 2


def test_refused_mail_is_retried_with_backoff_and_the_booking_is_kept(factory, clinic, booking, caplog):
    clock = Clock()
    caplog.set_level(logging.INFO, logger="bot.notify")
    with smtp_server(Inbox(refuse_first=2)) as inbox:
        worker = _worker(factory, clinic, [_email(inbox)], clock, first_delay_s=30, batch=1)
        asyncio.run(worker.run_once())  # first notification: refused (451)
        first = _rows(factory)[0]
        assert (first.status, first.attempts, first.last_error) == ("pending", 1, "email: SMTP 451")
        assert first.next_attempt_at == NOW + timedelta(seconds=30)
        clock.now = NOW + timedelta(seconds=1)
        asyncio.run(worker.run_once())  # the callback's notification: refused too
        clock.now = NOW + timedelta(seconds=20)
        asyncio.run(worker.run_once())
        asyncio.run(worker.run_once())
        assert len(inbox.messages) == 0  # nothing was due yet: the back-off holds
        clock.now = NOW + timedelta(seconds=31)
        assert asyncio.run(worker.run_once()) == 1
    assert len(inbox.messages) == 1
    first = _rows(factory)[0]
    assert (first.status, first.attempts, first.last_error) == ("sent", 2, None)
    with factory() as session:
        assert session.get(Booking, booking.id).status == "confirmed"
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("attempt 1 failed: email: SMTP 451; retry in 30 s" in w for w in warnings)
    assert not any(secret in caplog.text for secret in (HEALTH_TEXT, "Jane", "555-0142"))


def test_unreachable_mail_server_gives_up_after_max_attempts_and_logs_an_error(factory, clinic, booking, caplog):
    clock = Clock()
    dead = EmailSender(host="127.0.0.1", port=free_port(), sender="bot@clinic.example", recipient="x@clinic.example",
                       timeout=2)
    worker = _worker(factory, clinic, [dead], clock, first_delay_s=10, max_attempts=3)
    for step in range(3):
        asyncio.run(worker.run_once())
        clock.now += timedelta(seconds=100)
    rows = _rows(factory)
    assert [(r.status, r.attempts) for r in rows] == [("failed", 3)] * 2
    assert rows[0].last_error == "email: SMTP ConnectionRefusedError"
    assert any("gave up after 3 attempts" in r.getMessage() for r in caplog.records if r.levelno == logging.ERROR)
    with factory() as session:
        assert session.get(Booking, booking.id).status == "confirmed"


def test_starttls_required_but_not_offered_is_a_failure_not_plain_text(factory, clinic, booking):
    with smtp_server(Inbox()) as inbox:
        worker = _worker(factory, clinic, [_email(inbox, starttls=True)], Clock())
        asyncio.run(worker.run_once())
    assert inbox.messages == []
    assert _rows(factory)[0].last_error == "email: SMTP SMTPNotSupportedError"


def test_smtp_login_is_used_when_configured(factory, clinic, booking):
    with smtp_server(Inbox(credentials=("clinic-bot", "s3cret-pass"))) as inbox:
        worker = _worker(factory, clinic, [_email(inbox, user="clinic-bot", password="s3cret-pass")], Clock())
        asyncio.run(worker.run_once())
    assert inbox.logins == ["clinic-bot", "clinic-bot"] and len(inbox.messages) == 2


def test_telegram_staff_chat_and_only_the_failed_transport_is_retried(factory, clinic, booking):
    clock = Clock()
    with smtp_server(Inbox()) as inbox, telegram_api(FakeTelegram("123:ABC", fail_first=1)) as telegram:
        senders = [_email(inbox), TelegramSender(token="123:ABC", chat_id="-100777", api_base_url=telegram.base_url)]
        worker = _worker(factory, clinic, senders, clock, batch=1)
        asyncio.run(worker.run_once())
        row = _rows(factory)[0]
        assert (row.status, row.delivered, row.last_error) == ("pending", "email", "telegram: Telegram HTTP 502")
        clock.now += timedelta(minutes=5)
        asyncio.run(worker.run_once())  # the callback's notification (due earlier)
        asyncio.run(worker.run_once())  # the booking's retry: Telegram only
    assert len(inbox.messages) == 2  # one per notification: the retry did not e-mail again
    assert [r["chat_id"] for r in telegram.requests] == ["-100777"] * 3
    failed, callback, retried = (r["text"] for r in telegram.requests)
    assert failed == retried and "Jane Smith" in retried and f"{STAFF_URL}/bookings/{booking.id}" in retried
    assert "John Doe" in callback and HEALTH_TEXT not in callback
    assert [(r.status, r.delivered) for r in _rows(factory)] == [("sent", "email,telegram")] * 2


def test_two_workers_never_send_the_same_notification(factory, clinic, booking):
    with smtp_server(Inbox()) as inbox:
        workers = [_worker(factory, clinic, [_email(inbox)], Clock()) for _ in range(2)]

        async def both():
            return await asyncio.gather(*(w.run_once() for w in workers))

        assert sum(asyncio.run(both())) == 2
    assert len(inbox.messages) == 2


def test_no_outbox_row_without_its_booking(factory, clinic):
    with factory.begin() as session:
        ensure_slots(session, clinic, NOW)
        slot_id = available_slots(session, "midtown", NOW, limit=1)[0].id
    with pytest.raises(RuntimeError):
        with factory.begin() as session:
            book_slot(session, slot_id, "Jane Smith", "2125550142", None, "rest", "conv-1", now=NOW)
            raise RuntimeError("the action failed after booking")
    assert _rows(factory) == []


def test_transports_come_from_the_environment():
    assert senders_from_env({}) == []
    email, telegram = senders_from_env({
        "SMTP_HOST": "mail.example", "SMTP_PORT": "587", "SMTP_USER": "u", "SMTP_PASSWORD": "p",
        "CLINIC_NOTIFY_EMAIL": "desk@clinic.example", "TELEGRAM_TOKEN": "1:A", "STAFF_TELEGRAM_CHAT_ID": "-5",
        "TELEGRAM_API_BASE_URL": "http://127.0.0.1:9/bot",
    })
    assert (email.host, email.port, email.starttls, email.sender, email.user) == (
        "mail.example", 587, True, "desk@clinic.example", "u")
    assert (telegram.chat_id, telegram.api_base_url) == ("-5", "http://127.0.0.1:9/bot")
    plain = senders_from_env({"SMTP_HOST": "localhost", "CLINIC_NOTIFY_EMAIL": "d@c.example", "SMTP_STARTTLS": "no"})
    assert (plain[0].port, plain[0].starttls) == (25, False)
    assert senders_from_env({"SMTP_HOST": "localhost", "CLINIC_NOTIFY_EMAIL": "d@c.example"})[0].starttls
    assert senders_from_env({"SMTP_HOST": "localhost"}) == []  # no recipient, no e-mail


def test_a_notification_that_cannot_be_composed_does_not_block_the_others(factory, clinic, booking, monkeypatch):
    real_compose = worker_module.compose

    def compose_failing_for_callbacks(notification, *args):
        if notification.kind == "callback_requested":
            raise KeyError("template")
        return real_compose(notification, *args)

    monkeypatch.setattr(worker_module, "compose", compose_failing_for_callbacks)
    with smtp_server(Inbox()) as inbox:
        asyncio.run(_worker(factory, clinic, [_email(inbox)], Clock()).run_once())
    assert len(inbox.messages) == 1
    assert [(r.kind, r.status, r.last_error) for r in _rows(factory)] == [
        ("booking_created", "sent", None), ("callback_requested", "failed", "compose: KeyError")]
