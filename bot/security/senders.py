"""Sender ids are namespaced by channel, so one channel can never speak as another's patient.

Telegram conversations are ``tg:<chat id>``, website conversations ``web:<session id>``;
the REST channel (the clinic's own server-side integrations) refuses both prefixes.
No data migration: version 1 never launched, so no bare chat ids are stored.
"""
from __future__ import annotations

from typing import Optional

TELEGRAM_PREFIX = "tg:"
WIDGET_PREFIX = "web:"
RESERVED_PREFIXES = (TELEGRAM_PREFIX, WIDGET_PREFIX)


def telegram_sender(chat_id: object) -> str:
    return f"{TELEGRAM_PREFIX}{chat_id}"


def _after_prefix(sender_id: str, prefix: str) -> Optional[str]:
    """What follows `prefix` in the sender id, else None (also for the bare prefix)."""
    if sender_id.startswith(prefix) and len(sender_id) > len(prefix):
        return sender_id[len(prefix):]
    return None


def telegram_chat(sender_id: str) -> Optional[str]:
    """The Telegram chat id of a ``tg:`` sender, else None."""
    return _after_prefix(sender_id, TELEGRAM_PREFIX)


SESSION_ENDED = "session_ended"  # custom payload key: the widget forgets its transcript and session


def widget_sender(session_id: str) -> str:
    return f"{WIDGET_PREFIX}{session_id}"


def widget_session_of(sender_id: str) -> Optional[str]:
    """The website session id of a ``web:`` sender, else None."""
    return _after_prefix(sender_id, WIDGET_PREFIX)


def in_reserved_namespace(sender_id: str) -> bool:
    """True for ids that only the Telegram and website channels may use."""
    return sender_id.lower().startswith(RESERVED_PREFIXES)
