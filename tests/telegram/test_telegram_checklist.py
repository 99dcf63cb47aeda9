"""A checklist question on Telegram over real HTTP: the webhook channel (scripted agent) or the
poller (Rasa's REST channel on the same host), and the fake Bot API."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Iterator, List

import pytest
from tg_channel_host import CHECKLIST_ITEMS, LONG_CHECKLIST_ITEMS, ChannelHost
from tg_fake_api import Call, FakeBotApi
from tg_patient import button_position, titles
from tg_poller import cli_env, running_poller

from bot.channels.telegram.checklist import BUTTON_WIDTH
from bot.channels.telegram.handlers import EXPIRED_BUTTON
from bot.channels.telegram.settings import TelegramSettings

CHAT = 5151
LEGEND = "Do any of these apply?"
FEVER, TRAUMA, COLD = (f"☐ {label}" + (f" ({note})" if note else "") for _, label, note in CHECKLIST_ITEMS)
NONE_PAYLOAD = '/answer{"q":"rf_screen","none":true}'
UNSURE_PAYLOAD = '/answer{"q":"rf_screen","unsure":true}'


@pytest.fixture
def host(settings: TelegramSettings) -> Iterator[ChannelHost]:
    with ChannelHost(settings) as running:
        yield running


def ask(host: ChannelHost, fake: FakeBotApi, text: str = "checklist") -> Call:
    """Have the assistant ask the checklist; its one message."""
    host.post(fake.message_update(CHAT, text))
    return fake.wait_for_calls("sendMessage", 1, chat_id=CHAT)[0]


def tap(host: ChannelHost, fake: FakeBotApi, keyboard: Call, title: str) -> None:
    row, column = button_position(keyboard, title)
    host.post(fake.callback_update(keyboard, row, column))


def tick(host: ChannelHost, fake: FakeBotApi, keyboard: Call, title: str) -> Call:
    """Tap an item; the keyboard edit that follows."""
    edits = len(fake.calls_of("editMessageReplyMarkup", CHAT))
    tap(host, fake, keyboard, title)
    return fake.wait_for_calls("editMessageReplyMarkup", edits + 1, chat_id=CHAT)[-1]


def to_rasa(host: ChannelHost) -> List[str]:
    return [text for _, text, _ in host.agent.received]


def test_the_checklist_is_one_message_of_legend_and_checkboxes(host: ChannelHost, fake_api: FakeBotApi) -> None:
    message = ask(host, fake_api)

    time.sleep(0.3)
    assert len(fake_api.calls_of("sendMessage", CHAT)) == 1
    assert message.params["text"] == LEGEND
    assert [[button["text"] for button in row] for row in message.keyboard] == [
        [FEVER], [TRAUMA], [COLD], ["Done"], ["None of these", "Not sure"]
    ]
    assert all(len(button["callback_data"].encode()) <= 64 for row in message.keyboard for button in row)


def test_a_tap_toggles_the_mark_in_place_and_sends_nothing(host: ChannelHost, fake_api: FakeBotApi) -> None:
    message = ask(host, fake_api)

    ticked = tick(host, fake_api, message, COLD)
    unticked = tick(host, fake_api, ticked, COLD.replace("☐", "☑"))

    assert int(ticked.params["message_id"]) == message.result["message_id"]
    assert titles(ticked)[:3] == [FEVER, TRAUMA, COLD.replace("☐", "☑")]
    assert titles(unticked)[:3] == [FEVER, TRAUMA, COLD]
    assert len(fake_api.calls_of("answerCallbackQuery")) == 2
    time.sleep(0.3)
    assert to_rasa(host) == ["checklist"]
    assert fake_api.calls_of("editMessageText") == []


def test_done_sends_the_ticked_keys_in_item_order_and_shows_the_choice(host: ChannelHost, fake_api: FakeBotApi) -> None:
    keyboard = ask(host, fake_api)
    keyboard = tick(host, fake_api, keyboard, COLD)
    keyboard = tick(host, fake_api, keyboard, FEVER)

    tap(host, fake_api, keyboard, "Done")

    fake_api.wait_for_calls("sendMessage", 2, chat_id=CHAT)
    assert to_rasa(host) == ["checklist", '/answer{"q":"rf_screen","yes":["rf_fever","rf_cold_foot"]}']
    edited = fake_api.calls_of("editMessageText", CHAT)
    assert len(edited) == 1
    assert edited[0].params["text"] == f"{LEGEND}\n\n✓ A fever or chills\n✓ A cold, pale foot"
    assert "reply_markup" not in fake_api.message(CHAT, keyboard.result["message_id"])


def test_done_with_nothing_ticked_only_hints(host: ChannelHost, fake_api: FakeBotApi) -> None:
    message = ask(host, fake_api)

    tap(host, fake_api, message, "Done")

    hint = fake_api.wait_for_calls("answerCallbackQuery")[0].params
    assert hint["text"] == "Tick the ones that apply, or tap None of these"
    assert hint["show_alert"] in (True, "true", "True")
    time.sleep(0.3)
    assert to_rasa(host) == ["checklist"]
    assert fake_api.calls_of("editMessageText") == [] and fake_api.calls_of("editMessageReplyMarkup") == []


@pytest.mark.parametrize("title, payload", [("None of these", NONE_PAYLOAD), ("Not sure", UNSURE_PAYLOAD)])
def test_none_and_not_sure_send_their_payload(host: ChannelHost, fake_api: FakeBotApi, title: str, payload: str) -> None:
    keyboard = tick(host, fake_api, ask(host, fake_api), TRAUMA)  # a tick does not matter for these

    tap(host, fake_api, keyboard, title)

    fake_api.wait_for_calls("sendMessage", 2, chat_id=CHAT)
    assert to_rasa(host) == ["checklist", payload]
    assert fake_api.calls_of("editMessageText", CHAT)[0].params["text"] == f"{LEGEND}\n\n✓ {title}"


def test_repeated_done_taps_send_once_and_later_taps_are_expired(host: ChannelHost, fake_api: FakeBotApi) -> None:
    keyboard = tick(host, fake_api, ask(host, fake_api), TRAUMA)

    for title in ("Done", "Done", "None of these", FEVER):
        tap(host, fake_api, keyboard, title)  # taps on the keyboard before it disappeared

    answered = fake_api.wait_for_calls("answerCallbackQuery", 5)
    assert [call.params.get("text") for call in answered[1:]] == [None, EXPIRED_BUTTON, EXPIRED_BUTTON, EXPIRED_BUTTON]
    assert to_rasa(host) == ["checklist", '/answer{"q":"rf_screen","yes":["rf_trauma"]}']
    assert len(fake_api.calls_of("editMessageText")) == 1


@pytest.mark.parametrize("forged", ['/answer{"q":"rf_screen","yes":["rf_fever"]}', "t9", "t²", "~0", "/affirm"])
def test_forged_data_on_a_checklist_is_refused(host: ChannelHost, fake_api: FakeBotApi, forged: str) -> None:
    message = ask(host, fake_api)

    host.post(fake_api.callback_update(message, data=forged))

    assert fake_api.wait_for_calls("answerCallbackQuery")[0].params["text"] == EXPIRED_BUTTON
    time.sleep(0.3)
    assert to_rasa(host) == ["checklist"]
    assert fake_api.calls_of("editMessageReplyMarkup") == []


def test_long_labels_are_shortened_and_listed_in_full_in_the_text(host: ChannelHost, fake_api: FakeBotApi) -> None:
    message = ask(host, fake_api, "long checklist")

    items = titles(message)[:3]
    assert all(len(item) <= BUTTON_WIDTH for item in items)
    assert items[0].startswith("☐ 1. New trouble passing urine") and items[0].endswith("…")
    assert items[1].endswith("(you said no)")
    assert items[2] == "☐ 3. A cold, pale foot"
    lines = message.params["text"].split("\n")
    assert lines[0] == "First, to be safe: do any of these apply to you?"
    assert lines[2:] == [
        f"1. {LONG_CHECKLIST_ITEMS[0][1]}", f"2. {LONG_CHECKLIST_ITEMS[1][1]} (you said no)", "3. A cold, pale foot"
    ]


def test_ticks_survive_a_restart_of_the_channel(settings: TelegramSettings, fake_api: FakeBotApi) -> None:
    with ChannelHost(settings) as first:
        keyboard = tick(first, fake_api, ask(first, fake_api), FEVER)

    with ChannelHost(settings) as restarted:
        keyboard = tick(restarted, fake_api, keyboard, COLD)
        tap(restarted, fake_api, keyboard, "Done")
        fake_api.wait_for_calls("sendMessage", 2, chat_id=CHAT)

    assert to_rasa(restarted) == ['/answer{"q":"rf_screen","yes":["rf_fever","rf_cold_foot"]}']


def test_the_poller_shows_one_checklist_and_its_ticks_survive_a_restart(
    settings: TelegramSettings, fake_api: FakeBotApi, tmp_path: Path
) -> None:
    with ChannelHost(settings) as rasa:
        env = cli_env(fake_api, tmp_path, RASA_URL=rasa.url)
        send = fake_api.queue_update
        with running_poller(env, fake_api, tmp_path / "poller-1.log"):
            send(fake_api.message_update(CHAT, "checklist"))
            message = fake_api.wait_for_calls("sendMessage", 1, chat_id=CHAT, timeout=30)[0]
            row, column = button_position(message, TRAUMA)
            send(fake_api.callback_update(message, row, column))
            keyboard = fake_api.wait_for_calls("editMessageReplyMarkup", 1, chat_id=CHAT, timeout=30)[-1]
        with running_poller(env, fake_api, tmp_path / "poller-2.log"):
            row, column = button_position(keyboard, "Done")
            send(fake_api.callback_update(keyboard, row, column))
            fake_api.wait_for_calls("sendMessage", 2, chat_id=CHAT, timeout=30)

    assert message.params["text"] == LEGEND
    assert titles(message)[-3:] == ["Done", "None of these", "Not sure"]
    assert [call.params["text"] for call in fake_api.calls_of("sendMessage", CHAT)] == [LEGEND, "Noted."]
    assert to_rasa(rasa) == ["checklist", '/answer{"q":"rf_screen","yes":["rf_trauma"]}']
