"""The webhook channel over real HTTP: Sanic route in, fake Bot API out (scripted agent)."""
from __future__ import annotations

import dataclasses
import time
from typing import Iterator

import pytest
import requests
from tg_channel_host import LONG_PAYLOAD, ChannelHost
from tg_fake_api import SECRET, FakeBotApi

from bot.channels.telegram.handlers import APOLOGY, EXPIRED_BUTTON, GROUP_TEXT, HELP_TEXT, TEXT_ONLY, help_text
from tests.support.spanish import assert_spanish
from bot.channels.telegram.settings import TelegramSettings
from bot.security.senders import telegram_sender

CHAT = 4242
SENDER = telegram_sender(CHAT)


@pytest.fixture
def host(settings: TelegramSettings) -> Iterator[ChannelHost]:
    with ChannelHost(settings) as running:
        yield running


def post(host: ChannelHost, update: dict, secret: str = SECRET) -> requests.Response:
    return host.post(update, secret)


def texts(fake: FakeBotApi, chat_id: int = CHAT) -> list:
    return [call.params["text"] for call in fake.calls_of("sendMessage", chat_id)]


def test_start_with_the_right_secret_greets_with_an_inline_keyboard(host: ChannelHost, fake_api: FakeBotApi) -> None:
    assert post(host, fake_api.message_update(CHAT, "/start")).status_code == 200

    sent = fake_api.wait_for_calls("sendMessage", 2, chat_id=CHAT)
    assert host.agent.received == [(SENDER, "/greet", "telegram")]
    assert sent[1].keyboard == [
        [{"text": "Yes", "callback_data": "/affirm"}, {"text": "No", "callback_data": "/deny"}]
    ]
    assert "parse_mode" not in sent[1].params
    methods = [call.method for call in fake_api.calls]
    assert methods.index("sendChatAction") < methods.index("sendMessage")
    assert fake_api.calls_of("sendChatAction")[0].params["action"] == "typing"


@pytest.mark.parametrize("secret", [None, "wrong-secret", ""])
def test_missing_or_wrong_secret_is_refused_and_nothing_is_sent(
    host: ChannelHost, fake_api: FakeBotApi, secret: str
) -> None:
    reply = post(host, fake_api.message_update(CHAT, "/start"), secret=secret)

    assert reply.status_code == 403
    time.sleep(0.3)
    assert fake_api.calls == []
    assert host.agent.received == []


def test_a_tap_is_answered_the_keyboard_removed_and_the_payload_sent(host: ChannelHost, fake_api: FakeBotApi) -> None:
    post(host, fake_api.message_update(CHAT, "/start"))
    question = fake_api.wait_for_calls("sendMessage", 2, chat_id=CHAT)[1]

    post(host, fake_api.callback_update(question, row=0, column=0))

    fake_api.wait_for_calls("sendMessage", 3, chat_id=CHAT)
    answered = fake_api.calls_of("answerCallbackQuery")
    assert len(answered) == 1 and "text" not in answered[0].params
    edited = fake_api.calls_of("editMessageReplyMarkup")
    assert len(edited) == 1
    assert int(edited[0].params["message_id"]) == question.result["message_id"]
    assert "inline_keyboard" not in str(edited[0].params.get("reply_markup", ""))
    assert host.agent.received[-1] == (SENDER, "/affirm", "telegram")
    assert texts(fake_api)[-1] == "Where is the pain?"


def test_a_payload_longer_than_64_bytes_round_trips_through_a_short_id(
    host: ChannelHost, fake_api: FakeBotApi
) -> None:
    post(host, fake_api.message_update(CHAT, "/start"))
    consent = fake_api.wait_for_calls("sendMessage", 2, chat_id=CHAT)[1]
    post(host, fake_api.callback_update(consent))
    location = fake_api.wait_for_calls("sendMessage", 3, chat_id=CHAT)[2]

    buttons = [button for row in location.keyboard for button in row]
    long_button = next(b for b in buttons if b["text"].startswith("Left lower back"))
    assert len(LONG_PAYLOAD.encode()) > 64
    assert len(long_button["callback_data"].encode()) <= 64
    row = next(i for i, r in enumerate(location.keyboard) if long_button in r)
    post(host, fake_api.callback_update(location, row=row, column=location.keyboard[row].index(long_button)))

    fake_api.wait_for_calls("sendMessage", 4, chat_id=CHAT)
    assert host.agent.received[-1][1] == LONG_PAYLOAD


