"""A simulated patient on Telegram: sends updates, waits for the bot's turn, reads its buttons.

``send`` delivers an update the way the mode under test receives it: POST to the
webhook, or queued for the poller's getUpdates. A turn ends when the bot has sent
at least one message and then stayed quiet for ``quiet`` seconds.
"""
from __future__ import annotations

import time
from typing import Any, Callable, Dict, List, Optional, Tuple

import requests
from tg_fake_api import SECRET, Call, FakeBotApi

from bot.channels.telegram.settings import WEBHOOK_PATH
from bot.channels.telegram.webhook import SECRET_HEADER

Send = Callable[[Dict[str, Any]], None]


def webhook_sender(rasa_url: str, secret: str = SECRET) -> Send:
    """POST each update to the server's Telegram webhook as Telegram does (with its secret token
    header); the server must take it (200), else Telegram would send it again."""
    def send(update: Dict[str, Any]) -> None:
        reply = requests.post(f"{rasa_url}{WEBHOOK_PATH}", json=update, headers={SECRET_HEADER: secret}, timeout=30)
        assert reply.status_code == 200, reply.text

    return send


class Patient:
    def __init__(self, fake: FakeBotApi, chat_id: int, send: Send, quiet: float = 1.5) -> None:
        self.fake = fake
        self.chat_id = chat_id
        self.send = send
        self.quiet = quiet

    def say(self, text: str, timeout: float = 60.0) -> List[Call]:
        """Type a message (or /command); the bot's messages in reply."""
        return self._turn(self.fake.message_update(self.chat_id, text), timeout)

    def tap(self, message: Call, title: Optional[str] = None, timeout: float = 60.0) -> List[Call]:
        """Tap the button with this title (else the first one) under a message the bot sent."""
        row, column = button_position(message, title)
        return self._turn(self.fake.callback_update(message, row, column), timeout)

    def messages(self) -> List[Call]:
        return self.fake.calls_of("sendMessage", self.chat_id)

    def _turn(self, update: Dict[str, Any], timeout: float) -> List[Call]:
        before = len(self.messages())
        self.send(update)
        self.fake.wait_for_calls("sendMessage", before + 1, timeout=timeout, chat_id=self.chat_id)
        seen = len(self.messages())
        while True:
            time.sleep(self.quiet)
            now = len(self.messages())
            if now == seen:
                return self.messages()[before:]
            seen = now


def button_position(message: Call, title: Optional[str] = None) -> Tuple[int, int]:
    """Row and column of the button with this title, or of the first button."""
    for row, buttons in enumerate(message.keyboard):
        for column, button in enumerate(buttons):
            if title is None or button["text"] == title:
                return row, column
    raise AssertionError(f"no button {title!r} in {message.keyboard}")


def titles(message: Call) -> List[str]:
    return [button["text"] for row in message.keyboard for button in row]


def question(replies: List[Call]) -> Call:
    """The message of a turn that carries buttons, else its last message."""
    with_buttons = [message for message in replies if message.keyboard]
    return with_buttons[-1] if with_buttons else replies[-1]
