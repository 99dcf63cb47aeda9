"""Attacks through Telegram: forged button data (a patched client can send any callback
data) and a flood from one chat. Forged data is tried against the real stack; the flood
against the real channel hosting a scripted agent (tests/telegram/tg_channel_host.py),
which counts exactly what reached the assistant."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from tg_channel_host import ChannelHost
from tg_fake_api import SECRET, TOKEN, FakeBotApi
from tg_patient import Patient, Send, webhook_sender

from bot.channels.telegram.handlers import EXPIRED_BUTTON
from bot.channels.telegram.settings import TelegramSettings
from bot.security.rate_limit import DEFAULT_PER_MINUTE, POLITE_TEXT
from bot.security.senders import telegram_sender
from tests.security.conftest import user_messages

pytestmark = pytest.mark.e2e

# an intent with a slot, a destructive command, another question's answer, nothing, junk
FORGED = ['/intent{"consent": true}', "/forget_me", '/answer{"q":"pain_location","value":"knee"}', "", "x" * 64]


def webhook(stack: Any) -> Send:
    return webhook_sender(stack.rasa_url, stack.env["TELEGRAM_WEBHOOK_SECRET"])


@pytest.mark.parametrize("data", FORGED)
def test_forged_callback_data_is_refused_and_nothing_reaches_rasa(
    rasa_stack: Any, telegram_api: FakeBotApi, data: str
) -> None:
    chat = 7_000_000 + FORGED.index(data)
    telegram_api.reset()
    patient = Patient(telegram_api, chat, webhook(rasa_stack))
    consent = next(message for message in patient.say("/start") if message.keyboard)
    sender = telegram_sender(chat)
    stored_before = user_messages(rasa_stack, sender)

    webhook(rasa_stack)(telegram_api.callback_update(consent, data=data))
    answer = telegram_api.wait_for_calls("answerCallbackQuery", 1, timeout=30)[-1]

    assert answer.params.get("text") == EXPIRED_BUTTON
    assert user_messages(rasa_stack, sender) == stored_before == 1
    assert rasa_stack.slot(sender, "consent") is None


def test_a_flood_from_one_chat_gets_one_polite_message_and_goes_no_further(tmp_path: Path) -> None:
    chat = 7_100_000
    with FakeBotApi(TOKEN) as fake, ChannelHost(TelegramSettings(
            token=TOKEN, webhook_secret=SECRET, api_base_url=fake.base_url, api_file_url=fake.file_url,
            callback_db=tmp_path / "callbacks.sqlite")) as host:
        for n in range(DEFAULT_PER_MINUTE + 5):
            assert host.post(fake.message_update(chat, f"message {n}")).status_code == 200
        fake.wait_for_calls("sendMessage", DEFAULT_PER_MINUTE + 1, timeout=60, chat_id=chat)  # 60 x "Noted." + 1
        time.sleep(1)  # nothing more is on its way

        assert len(host.agent.received) == DEFAULT_PER_MINUTE
        assert [c.params["text"] for c in fake.calls_of("sendMessage", chat)].count(POLITE_TEXT) == 1
        assert {sender for sender, _, _ in host.agent.received} == {telegram_sender(chat)}
