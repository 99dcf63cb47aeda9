"""Delivery transports: SMTP e-mail and Telegram, configured from the environment.

Each reaches the clinic (its fixed recipient or staff chat) and, for patient
notices, the patient's own address or chat; `reaches` says whether it can.

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

    def reaches(self, notice: Notice) -> bool: ...

    async def send(self, notice: Notice) -> None: ...


@dataclass(frozen=True)
class EmailSender:
    """Sends clinic notices to CLINIC_NOTIFY_EMAIL and patient notices to the patient, over SMTP."""

    host: str
    port: int
    sender: str
    recipient: Optional[str] = None
    user: Optional[str] = None
    password: Optional[str] = None
    starttls: bool = True  # never plain text unless turned off: if the server offers no STARTTLS, nothing is sent
    timeout: float = 15.0
    name: str = "email"

    def reaches(self, notice: Notice) -> bool:
        return bool(notice.email_to if notice.for_patient else self.recipient)

    def _send_blocking(self, notice: Notice) -> None:
        message = EmailMessage()
        to = notice.email_to if notice.for_patient else self.recipient
        message["From"], message["To"], message["Subject"] = self.sender, to, notice.subject
        message.set_content(notice.text)
        if notice.attachment:
            filename, body = notice.attachment
            message.add_attachment(body.encode("utf-8"), maintype="text", subtype="calendar",
                                   filename=filename, params={"method": "PUBLISH", "charset": "utf-8"})
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
    """Posts clinic notices to the staff chat and patient notices (with buttons) to the patient's chat."""

    token: str
    chat_id: Optional[str] = None
    api_base_url: str = "https://api.telegram.org"
    timeout: float = 15.0
    name: str = "telegram"

    def reaches(self, notice: Notice) -> bool:
        return bool(notice.chat_id if notice.for_patient else self.chat_id)

    async def send(self, notice: Notice) -> None:
        base = self.api_base_url.rstrip("/")
        base = base if base.endswith("/bot") else f"{base}/bot"  # the channel's own setting ends in /bot
        url = f"{base}{self.token}/sendMessage"
        payload: dict = {"chat_id": notice.chat_id if notice.for_patient else self.chat_id,
                         "text": notice.chat_text or notice.text, "disable_web_page_preview": True}
        if notice.buttons:
            payload["reply_markup"] = {"inline_keyboard": [
                [{"text": label, "callback_data": data}] for label, data in notice.buttons]}
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
    """The transports whose settings are present: SMTP_HOST with CLINIC_NOTIFY_EMAIL (the clinic's
    address) and/or SMTP_FROM (enough for patients' mail); TELEGRAM_TOKEN, with STAFF_TELEGRAM_CHAT_ID
    for the staff chat. STARTTLS is on unless SMTP_STARTTLS is false (e.g. a relay on the same host)."""
    senders: List[Sender] = []
    sender = env.get("SMTP_FROM") or env.get("CLINIC_NOTIFY_EMAIL")
    if env.get("SMTP_HOST") and sender:
        port = int(env.get("SMTP_PORT") or 25)
        senders.append(EmailSender(
            host=env["SMTP_HOST"], port=port, recipient=env.get("CLINIC_NOTIFY_EMAIL") or None, sender=sender,
            user=env.get("SMTP_USER") or None, password=env.get("SMTP_PASSWORD") or None,
            starttls=_flag(env.get("SMTP_STARTTLS"), default=True),
        ))
    if env.get("TELEGRAM_TOKEN"):
        senders.append(TelegramSender(
            token=env["TELEGRAM_TOKEN"], chat_id=env.get("STAFF_TELEGRAM_CHAT_ID") or None,
            api_base_url=env.get("TELEGRAM_API_BASE_URL") or "https://api.telegram.org",
        ))
    return senders
