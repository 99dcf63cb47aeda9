"""Staff server settings, read once from the environment."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping, Optional

from bot.calendar import DEFAULT_PUBLIC_STAFF_URL
from bot.paths import tracker_db_url


@dataclass(frozen=True)
class StaffSettings:
    host: str = "127.0.0.1"
    port: int = 8081
    public_url: str = DEFAULT_PUBLIC_STAFF_URL  # links in e-mails and .ics URLs
    rasa_url: str = "http://localhost:5005"  # transcripts come from Rasa's tracker API
    rasa_token: Optional[str] = None
    api_token: Optional[str] = None  # unset: the JSON API answers 503
    session_hours: float = 12.0
    tracker_url: str = ""  # Rasa's SQL tracker store (the funnel reads its events); "" = TRACKER_DB_URL's default

    @property
    def secure_cookies(self) -> bool:
        return self.public_url.startswith("https://")

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> "StaffSettings":
        return cls(
            host=env.get("STAFF_HOST") or cls.host,
            port=int(env.get("STAFF_PORT") or cls.port),
            public_url=(env.get("PUBLIC_STAFF_URL") or cls.public_url).rstrip("/"),
            rasa_url=(env.get("RASA_URL") or cls.rasa_url).rstrip("/"),
            rasa_token=env.get("RASA_AUTH_TOKEN") or None,
            api_token=env.get("STAFF_API_TOKEN") or None,
            tracker_url=env.get("TRACKER_DB_URL") or tracker_db_url(),
        )