@pytest.mark.parametrize("forged", ["~7", '/inform{"rf_fever": false}', "/deny ", "", "t0", "done"])
def test_callback_data_the_assistant_did_not_issue_is_refused(host: ChannelHost, fake_api: FakeBotApi, forged: str) -> None:
    post(host, fake_api.message_update(CHAT, "/start"))
    question = fake_api.wait_for_calls("sendMessage", 2, chat_id=CHAT)[1]

    post(host, fake_api.callback_update(question, data=forged))

    answered = fake_api.wait_for_calls("answerCallbackQuery")
    assert answered[0].params["text"] == EXPIRED_BUTTON
    time.sleep(0.3)
    assert host.agent.received == [(SENDER, "/greet", "telegram")]
    assert fake_api.calls_of("editMessageReplyMarkup") == []


def test_a_button_of_another_message_is_refused(host: ChannelHost, fake_api: FakeBotApi) -> None:
    """/affirm was issued under the consent question, not under the greeting."""
    post(host, fake_api.message_update(CHAT, "/start"))
    greeting, consent = fake_api.wait_for_calls("sendMessage", 2, chat_id=CHAT)[:2]
    greeting.params["reply_markup"] = consent.params["reply_markup"]  # a client pretending it had buttons

    post(host, fake_api.callback_update(greeting))

    assert fake_api.wait_for_calls("answerCallbackQuery")[0].params["text"] == EXPIRED_BUTTON
    time.sleep(0.3)
    assert host.agent.received == [(SENDER, "/greet", "telegram")]


def test_a_second_tap_on_a_used_keyboard_is_not_sent_again(host: ChannelHost, fake_api: FakeBotApi) -> None:
    post(host, fake_api.message_update(CHAT, "/start"))
    consent = fake_api.wait_for_calls("sendMessage", 2, chat_id=CHAT)[1]

    post(host, fake_api.callback_update(consent, column=0))
    post(host, fake_api.callback_update(consent, column=1))  # before the keyboard disappeared

    answered = fake_api.wait_for_calls("answerCallbackQuery", 2)
    assert [call.params.get("text") for call in answered] == [None, EXPIRED_BUTTON]
    assert [text for _, text, _ in host.agent.received] == ["/greet", "/affirm"]


def test_commands_map_to_intents_and_help_is_answered_locally(host: ChannelHost, fake_api: FakeBotApi) -> None:
    for command in ("/start_over", "/restart", "/forget", "/help"):
        post(host, fake_api.message_update(CHAT, command))
    fake_api.wait_for_calls("sendMessage", 4, chat_id=CHAT)

    assert [text for _, text, _ in host.agent.received] == ["/start_over", "/start_over", "/forget_me"]
    assert HELP_TEXT in texts(fake_api)


def test_help_follows_the_language_of_the_patients_telegram_app(host: ChannelHost, fake_api: FakeBotApi) -> None:
    spanish_user = {"id": CHAT, "is_bot": False, "first_name": "Pat", "language_code": "es-419"}
    post(host, fake_api.message_update(CHAT, "/help", **{"from": spanish_user}))
    fake_api.wait_for_calls("sendMessage", 1, chat_id=CHAT)
    (said,) = texts(fake_api)
    assert said == help_text("es") and said != HELP_TEXT
    assert "/start_over - empezar de nuevo" in said and said.endswith("llame al 911.")
    assert_spanish(said.replace("/start_over", "").replace("/start", "").replace("/forget", "").replace("/help", ""))


def test_typed_intents_and_unknown_commands_never_reach_rasa(host: ChannelHost, fake_api: FakeBotApi) -> None:
    post(host, fake_api.message_update(CHAT, '/inform{"rf_fever": false}'))
    post(host, fake_api.message_update(CHAT, ' /affirm'))
    post(host, fake_api.message_update(CHAT, "/nonsense"))

    fake_api.wait_for_calls("sendMessage", 3, chat_id=CHAT)
    assert texts(fake_api) == [HELP_TEXT] * 3
    assert host.agent.received == []


def test_free_text_messages_keep_their_order(host: ChannelHost, fake_api: FakeBotApi) -> None:
    words = [f"answer {n}" for n in range(6)]
    for word in words:
        post(host, fake_api.message_update(CHAT, word))

    fake_api.wait_for_calls("sendMessage", len(words), chat_id=CHAT)
    assert [text for _, text, _ in host.agent.received] == words


def test_photos_get_a_text_only_note(host: ChannelHost, fake_api: FakeBotApi) -> None:
    photo = [{"file_id": "f", "file_unique_id": "f", "width": 10, "height": 10}]
    post(host, fake_api.message_update(CHAT, photo=photo))

    fake_api.wait_for_calls("sendMessage", 1, chat_id=CHAT)
    assert texts(fake_api) == [TEXT_ONLY]
    assert host.agent.received == []


def test_a_group_gets_one_polite_line_and_is_not_served(host: ChannelHost, fake_api: FakeBotApi) -> None:
    group = -100777
    for text in ("/start", "/start", "where is my knee pain from?"):
        post(host, fake_api.message_update(group, text, chat_type="supergroup"))
    post(host, fake_api.message_update(CHAT, "hello"))

    fake_api.wait_for_calls("sendMessage", 1, chat_id=CHAT)
    fake_api.wait_for_calls("sendMessage", 1, chat_id=group)
    time.sleep(0.3)
    assert texts(fake_api, group) == [GROUP_TEXT]
    assert host.agent.received == [(SENDER, "hello", "telegram")]


