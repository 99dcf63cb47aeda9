"""Rasa buttons as a Telegram inline keyboard.

Short answers share a row (yes/no, 0-10 scales); longer titles get rows of their
own so nothing is truncated on a phone. Each payload becomes callback_data through
the ``CallbackDataStore`` (64-byte limit); a button with a ``url`` opens that link.
"""
from __future__ import annotations

from typing import Any, Dict, List, Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.channels.telegram.callback_data import CallbackDataStore

Button = Dict[str, Any]


def buttons_per_row(titles: Sequence[str]) -> int:
    """How many buttons fit side by side when the longest title is this long."""
    longest = max((len(title) for title in titles), default=0)
    if longest <= 3:
        return 6
    if longest <= 12:
        return 3
    if longest <= 20:
        return 2
    return 1


async def inline_keyboard(
    buttons: Sequence[Button], store: CallbackDataStore, vertical: bool = False
) -> InlineKeyboardMarkup:
    """The inline keyboard for Rasa buttons (``vertical`` puts one button per row)."""
    titles = [str(button.get("title") or button.get("payload") or "") for button in buttons]
    keys: List[InlineKeyboardButton] = []
    for title, button in zip(titles, buttons):
        if button.get("url"):
            keys.append(InlineKeyboardButton(title, url=str(button["url"])))
        else:
            payload = str(button.get("payload") or title)
            keys.append(InlineKeyboardButton(title, callback_data=await store.encode(payload)))
    width = 1 if vertical else buttons_per_row(titles)
    return InlineKeyboardMarkup([keys[start : start + width] for start in range(0, len(keys), width)])
