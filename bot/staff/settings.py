"""Staff server settings, read once from the environment."""
from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from typing import Mapping, Optional

from bot.calendar import DEFAULT_PUBLIC_STAFF_URL
from bot.paths import tracker_db_url


MIN_API_TOKEN_LENGTH = 32


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
    allow_plain_http: bool = False  # STAFF_ALLOW_PLAIN_HTTP=1: serve a non-loopback address without https

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
            allow_plain_http=env.get("STAFF_ALLOW_PLAIN_HTTP", "").lower() in ("1", "true", "yes"),
        )

    def check_servable(self, host: str) -> None:
        """Refuse settings that would expose staff logins or the API weakly (ValueError saying the fix)."""
        if self.api_token is not None and len(self.api_token) < MIN_API_TOKEN_LENGTH:
            raise ValueError(f"STAFF_API_TOKEN must have at least {MIN_API_TOKEN_LENGTH} characters; make one with "
                             "python -c 'import secrets; print(secrets.token_urlsafe(32))'")
        if not _loopback(host) and not self.secure_cookies and not self.allow_plain_http:
            raise ValueError(f"The staff site would listen on {host} over plain http: passwords and session cookies "
                             "would cross the network unencrypted. Put it behind https and set PUBLIC_STAFF_URL="
                             "https://..., or listen on 127.0.0.1, or set STAFF_ALLOW_PLAIN_HTTP=1 to accept the risk.")


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"