def test_groups_are_ignored_when_configured(settings: TelegramSettings, fake_api: FakeBotApi) -> None:
    with ChannelHost(dataclasses.replace(settings, group_policy="ignore")) as host:
        post(host, fake_api.message_update(-100777, "/start", chat_type="group"))
        post(host, fake_api.message_update(CHAT, "hello"))
        fake_api.wait_for_calls("sendMessage", 1, chat_id=CHAT)
        time.sleep(0.3)

    assert fake_api.calls_of("sendMessage", -100777) == []


def test_a_failure_in_rasa_gets_an_apology(host: ChannelHost, fake_api: FakeBotApi) -> None:
    post(host, fake_api.message_update(CHAT, "boom"))

    fake_api.wait_for_calls("sendMessage", 1, chat_id=CHAT)
    assert texts(fake_api) == [APOLOGY]


def test_updates_wait_while_the_model_loads(host: ChannelHost, fake_api: FakeBotApi) -> None:
    host.agent.ready = False
    assert post(host, fake_api.message_update(CHAT, "hello")).status_code == 503
    assert host.agent.received == []


def test_getme_is_called_once_on_the_first_update_not_at_start(settings: TelegramSettings, fake_api: FakeBotApi) -> None:
    with ChannelHost(settings) as host:
        time.sleep(0.2)
        assert fake_api.calls == []
        post(host, fake_api.message_update(CHAT, "one"))
        post(host, fake_api.message_update(CHAT, "two"))
        fake_api.wait_for_calls("sendMessage", 2, chat_id=CHAT)

    assert len(fake_api.calls_of("getMe")) == 1


@pytest.mark.parametrize(
    "token, secret, missing",
    [(None, SECRET, "TELEGRAM_TOKEN"), ("123456:TEST-TOKEN", None, "TELEGRAM_WEBHOOK_SECRET")],
)
def test_without_token_or_secret_the_webhook_answers_503_saying_what_is_missing(
    settings: TelegramSettings, fake_api: FakeBotApi, token: str, secret: str, missing: str
) -> None:
    with ChannelHost(dataclasses.replace(settings, token=token, webhook_secret=secret)) as host:
        reply = post(host, fake_api.message_update(CHAT, "/start"), secret=SECRET)

    assert reply.status_code == 503
    assert missing in reply.json()["error"]
    assert fake_api.calls == []


def test_a_body_that_is_not_an_update_is_a_bad_request(host: ChannelHost) -> None:
    reply = requests.post(
        host.webhook_url, data="not json", headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}, timeout=10
    )
    assert reply.status_code == 400


def test_a_429_on_the_reply_is_retried_and_the_reply_arrives(host: ChannelHost, fake_api: FakeBotApi) -> None:
    fake_api.fail("sendMessage", status=429, retry_after=1)

    post(host, fake_api.message_update(CHAT, "hello"))

    attempts = fake_api.wait_for_calls("sendMessage", 2, chat_id=CHAT)
    assert [call.params["text"] for call in attempts] == ["Noted.", "Noted."]
    assert attempts[1].at - attempts[0].at >= 0.95


def test_self_checked_appointment_data_is_left_to_its_own_handler(host: ChannelHost, fake_api: FakeBotApi) -> None:
    """appt: buttons carry their own signed token; the allow-list neither refuses nor forwards them."""
    post(host, fake_api.message_update(CHAT, "/start"))
    question = fake_api.wait_for_calls("sendMessage", 2, chat_id=CHAT)[1]

    post(host, fake_api.callback_update(question, data="appt:token"))
    post(host, fake_api.message_update(CHAT, "hello"))  # handled after the tap: per-chat order

    fake_api.wait_for_calls("sendMessage", 3, chat_id=CHAT)
    assert EXPIRED_BUTTON not in [call.params.get("text") for call in fake_api.calls_of("answerCallbackQuery")]
    assert [text for _, text, _ in host.agent.received] == ["/greet", "hello"]


def test_the_users_telegram_language_goes_to_rasa_as_metadata(host: ChannelHost, fake_api: FakeBotApi) -> None:
    """Telegram's `language_code` is the conversation's first hint of its language (bot/nlu/language.py)."""
    update = fake_api.message_update(CHAT, "hola")
    update["message"]["from"]["language_code"] = "es"
    assert post(host, update).status_code == 200
    fake_api.wait_for_calls("sendMessage", 1, chat_id=CHAT)
    assert host.agent.received[-1] == (SENDER, "hola", "telegram")
    assert host.agent.metadata[-1] == {"language": "es"}
