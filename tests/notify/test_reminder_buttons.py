"""The reminder's Telegram buttons, tapped through python-telegram-bot against the fake Bot API.

The reminder is sent by the outbox worker; the tap is handled by the channel's
real handlers (bot.channels.telegram.handlers + appointments) on the database.
"""
from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Optional

import pytest
from telegram import Update

import bot.storage.engine as engine_module
from bot.channels.telegram.bot_api import webhook_application
from bot.channels.telegram.callback_data import CallbackDataStore
from bot.channels.telegram.handlers import TelegramHandlers
from bot.channels.telegram.output import TelegramOutput
from bot.channels.telegram.settings import TelegramSettings
from bot.notify.senders import TelegramSender
from bot.notify.worker import NotificationWorker
from bot.storage.booking import available_slots, book_slot, ensure_slots
from bot.storage.models import Booking
from tests.notify.test_patient_messages import FIRST_SLOT, STAFF_URL, Clock
from tests.storage.clinic_db_fixtures import NOW
from tests.telegram.tg_fake_api import TOKEN, FakeBotApi


@pytest.fixture
def bot_api():
    with FakeBotApi(TOKEN) as fake:
        yield fake


def _book_in_chat(factory, clinic, chat: int) -> Booking:
    with factory.begin() as session:
        ensure_slots(session, clinic, NOW)
        slot = available_slots(session, "midtown", NOW, limit=1)[0]
        return book_slot(session, slot.id, "Pat Patient", "2125550142", None, "telegram", f"tg-{chat}", now=NOW,
                         telegram_chat_id=str(chat), clinic=clinic)


def _send_reminders(factory, clinic, bot_api) -> None:
    sender = TelegramSender(token=TOKEN, api_base_url=bot_api.base_url)  # the channel's form, ending in /bot
    worker = NotificationWorker(factory, [sender], clinic, STAFF_URL, clock=Clock(FIRST_SLOT - timedelta(hours=1)))
    asyncio.run(worker.run_once())


class Channel:
    """The Telegram channel's handlers on a bot pointed at the fake API; Rasa is a list of texts."""

    def __init__(self, bot_api: FakeBotApi, tmp_path) -> None:
        self.bot_api, self.to_rasa = bot_api, []
        settings = TelegramSettings(token=TOKEN, api_base_url=bot_api.base_url, api_file_url=bot_api.file_url,
                                    callback_db=tmp_path / "cb.sqlite")
        self.application = webhook_application(settings)
        output = TelegramOutput(self.application.bot, CallbackDataStore(settings.callback_db))

        async def deliver(chat_id: str, text: str, language: Optional[str] = None) -> None:
            self.to_rasa.append((chat_id, text))

        TelegramHandlers(output, deliver, "reply").register(self.application)

    def tap(self, update: dict) -> None:
        async def run() -> None:
            async with self.application:
                await self.application.process_update(Update.de_json(update, self.application.bot))

        asyncio.run(run())

    def tap_button(self, message, label: str) -> None:
        rows = [row[0]["text"] for row in message.keyboard]
        self.tap(self.bot_api.callback_update(message, row=rows.index(label)))


def _reminder_to(bot_api: FakeBotApi, chat: int):
    return [c for c in bot_api.calls_of("sendMessage", chat) if c.params["text"].startswith("Reminder")][0]


def _get(factory, booking_id) -> Booking:
    with factory() as session:
        return session.get(Booking, booking_id)


def test_confirm_reschedule_stop_and_cancel_buttons(factory, clinic, bot_api, tmp_path, monkeypatch):
    monkeypatch.setattr(engine_module, "_default_factory", factory)  # the channel's database
    first, second = _book_in_chat(factory, clinic, 777), _book_in_chat(factory, clinic, 778)
    _send_reminders(factory, clinic, bot_api)
    channel = Channel(bot_api, tmp_path)

    channel.tap_button(_reminder_to(bot_api, 777), "Confirm")
    assert _get(factory, first.id).patient_confirmed_at is not None
    replies = [c.params["text"] for c in bot_api.calls_of("sendMessage", 777)]
    assert replies[-1].startswith("Thank you! Your appointment is confirmed")
    assert bot_api.calls_of("editMessageReplyMarkup", 777)  # the keyboard is taken away

    channel.tap_button(_reminder_to(bot_api, 777), "Reschedule")
    assert channel.to_rasa == [("777", "/change_booking")]  # into the conversation, as typed text would go

    channel.tap_button(_reminder_to(bot_api, 777), "Stop reminders")
    assert _get(factory, first.id).reminders_opt_out is True

    channel.tap_button(_reminder_to(bot_api, 778), "Cancel")
    assert _get(factory, second.id).status == "cancelled"
    with factory() as session:
        free = [s.id for s in available_slots(session, "midtown", NOW, limit=10)]
    assert second.slot_id in free
    channel.tap_button(_reminder_to(bot_api, 778), "Cancel")  # again: refused with the reason
    assert bot_api.calls_of("answerCallbackQuery")[-1].params["text"] == "This appointment was cancelled."
    assert channel.to_rasa == [("777", "/change_booking")]  # appointment taps never reach Rasa otherwise


def test_a_forged_token_is_refused_and_changes_nothing(factory, clinic, bot_api, tmp_path, monkeypatch):
    monkeypatch.setattr(engine_module, "_default_factory", factory)
    booking = _book_in_chat(factory, clinic, 777)
    _send_reminders(factory, clinic, bot_api)
    message = _reminder_to(bot_api, 777)
    update = bot_api.callback_update(message, row=0)
    good = update["callback_query"]["data"]
    update["callback_query"]["data"] = good[:-4] + ("AAAA" if not good.endswith("AAAA") else "BBBB")
    channel = Channel(bot_api, tmp_path)
    channel.tap(update)
    assert bot_api.calls_of("answerCallbackQuery")[-1].params["text"] == "This button is no longer valid."
    assert _get(factory, booking.id).patient_confirmed_at is None
    assert channel.to_rasa == []
