"""Message text for Telegram: split to its 4096-character limit at natural boundaries.

Replies are sent as plain text (no parse mode), so nothing needs escaping and a
``*`` or ``_`` in a response can never break a message. Telegram counts length in
UTF-16 code units, so that is what is measured here.
"""
from __future__ import annotations

from typing import List, Sequence

MAX_MESSAGE_LENGTH = 4096
_SEPARATORS = ("\n\n", "\n", " ")


def telegram_length(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units: an emoji may count as two)."""
    return len(text.encode("utf-16-le")) // 2


def split_message(text: str, limit: int = MAX_MESSAGE_LENGTH) -> List[str]:
    """Split into parts of at most ``limit``: between paragraphs first, then lines, then words."""
    text = text.strip()
    if not text:
        return []
    return [part for part in _split(text, limit, _SEPARATORS) if part]


def _split(text: str, limit: int, separators: Sequence[str]) -> List[str]:
    if telegram_length(text) <= limit:
        return [text.strip()]
    if not separators:
        return _hard_split(text, limit)
    separator, finer = separators[0], separators[1:]
    parts: List[str] = []
    current = ""
    for piece in text.split(separator):
        candidate = f"{current}{separator}{piece}" if current else piece
        if telegram_length(candidate) <= limit:
            current = candidate
            continue
        if current:
            parts.append(current.strip())
        if telegram_length(piece) <= limit:
            current = piece
        else:
            *whole, current = _split(piece, limit, finer)
            parts.extend(whole)
    parts.append(current.strip())
    return parts


def _hard_split(text: str, limit: int) -> List[str]:
    """Last resort for a single over-long word: cut by length, never inside a surrogate pair."""
    parts: List[str] = []
    current, size = "", 0
    for char in text:
        width = telegram_length(char)
        if size + width > limit:
            parts.append(current)
            current, size = "", 0
        current += char
        size += width
    parts.append(current)
    return parts
