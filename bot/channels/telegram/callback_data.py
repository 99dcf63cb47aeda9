"""Rasa button payloads as Telegram ``callback_data`` (at most 64 bytes), never cut.

A payload that fits travels as it is. A longer one (or one that happens to start
with the id prefix) is replaced by ``~`` plus a hash of the payload, and the pair
is kept in a bounded in-memory LRU in front of a small SQLite file, so a button
tapped after a restart of the server or the poller still resolves. Ids are
derived from the payload, so the same button always gets the same id and the
file only grows with distinct long payloads; it is pruned to ``max_entries``.
Payloads are button definitions offered by the assistant, not patients' answers.
"""
from __future__ import annotations

import asyncio
import base64
import hashlib
import logging
import sqlite3
import time
from collections import OrderedDict
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional

logger = logging.getLogger(__name__)

MAX_CALLBACK_BYTES = 64
ID_PREFIX = "~"


def fits(payload: str) -> bool:
    """Can this payload be sent as callback_data unchanged?"""
    return len(payload.encode("utf-8")) <= MAX_CALLBACK_BYTES and not payload.startswith(ID_PREFIX)


def short_id(payload: str) -> str:
    """A 25-character id derived from the payload (128 bits of SHA-256)."""
    digest = hashlib.sha256(payload.encode("utf-8")).digest()[:18]
    return ID_PREFIX + base64.urlsafe_b64encode(digest).decode("ascii")


class CallbackDataStore:
    """Maps long payloads to short ids and back; bounded, and persistent when given a path."""

    def __init__(self, path: Optional[Path], max_entries: int = 10_000) -> None:
        self._path = path
        self._max_entries = max_entries
        self._recent: "OrderedDict[str, str]" = OrderedDict()
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            with self._database() as db:
                db.execute(
                    "CREATE TABLE IF NOT EXISTS callback_payload ("
                    " id TEXT PRIMARY KEY, payload TEXT NOT NULL, used_at REAL NOT NULL)"
                )

    async def encode(self, payload: str) -> str:
        """The callback_data for this payload."""
        if fits(payload):
            return payload
        key = short_id(payload)
        if key not in self._recent and self._path is not None:
            await asyncio.to_thread(self._save, key, payload)
        self._remember(key, payload)
        return key

    async def decode(self, data: str) -> Optional[str]:
        """The payload behind callback_data, or None for an id that is no longer known."""
        if not data.startswith(ID_PREFIX):
            return data
        payload = self._recent.get(data)
        if payload is None and self._path is not None:
            payload = await asyncio.to_thread(self._load, data)
        if payload is not None:
            self._remember(data, payload)
        return payload

    def _remember(self, key: str, payload: str) -> None:
        self._recent[key] = payload
        self._recent.move_to_end(key)
        while len(self._recent) > self._max_entries:
            self._recent.popitem(last=False)

    @contextmanager
    def _database(self) -> Iterator[sqlite3.Connection]:
        """A short-lived connection inside one transaction (callers run in worker threads)."""
        db = sqlite3.connect(self._path, timeout=5)
        try:
            with db:
                yield db
        finally:
            db.close()

    def _save(self, key: str, payload: str) -> None:
        with self._database() as db:
            db.execute(
                "INSERT INTO callback_payload (id, payload, used_at) VALUES (?, ?, ?)"
                " ON CONFLICT(id) DO UPDATE SET used_at = excluded.used_at",
                (key, payload, time.time()),
            )
            db.execute(
                "DELETE FROM callback_payload WHERE id NOT IN"
                " (SELECT id FROM callback_payload ORDER BY used_at DESC LIMIT ?)",
                (self._max_entries,),
            )
        logger.debug("telegram callback id stored: %s", key)

    def _load(self, key: str) -> Optional[str]:
        with self._database() as db:
            row = db.execute("SELECT payload FROM callback_payload WHERE id = ?", (key,)).fetchone()
        return row[0] if row else None
