"""The attack suite's helpers: the real stack (tests/conftest.py's rasa_stack), a socket.io
client as the widget speaks, and direct looks at what was stored, so every refusal is
checked twice: by the answer, and by the tracker store holding nothing for the attacker."""
from __future__ import annotations

import asyncio
import sys
import time
import uuid
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import pytest
import socketio
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "telegram"))  # the Telegram fakes, one copy

from tg_fake_api import FakeBotApi  # noqa: E402


def stored_events(stack: Any, sender: str) -> List[str]:
    """The event types the tracker store holds for sender (read from its database, not Rasa's API)."""
    engine = sa.create_engine(stack.env["TRACKER_DB_URL"])
    try:
        with engine.connect() as connection:
            rows = connection.execute(sa.text("SELECT type_name FROM events WHERE sender_id = :s ORDER BY id"),
                                      {"s": sender})
            return [row[0] for row in rows]
    finally:
        engine.dispose()


def user_messages(stack: Any, sender: str) -> int:
    return stored_events(stack, sender).count("user")


async def saved_user_messages(stack: Any, sender: str, at_least: int, timeout_s: float) -> int:
    """The sender's stored user messages, once there are `at_least` or `timeout_s` has passed
    (a turn's reply goes out before its events are saved)."""
    deadline = time.monotonic() + timeout_s
    while (count := user_messages(stack, sender)) < at_least and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    return count


def new_sender(prefix: str = "sec") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


class WidgetClient:
    """One browser tab's socket.io connection, speaking the widget's protocol."""

    def __init__(self, stack: Any) -> None:
        self.url = stack.rasa_url
        self.origin = f"http://127.0.0.1:{stack.web_port}"
        self.client = socketio.AsyncClient(reconnection=False)
        self.token: Optional[str] = None
        self.history_hours: Optional[int] = None
        self.bot: List[Dict[str, Any]] = []
        self._confirmed: Optional[asyncio.Future] = None
        self.client.on("session_confirm", self._confirm)
        self.client.on("bot_uttered", self.bot.append)

    def _confirm(self, confirmed: Dict[str, Any]) -> None:
        self.history_hours = confirmed["history_hours"]
        if self._confirmed is not None and not self._confirmed.done():
            self._confirmed.set_result(confirmed["session_id"])

    async def __aenter__(self) -> "WidgetClient":
        await self.client.connect(self.url, socketio_path="/socket.io", transports=["polling"],
                                  headers={"Origin": self.origin}, wait_timeout=10)
        return self

    async def __aexit__(self, *_: Any) -> None:
        await self.client.eio.disconnect(abort=True)  # without waiting for the pending long-poll

    async def open(self, token: Optional[str]) -> str:
        """session_request with token; the token the server confirmed."""
        self._confirmed = asyncio.get_running_loop().create_future()
        await self.client.emit("session_request", {"session_id": token})
        self.token = await asyncio.wait_for(self._confirmed, 15)
        return self.token

    async def say(self, text: str, token: Optional[str] = None) -> None:
        await self.client.emit("user_uttered", {"message": text, "session_id": token or self.token,
                                                "metadata": {"message_id": uuid.uuid4().hex}})

    async def wait_for_bot(self, count: int, timeout: float = 60) -> List[Dict[str, Any]]:
        async def enough() -> None:
            while len(self.bot) < count:
                await asyncio.sleep(0.05)
        await asyncio.wait_for(enough(), timeout)
        return self.bot


def session_sender(token: str) -> str:
    """The tracker's sender id for a widget token (``<id>.<signature>``)."""
    return f"web:{token.split('.')[0]}"


@pytest.fixture(scope="module")
def telegram_api(rasa_stack: Any) -> Iterator[FakeBotApi]:
    """The fake Bot API on the stack's port, for this module only (tests/telegram takes the port later)."""
    with FakeBotApi(rasa_stack.env["TELEGRAM_TOKEN"], rasa_stack.telegram_api_port) as fake:
        yield fake
