"""Fixtures for the Telegram channel tests: the fake Bot API and channel settings."""
from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any, Iterator

import pytest
from tg_fake_api import SECRET, TOKEN, FakeBotApi
from tg_poller import running_poller

from bot.channels.telegram.settings import TelegramSettings


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


@pytest.fixture(scope="session")
def stack_fake_api(rasa_stack: Any) -> Iterator[FakeBotApi]:
    """The fake Bot API on the port the shared Rasa server was told to use."""
    with FakeBotApi(rasa_stack.env["TELEGRAM_TOKEN"], rasa_stack.telegram_api_port) as fake:
        yield fake


@pytest.fixture
def stack_api(stack_fake_api: FakeBotApi) -> FakeBotApi:
    stack_fake_api.reset()
    return stack_fake_api


@pytest.fixture
def poller(rasa_stack: Any, stack_api: FakeBotApi, tmp_path: Path) -> Iterator[subprocess.Popen]:
    """The poller against the fake Bot API and the shared Rasa server."""
    env = {**rasa_stack.env, "RASA_URL": rasa_stack.rasa_url}
    with running_poller(env, stack_api, tmp_path / "poller.log") as process:
        yield process
