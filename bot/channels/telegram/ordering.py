"""Per-chat ordering for concurrently processed updates.

Updates of different chats are handled concurrently (one slow Rasa turn must not
hold up other patients), but one chat's updates are handled strictly in arrival
order, so a quick double tap or two fast messages reach Rasa in the order sent.
"""
from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any, Awaitable, Dict, Optional

from telegram import Update
from telegram.ext import BaseUpdateProcessor

MAX_CONCURRENT_UPDATES = 256


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Concurrent across chats, sequential (FIFO) within a chat."""

    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: Dict[int, asyncio.Lock] = {}
        self._users: Counter = Counter()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat_id = _chat_id(update)
        if chat_id is None:
            await coroutine
            return
        lock = self._locks.setdefault(chat_id, asyncio.Lock())
        self._users[chat_id] += 1
        try:
            async with lock:
                await coroutine
        finally:
            self._users[chat_id] -= 1
            if not self._users[chat_id]:
                del self._users[chat_id]
                del self._locks[chat_id]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""


def _chat_id(update: object) -> Optional[int]:
    if isinstance(update, Update) and update.effective_chat is not None:
        return update.effective_chat.id
    return None
