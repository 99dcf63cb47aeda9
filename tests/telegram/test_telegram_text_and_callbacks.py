"""Message splitting, the record of issued buttons and settings: the channel's small parts."""
from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.channels.telegram.__main__ import webhook_url
from bot.channels.telegram.callback_data import CallbackDataStore, callback_data_for, handled_here
from bot.channels.telegram.settings import TelegramSettings
from bot.channels.telegram.text import split_message, telegram_length

LONG_PAYLOAD = '/inform{"pain_location": "lower_back", "pain_side": "left", "duration_weeks": 12}'
RECORD = {"kind": "buttons", "payloads": {"/affirm": "/affirm", "~1": LONG_PAYLOAD}}


def test_short_text_is_one_message_unchanged() -> None:
    assert split_message("  Where is the pain?\n\nTap one.  ") == ["Where is the pain?\n\nTap one."]


def test_paragraphs_are_kept_whole_when_splitting() -> None:
    paragraphs = [f"{n} " + "x" * 1500 for n in range(5)]

    parts = split_message("\n\n".join(paragraphs))

    assert parts == ["\n\n".join(paragraphs[0:2]), "\n\n".join(paragraphs[2:4]), paragraphs[4]]


def test_an_over_long_paragraph_is_split_at_lines_then_words_then_hard() -> None:
    words = " ".join(["gait"] * 2000)
    unbroken = "y" * 9000

    word_parts = split_message(words)
    assert [len(p) for p in word_parts] == [4094, 4094, 1809]
    assert " ".join(word_parts) == words
    assert [len(p) for p in split_message(unbroken)] == [4096, 4096, 808]


def test_length_is_counted_as_telegram_counts_it() -> None:
    emoji = "\U0001F9B6"  # foot, two UTF-16 code units
    parts = split_message(emoji * 3000)

    assert telegram_length(emoji) == 2
    assert [telegram_length(p) for p in parts] == [4096, 1904]
    assert "".join(parts) == emoji * 3000


def test_short_payloads_travel_unchanged_and_long_ones_as_an_index() -> None:
    assert callback_data_for("/affirm", 0) == "/affirm"
    assert callback_data_for(LONG_PAYLOAD, 2) == "~2"
    assert callback_data_for("~looks-like-an-index", 1) == "~1"


def test_a_record_survives_a_restart_and_is_gone_once_used(tmp_path: Path) -> None:
    path = tmp_path / "cb.sqlite"
    asyncio.run(CallbackDataStore(path).save("42", 7, RECORD))

    restarted = CallbackDataStore(path)
    assert asyncio.run(restarted.load("42", 7)) == RECORD
    assert asyncio.run(restarted.load("43", 7)) is None  # another chat's message 7
    asyncio.run(restarted.forget("42", 7))

    assert asyncio.run(restarted.load("42", 7)) is None
    assert asyncio.run(CallbackDataStore(path).load("42", 7)) is None


def test_two_processes_sharing_the_file_see_each_others_changes_and_uses(tmp_path: Path) -> None:
    """Two Rasa replicas behind nginx: a checklist's ticks alternate between them, and a button used
    on one must be refused by the other (each kept its own copy in memory before)."""
    path = tmp_path / "cb.sqlite"
    first, second = CallbackDataStore(path), CallbackDataStore(path)
    asyncio.run(first.save("42", 7, RECORD))
    assert asyncio.run(second.load("42", 7)) == RECORD

    changed = {**RECORD, "ticked": ["heel"]}
    asyncio.run(second.save("42", 7, changed))
    assert asyncio.run(first.load("42", 7)) == changed
    asyncio.run(second.forget("42", 7))

    assert asyncio.run(first.load("42", 7)) is None


def test_the_records_are_bounded_in_memory_and_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "cb.sqlite"
    store = CallbackDataStore(path, max_entries=3)
    for message_id in range(5):
        asyncio.run(store.save("42", message_id, RECORD))

    restarted = CallbackDataStore(path, max_entries=3)

    assert asyncio.run(restarted.load("42", 0)) is None
    assert asyncio.run(restarted.load("42", 4)) == RECORD
    assert len(store._recent) == 3


@pytest.mark.parametrize("data, ours", [("/affirm", True), ("t3", True), ("~0", True), ("appt:tok", False)])
def test_self_checked_callback_data_is_left_to_its_own_handler(data: str, ours: bool) -> None:
    assert handled_here(data) is ours


def test_settings_come_from_credentials_then_environment() -> None:
    env = {"TELEGRAM_TOKEN": "env-token", "TELEGRAM_GROUP_POLICY": "IGNORE", "RASA_URL": "http://rasa:5005/"}

    settings = TelegramSettings.load({"token": "cred-token"}, env)

    assert settings.token == "cred-token"
    assert settings.group_policy == "ignore"
    assert settings.relay_url == "http://rasa:5005/webhooks/telegram/webhook"
    assert TelegramSettings.load(None, {}).token is None


def test_an_unknown_group_policy_is_refused() -> None:
    with pytest.raises(ValueError, match="TELEGRAM_GROUP_POLICY"):
        TelegramSettings.load(None, {"TELEGRAM_GROUP_POLICY": "shout"})


@pytest.mark.parametrize(
    "given",
    ["https://bot.example.org", "https://bot.example.org/", "https://bot.example.org/webhooks/telegram/webhook"],
)
def test_the_webhook_url_gets_the_channel_path_once(given: str) -> None:
    assert webhook_url(given) == "https://bot.example.org/webhooks/telegram/webhook"
