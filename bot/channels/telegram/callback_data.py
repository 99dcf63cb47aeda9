"""What the assistant issued under each message it sent: the allow-list for button taps.

Telegram hands back a button's ``callback_data`` (at most 64 bytes) when it is
tapped, but a patched client can send any data for any message, so data is never
trusted on its own: every keyboard the channel sends is recorded under (chat id,
message id) with what each of its buttons means, and a tap is honoured only when
its data is in the record of the message it came from. A record is forgotten
once used, so a double tap or a forged replay finds nothing. Records are kept
in a small SQLite file, so a tap after a restart of the server or the poller
still resolves, and a tap that nginx hands to another replica of `make run-scaled`
(they share the file) finds what the first one recorded, used or changed: every
tap reads the file, and the bounded in-memory LRU only remembers what this
process used up. The file is pruned to ``max_entries``.

Callback data that starts with one of ``SELF_CHECKED_PREFIXES`` is issued and
verified by another handler (appointments carry their own signed token) and is
left to it.
"""
from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
import time
from collections import OrderedDict
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Dict, Iterator, Optional, Tuple, Union

logger = logging.getLogger(__name__)

MAX_CALLBACK_BYTES = 64
ID_PREFIX = "~"
SELF_CHECKED_PREFIXES: Tuple[str, ...] = ("appt:",)

Record = Dict[str, Any]
_FORGOTTEN = object()  # in the LRU: used, so the file is not consulted (its delete may still be running)


def fits(payload: str) -> bool:
    """Can this payload be sent as callback_data unchanged?"""
    return len(payload.encode("utf-8")) <= MAX_CALLBACK_BYTES and not payload.startswith(ID_PREFIX)


def callback_data_for(payload: str, index: int) -> str:
    """The payload itself when it fits, else ``~<index>`` (resolved through the message's record)."""
    return payload if fits(payload) else f"{ID_PREFIX}{index}"


def handled_here(data: object) -> bool:
    """The ``CallbackQueryHandler`` pattern of the channel's own buttons (all but self-checked data)."""
    return not (isinstance(data, str) and data.startswith(SELF_CHECKED_PREFIXES))


class CallbackDataStore:
    """One record per sent message with buttons; bounded, and persistent when given a path."""

    def __init__(self, path: Optional[Path], max_entries: int = 10_000) -> None:
        self._path = path
        self._max_entries = max_entries
        self._recent: "OrderedDict[str, Union[Record, object]]" = OrderedDict()
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            with self._database() as db:
                db.execute(
                    "CREATE TABLE IF NOT EXISTS issued_keyboard ("
                    " message TEXT PRIMARY KEY, record TEXT NOT NULL, used_at REAL NOT NULL)"
                )

    async def save(self, chat_id: str, message_id: int, record: Record) -> None:
        """Remember (or update) what the buttons under this message mean."""
        key = _key(chat_id, message_id)
        self._remember(key, record)
        if self._path is not None:
            await asyncio.to_thread(self._save, key, json.dumps(record, separators=(",", ":")))

    async def load(self, chat_id: str, message_id: int) -> Optional[Record]:
        """The record of this message, or None when it was never issued, is used or has expired."""
        key = _key(chat_id, message_id)
        record = self._recent.get(key)
        if record is _FORGOTTEN:
            return None
        if self._path is not None:  # the file decides: another process sharing it may have used or changed the record
            stored = await asyncio.to_thread(self._load, key)
            record = json.loads(stored) if stored is not None else None
        if record is not None:
            self._remember(key, record)
        return record  # type: ignore[return-value]

    async def forget(self, chat_id: str, message_id: int) -> None:
        """The message's buttons are used up: later taps on them are refused."""
        key = _key(chat_id, message_id)
        self._remember(key, _FORGOTTEN)
        if self._path is not None:
            await asyncio.to_thread(self._delete, key)

    def forget_chat(self, chat_id: str) -> int:
        """Drop every record of one chat ("delete my data"); returns how many stored records went."""
        prefix = _key(chat_id, 0)[:-1]
        for key in [key for key in self._recent if key.startswith(prefix)]:
            self._recent[key] = _FORGOTTEN
        if self._path is None or not self._path.exists():
            return 0
        with self._database() as db:
            return db.execute("DELETE FROM issued_keyboard WHERE substr(message, 1, ?) = ?",
                              (len(prefix), prefix)).rowcount

    def purge_older_than(self, cutoff: float, dry_run: bool = False) -> int:
        """Drop (or, dry, count) the stored records last written before `cutoff` (UNIX time)."""
        if self._path is None or not self._path.exists():
            return 0
        with self._database() as db:
            if dry_run:
                return db.execute("SELECT count(*) FROM issued_keyboard WHERE used_at < ?", (cutoff,)).fetchone()[0]
            return db.execute("DELETE FROM issued_keyboard WHERE used_at < ?", (cutoff,)).rowcount

    def _remember(self, key: str, record: Union[Record, object]) -> None:
        self._recent[key] = record
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

    def _save(self, key: str, record: str) -> None:
        with self._database() as db:
            db.execute(
                "INSERT INTO issued_keyboard (message, record, used_at) VALUES (?, ?, ?)"
                " ON CONFLICT(message) DO UPDATE SET record = excluded.record, used_at = excluded.used_at",
                (key, record, time.time()),
            )
            db.execute(
                "DELETE FROM issued_keyboard WHERE message NOT IN"
                " (SELECT message FROM issued_keyboard ORDER BY used_at DESC LIMIT ?)",
                (self._max_entries,),
            )
        logger.debug("telegram keyboard recorded: %s", key)

    def _load(self, key: str) -> Optional[str]:
        with self._database() as db:
            row = db.execute("SELECT record FROM issued_keyboard WHERE message = ?", (key,)).fetchone()
        return row[0] if row else None

    def _delete(self, key: str) -> None:
        with self._database() as db:
            db.execute("DELETE FROM issued_keyboard WHERE message = ?", (key,))


def _key(chat_id: str, message_id: int) -> str:
    return f"{chat_id}:{message_id}"
