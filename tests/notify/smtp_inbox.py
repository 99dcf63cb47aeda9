"""A real SMTP server on loopback (aiosmtpd) that records mail and can refuse the first N messages."""
from __future__ import annotations

import email
import email.policy
from contextlib import contextmanager
from typing import Iterator, List, Optional

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from bot.launcher import free_port


class Inbox:
    def __init__(self, refuse_first: int = 0, credentials: Optional[tuple] = None) -> None:
        self.refuse_left = refuse_first
        self.credentials = credentials
        self.messages: List[email.message.EmailMessage] = []
        self.recipients: List[List[str]] = []
        self.logins: List[str] = []
        self.port = 0

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.refuse_left:
            self.refuse_left -= 1
            return "451 4.3.0 Mailbox busy, try again later"
        self.recipients.append(list(envelope.rcpt_tos))
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"

    def authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login.decode(), auth_data.password.decode()) \
            == self.credentials
        if ok:
            self.logins.append(auth_data.login.decode())
        return AuthResult(success=ok)


@contextmanager
def smtp_server(inbox: Inbox) -> Iterator[Inbox]:
    inbox.port = free_port()
    options = {"authenticator": inbox.authenticate, "auth_require_tls": False} if inbox.credentials else {}
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port, **options)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()
