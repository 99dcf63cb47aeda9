"""Message splitting, callback_data mapping and settings: the channel's pure parts."""
from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.channels.telegram.__main__ import webhook_url
from bot.channels.telegram.callback_data import MAX_CALLBACK_BYTES, CallbackDataStore
from bot.channels.telegram.settings import TelegramSettings
from bot.channels.telegram.text import split_message, telegram_length

LONG_PAYLOAD = '/inform{"pain_location": "lower_back", "pain_side": "left", "duration_weeks": 12}'


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


def test_short_payloads_travel_unchanged(tmp_path: Path) -> None:
    store = CallbackDataStore(tmp_path / "cb.sqlite")

    assert asyncio.run(store.encode("/affirm")) == "/affirm"
    assert asyncio.run(store.decode("/affirm")) == "/affirm"


def test_a_long_payload_gets_a_short_stable_id_that_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "cb.sqlite"
    short = asyncio.run(CallbackDataStore(path).encode(LONG_PAYLOAD))

    restarted = CallbackDataStore(path)

    assert len(short.encode()) <= MAX_CALLBACK_BYTES
    assert asyncio.run(restarted.decode(short)) == LONG_PAYLOAD
    assert asyncio.run(restarted.encode(LONG_PAYLOAD)) == short


def test_a_payload_that_looks_like_an_id_is_mapped_too(tmp_path: Path) -> None:
    store = CallbackDataStore(tmp_path / "cb.sqlite")
    short = asyncio.run(store.encode("~not-an-id"))

    assert short != "~not-an-id"
    assert asyncio.run(store.decode(short)) == "~not-an-id"


def test_the_mapping_is_bounded_in_memory_and_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "cb.sqlite"
    store = CallbackDataStore(path, max_entries=3)
    ids = [asyncio.run(store.encode(f"{LONG_PAYLOAD} #{n}")) for n in range(5)]

    restarted = CallbackDataStore(path, max_entries=3)

    assert asyncio.run(restarted.decode(ids[0])) is None
    assert asyncio.run(restarted.decode(ids[4])) == f"{LONG_PAYLOAD} #4"
    assert len(store._recent) == 3


def test_settings_come_from_credentials_then_environment() -> None:
    env = {"TELEGRAM_TOKEN": "env-token", "TELEGRAM_GROUP_POLICY": "IGNORE", "RASA_URL": "http://rasa:5005/"}

    settings = TelegramSettings.load({"token": "cred-token"}, env)

    assert settings.token == "cred-token"
    assert settings.group_policy == "ignore"
    assert settings.rasa_url == "http://rasa:5005/webhooks/rest/webhook"
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
