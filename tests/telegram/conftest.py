"""Fixtures for the Telegram channel tests: the fake Bot API and channel settings."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
from tg_fake_api import FakeBotApi

from bot.channels.telegram.settings import TelegramSettings

TOKEN = "123456:TEST-TOKEN"
SECRET = "test-secret"


@pytest.fixture
def fake_api() -> Iterator[FakeBotApi]:
    with FakeBotApi(TOKEN) as fake:
        yield fake


@pytest.fixture
def settings(fake_api: FakeBotApi, tmp_path: Path) -> TelegramSettings:
    return TelegramSettings(
        token=TOKEN,
        webhook_secret=SECRET,
        api_base_url=fake_api.base_url,
        api_file_url=fake_api.file_url,
        callback_db=tmp_path / "callbacks.sqlite",
    )
