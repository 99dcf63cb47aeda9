"""Delivery transports: SMTP e-mail and a Telegram staff chat, configured from the environment.

Errors are raised as DeliveryError with a short reason that never contains the
message text, so the worker can log it.
"""
from __future__ import annotations

import asyncio
import os
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from typing import List, Mapping, Optional, Protocol

import aiohttp

from bot.notify.messages import Notice


class DeliveryError(Exception):
    """A transport failed; str() is safe to log (no message content)."""


class Sender(Protocol):
    name: str

    async def send(self, notice: Notice) -> None: ...


@dataclass(frozen=True)
class EmailSender:
    """Sends each notice to the clinic's address (CLINIC_NOTIFY_EMAIL) over SMTP."""

    host: str
    port: int
    sender: str
    recipient: str
    user: Optional[str] = None
    password: Optional[str] = None
    starttls: bool = False
    timeout: float = 15.0
    name: str = "email"

    def _send_blocking(self, notice: Notice) -> None:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self.sender, self.recipient, notice.subject
        message.set_content(notice.text)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.user:
                    smtp.login(self.user, self.password or "")
                smtp.send_message(message)
        except smtplib.SMTPResponseException as error:
            raise DeliveryError(f"SMTP {error.smtp_code}") from None
        except (smtplib.SMTPException, OSError) as error:
            raise DeliveryError(f"SMTP {type(error).__name__}") from None

    async def send(self, notice: Notice) -> None:
        await asyncio.to_thread(self._send_blocking, notice)


@dataclass(frozen=True)
class TelegramSender:
    """Posts each notice to a staff chat through the Bot API's sendMessage."""

    token: str
    chat_id: str
    api_base_url: str = "https://api.telegram.org"
    timeout: float = 15.0
    name: str = "telegram"

    async def send(self, notice: Notice) -> None:
        url = f"{self.api_base_url.rstrip('/')}/bot{self.token}/sendMessage"
        payload = {"chat_id": self.chat_id, "text": notice.text, "disable_web_page_preview": True}
        try:
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout)) as http:
                async with http.post(url, json=payload) as response:
                    body = await response.json(content_type=None)
                    if response.status != 200 or not body.get("ok"):
                        raise DeliveryError(f"Telegram HTTP {response.status}")
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
            raise DeliveryError(f"Telegram {type(error).__name__}") from None


def _flag(value: Optional[str], default: bool) -> bool:
    return default if value in (None, "") else value.strip().lower() in ("1", "true", "yes", "on")


def senders_from_env(env: Mapping[str, str] = os.environ) -> List[Sender]:
    """The transports whose settings are present: SMTP_HOST + CLINIC_NOTIFY_EMAIL, and/or
    TELEGRAM_TOKEN + STAFF_TELEGRAM_CHAT_ID. STARTTLS defaults to on for port 587."""
    senders: List[Sender] = []
    if env.get("SMTP_HOST") and env.get("CLINIC_NOTIFY_EMAIL"):
        port = int(env.get("SMTP_PORT") or 25)
        senders.append(EmailSender(
            host=env["SMTP_HOST"], port=port, recipient=env["CLINIC_NOTIFY_EMAIL"],
            sender=env.get("SMTP_FROM") or env["CLINIC_NOTIFY_EMAIL"],
            user=env.get("SMTP_USER") or None, password=env.get("SMTP_PASSWORD") or None,
            starttls=_flag(env.get("SMTP_STARTTLS"), default=port == 587),
        ))
    if env.get("TELEGRAM_TOKEN") and env.get("STAFF_TELEGRAM_CHAT_ID"):
        senders.append(TelegramSender(
            token=env["TELEGRAM_TOKEN"], chat_id=env["STAFF_TELEGRAM_CHAT_ID"],
            api_base_url=env.get("TELEGRAM_API_BASE_URL") or "https://api.telegram.org",
        ))
    return senders
