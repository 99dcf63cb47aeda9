"""TelegramOutput against the fake Bot API: splitting, keyboards, retries, blocked users."""
from __future__ import annotations

import asyncio
import time
from typing import Any, Awaitable, Callable

from tg_channel_host import CHECKLIST_ITEMS, LONG_REPLY, checklist_message
from tg_fake_api import FakeBotApi

from bot.channels.telegram.bot_api import webhook_application
from bot.channels.telegram.callback_data import CallbackDataStore
from bot.channels.telegram.output import TelegramOutput
from bot.channels.telegram.retry import RetryPolicy
from bot.channels.telegram.settings import TelegramSettings
from bot.channels.telegram.text import MAX_MESSAGE_LENGTH
from bot.security.senders import telegram_sender

CHAT = "777"
RECIPIENT = telegram_sender(CHAT)  # Rasa's recipient id for the chat
FAST = RetryPolicy(max_retries=3, base_delay=0.05, max_delay=0.2)


def with_output(settings: TelegramSettings, use: Callable[[TelegramOutput], Awaitable[Any]]) -> None:
    """Run ``use`` with an output on a fresh bot, as the channel builds it."""

    async def run() -> None:
        application = webhook_application(settings, FAST)
        output = TelegramOutput(application.bot, CallbackDataStore(settings.callback_db))
        async with application.bot:
            await use(output)

    asyncio.run(run())


def test_a_5000_character_reply_arrives_as_two_messages_split_between_paragraphs(
    settings: TelegramSettings, fake_api: FakeBotApi
) -> None:
    text = LONG_REPLY[:5000].rsplit(" ", 1)[0]
    assert 4096 < len(text) <= 5000

    with_output(settings, lambda output: output.send_response(RECIPIENT, {"text": text}))

    parts = [call.params["text"] for call in fake_api.calls_of("sendMessage")]
    assert len(parts) == 2
    assert all(len(part) <= MAX_MESSAGE_LENGTH for part in parts)
    assert "\n\n".join(parts) == text
    assert parts[1].startswith("Paragraph ")


def test_the_keyboard_rides_on_the_last_part_of_a_long_question(settings: TelegramSettings, fake_api: FakeBotApi) -> None:
    buttons = [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]

    with_output(settings, lambda output: output.send_response(RECIPIENT, {"text": LONG_REPLY, "buttons": buttons}))

    sent = fake_api.calls_of("sendMessage")
    assert len(sent) == 2
    assert sent[0].keyboard == []
    assert sent[1].keyboard == [[{"text": "Yes", "callback_data": "/affirm"}, {"text": "No", "callback_data": "/deny"}]]


def test_a_0_to_10_scale_is_laid_out_in_rows(settings: TelegramSettings, fake_api: FakeBotApi) -> None:
    buttons = [{"title": str(n), "payload": f'/inform{{"pain_severity": {n}}}'} for n in range(11)]

    with_output(settings, lambda output: output.send_text_with_buttons(CHAT, "How bad is it?", buttons))

    rows = fake_api.calls_of("sendMessage")[0].keyboard
    assert [len(row) for row in rows] == [6, 5]
    assert rows[1][-1]["callback_data"] == '/inform{"pain_severity": 10}'


def test_a_429_is_retried_after_the_requested_wait(settings: TelegramSettings, fake_api: FakeBotApi) -> None:
    fake_api.fail("sendMessage", status=429, retry_after=1)
    started = time.monotonic()

    with_output(settings, lambda output: output.send_text_message(CHAT, "Where is the pain?"))

    attempts = fake_api.calls_of("sendMessage")
    assert len(attempts) == 2
    assert attempts[1].at - attempts[0].at >= 0.95
    assert time.monotonic() - started < 5


def test_server_errors_are_retried_with_back_off(settings: TelegramSettings, fake_api: FakeBotApi) -> None:
    fake_api.fail("sendMessage", status=502, times=1)
    fake_api.fail("sendMessage", status=500, times=1)

    with_output(settings, lambda output: output.send_text_message(CHAT, "Noted."))

    attempts = fake_api.calls_of("sendMessage")
    assert len(attempts) == 3
    assert attempts[2].at - attempts[1].at > attempts[1].at - attempts[0].at


def test_an_outage_gives_up_after_the_retries_without_raising(settings: TelegramSettings, fake_api: FakeBotApi) -> None:
    fake_api.fail("sendMessage", status=503, times=100)

    with_output(settings, lambda output: output.send_response(RECIPIENT, {"text": "one\n\ntwo"}))

    assert len(fake_api.calls_of("sendMessage")) == FAST.max_retries + 1


def test_a_user_who_blocked_the_bot_is_skipped_quietly(settings: TelegramSettings, fake_api: FakeBotApi) -> None:
    fake_api.fail("sendMessage", status=403, times=100)

    with_output(settings, lambda output: output.send_text_message(CHAT, LONG_REPLY))

    assert len(fake_api.calls_of("sendMessage")) == 1  # not retried, and the second part not tried


def test_typing_is_not_retried_and_never_delays_the_reply(settings: TelegramSettings, fake_api: FakeBotApi) -> None:
    fake_api.fail("sendChatAction", status=429, retry_after=30)

    async def reply_while_typing(output: TelegramOutput) -> None:
        async with output.typing(CHAT):
            await output.send_text_message(CHAT, "Noted.")

    started = time.monotonic()
    with_output(settings, reply_while_typing)

    assert time.monotonic() - started < 3
    assert len(fake_api.calls_of("sendChatAction")) == 1
    assert len(fake_api.calls_of("sendMessage")) == 1


def test_images_are_sent_as_photos(settings: TelegramSettings, fake_api: FakeBotApi) -> None:
    image = "https://clinic.example.org/gait-analysis.jpg"

    with_output(settings, lambda output: output.send_response(RECIPIENT, {"text": "Here is the set-up:", "image": image}))

    assert [call.method for call in fake_api.calls if call.method != "getMe"] == ["sendMessage", "sendPhoto"]
    assert fake_api.calls_of("sendPhoto")[0].params["photo"] == image


def test_a_malformed_checklist_falls_back_to_its_numbered_text_and_buttons(
    settings: TelegramSettings, fake_api: FakeBotApi
) -> None:
    message = checklist_message("rf_screen", "Do any of these apply?", CHECKLIST_ITEMS)
    del message["custom"]["checklist"]["done"]

    with_output(settings, lambda output: output.send_response(RECIPIENT, message))

    sent = fake_api.calls_of("sendMessage")
    assert [call.params["text"] for call in sent] == [message["text"]]
    assert [b["text"] for row in sent[0].keyboard for b in row] == ["None of these", "Not sure"]
