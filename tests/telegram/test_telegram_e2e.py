"""End to end: the real Rasa and action servers (tests/conftest.py), the fake Bot API.

The conversation is driven from what the bot sends (its buttons), not from a
script: tap "No" or "None of these" when offered (red-flag, checklist and yes/no
questions), else the first button (consent, choices), type "skip" to a question without buttons.
"""
from __future__ import annotations

from typing import Any, Dict, List

import pytest
import requests
from tg_fake_api import SECRET, Call, FakeBotApi
from tg_latency import REST, WEBHOOK, measure_rest_latency, measure_webhook_latency, summary
from tg_patient import Patient, question, titles, webhook_sender

from bot.security.senders import telegram_sender
from bot.triage import DISPOSITIONS

pytestmark = pytest.mark.e2e

MAX_TURNS = 60


def texts_of(messages: List[Call]) -> List[str]:
    return [message.params["text"] for message in messages]


def callback_payloads(message: Call) -> List[str]:
    return [button["callback_data"] for row in message.keyboard for button in row]


def test_start_over_the_webhook_greets_and_asks_for_consent_with_buttons(rasa_stack: Any, stack_api: FakeBotApi) -> None:
    patient = Patient(stack_api, 5_000_001, webhook_sender(rasa_stack.rasa_url))

    replies = patient.say("/start")

    consent = question(replies)
    assert consent.keyboard, [m.params["text"] for m in replies]
    assert '/answer{"q":"consent","value":true}' in callback_payloads(consent)
    assert stack_api.calls_of("sendChatAction", patient.chat_id)[0].at < replies[0].at
    tracker = rasa_stack.tracker(telegram_sender(patient.chat_id))
    assert tracker["latest_input_channel"] == "telegram"


def test_a_tap_over_the_webhook_is_answered_and_the_next_question_sent(rasa_stack: Any, stack_api: FakeBotApi) -> None:
    patient = Patient(stack_api, 5_000_002, webhook_sender(rasa_stack.rasa_url))
    consent = question(patient.say("/start"))

    replies = patient.tap(consent)  # the first button gives consent

    assert len(stack_api.calls_of("answerCallbackQuery")) == 1
    edited = stack_api.calls_of("editMessageReplyMarkup", patient.chat_id)
    assert [int(call.params["message_id"]) for call in edited] == [consent.result["message_id"]]
    assert question(replies).keyboard, [m.params["text"] for m in replies]
    assert rasa_stack.slot(telegram_sender(patient.chat_id), "consent") is True


@pytest.mark.parametrize("secret", [None, "not-the-secret"])
def test_the_real_server_refuses_a_missing_or_wrong_secret(rasa_stack: Any, stack_api: FakeBotApi, secret: Any) -> None:
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
    update = stack_api.message_update(5_000_003, "/start")

    reply = requests.post(f"{rasa_stack.rasa_url}/webhooks/telegram/webhook", json=update, headers=headers, timeout=30)

    assert reply.status_code == 403
    requests.post(  # a valid update afterwards shows that nothing of the refused one was sent
        f"{rasa_stack.rasa_url}/webhooks/telegram/webhook",
        json=stack_api.message_update(5_000_004, "/help"),
        headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
        timeout=30,
    )
    stack_api.wait_for_calls("sendMessage", 1, chat_id=5_000_004)
    assert stack_api.calls_of("sendMessage", 5_000_003) == []
    assert stack_api.calls_of("sendChatAction", 5_000_003) == []


def test_a_full_triage_in_polling_mode_reaches_a_disposition(
    rasa_stack: Any, stack_api: FakeBotApi, poller: Any
) -> None:
    patient = Patient(stack_api, 6_000_001, stack_api.queue_update, quiet=1.0)
    chat = telegram_sender(patient.chat_id)

    replies = patient.say("/start")
    seen_location_buttons = False
    for _ in range(MAX_TURNS):
        if rasa_stack.slot(chat, "disposition"):
            break
        asked = question(replies)
        seen_location_buttons |= "Lower back" in titles(asked)
        if asked.keyboard:
            offered = titles(asked)
            answer = patient.tap(asked, next((t for t in ("No", "None of these") if t in offered), None))
        elif asked.params["text"].rstrip().endswith("?"):
            answer = patient.say("skip")
        else:
            break  # the conversation stopped asking
        if texts_of(answer) == texts_of(replies):
            break  # the same reply again: stuck
        replies = answer

    transcript = [(m.params["text"][:80], titles(m)) for m in patient.messages()]
    print("\n".join(map(str, transcript)))
    assert rasa_stack.slot(chat, "consent") is True
    assert seen_location_buttons, transcript
    assert len(stack_api.calls_of("answerCallbackQuery")) >= 2
    assert rasa_stack.slot(chat, "disposition") in DISPOSITIONS, transcript


def test_webhook_latency(rasa_stack: Any, stack_api: FakeBotApi) -> None:
    latencies = measure_webhook_latency(stack_api, rasa_stack.rasa_url, SECRET, count=30)
    rest = measure_rest_latency(rasa_stack.rasa_url, rasa_stack.token, count=30)

    print(f"\n{summary(WEBHOOK, latencies)}\n{summary(REST, rest)}")
    assert len(latencies) == 30
    assert sorted(latencies)[15] < 5000


def test_a_conversation_continues_after_rasa_restarts(rasa_stack: Any, stack_api: FakeBotApi) -> None:
    """The sender id is tg:<chat id>, so the tracker store carries the conversation over."""
    patient = Patient(stack_api, 5_000_009, webhook_sender(rasa_stack.rasa_url))
    greeting = patient.say("/start")
    first_question = question(patient.tap(question(greeting)))

    rasa_stack.restart_rasa()
    replies = patient.tap(first_question, "No" if "No" in titles(first_question) else None)

    greeting_texts = {message.params["text"] for message in greeting}
    assert not greeting_texts & {message.params["text"] for message in replies}
    assert rasa_stack.slot(telegram_sender(patient.chat_id), "consent") is True


def test_the_telegram_apps_language_sets_the_conversations_language(rasa_stack: Any, stack_api: FakeBotApi) -> None:
    """Telegram's `language_code` reaches Rasa as message metadata `language` (bot/nlu/language.py)."""
    send = webhook_sender(rasa_stack.rasa_url)

    def in_spanish(update: Dict[str, Any]) -> None:
        update["message"]["from"]["language_code"] = "es-MX"
        send(update)

    patient = Patient(stack_api, 5_000_015, in_spanish)
    patient.say("/start")
    assert rasa_stack.slot(telegram_sender(patient.chat_id), "language") == "es"
    patient.say("English please")
    assert rasa_stack.slot(telegram_sender(patient.chat_id), "language") == "en"
