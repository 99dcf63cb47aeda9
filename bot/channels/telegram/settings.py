"""Telegram channel settings: credentials.yml keys first, then environment variables.

The channel must load without a token so the rest of the assistant runs; every
field is therefore optional and the channel reports what is missing when used.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Optional

from bot.paths import VAR_DIR

DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"
DEFAULT_API_FILE_URL = "https://api.telegram.org/file/bot"
DEFAULT_RASA_URL = "http://localhost:5005"
WEBHOOK_PATH = "/webhooks/telegram/webhook"
GROUP_POLICIES = ("reply", "ignore")

# credentials.yml key -> environment variable
_SOURCES = {
    "token": "TELEGRAM_TOKEN",
    "webhook_secret": "TELEGRAM_WEBHOOK_SECRET",
    "api_base_url": "TELEGRAM_API_BASE_URL",
    "api_file_url": "TELEGRAM_API_FILE_URL",
    "group_policy": "TELEGRAM_GROUP_POLICY",
    "callback_db": "TELEGRAM_CALLBACK_DB",
    "rasa_url": "RASA_URL",
}


@dataclass(frozen=True)
class TelegramSettings:
    """Everything the webhook channel, the poller and the CLI need to reach Telegram."""

    token: Optional[str] = None
    webhook_secret: Optional[str] = None
    api_base_url: str = DEFAULT_API_BASE_URL
    api_file_url: str = DEFAULT_API_FILE_URL
    group_policy: str = "reply"
    callback_db: Path = VAR_DIR / "telegram-callbacks.sqlite"
    rasa_url: str = DEFAULT_RASA_URL  # the poller relays updates to its Telegram webhook

    @classmethod
    def load(
        cls,
        credentials: Optional[Mapping[str, Any]] = None,
        env: Optional[Mapping[str, str]] = None,
    ) -> "TelegramSettings":
        """Read each setting from credentials, else its environment variable, else the default."""
        credentials = credentials or {}
        env = os.environ if env is None else env
        found = {}
        for key, variable in _SOURCES.items():
            value = credentials.get(key) or env.get(variable)
            if value not in (None, ""):
                found[key] = str(value).strip()
        policy = found.get("group_policy", "reply").lower()
        if policy not in GROUP_POLICIES:
            raise ValueError(f"TELEGRAM_GROUP_POLICY must be one of {GROUP_POLICIES}, not {policy!r}")
        found["group_policy"] = policy
        if "callback_db" in found:
            found["callback_db"] = Path(found["callback_db"])
        if "rasa_url" in found:
            found["rasa_url"] = found["rasa_url"].rstrip("/")
        return cls(**found)

    @property
    def relay_url(self) -> str:
        """Where the poller hands each update: the Rasa server's own (authenticated) webhook."""
        return self.rasa_url + WEBHOOK_PATH
