"""Rasa buttons as a Telegram inline keyboard, and the record that lets their taps through.

Short answers share a row (yes/no, 0-10 scales); longer titles get rows of their
own so nothing is truncated on a phone. A payload that fits travels as the
button's callback_data; a longer one as ``~<index>``. Either way the tap only
counts if the data is in the message's record (callback_data.py); a button with
a ``url`` opens that link.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.channels.telegram.callback_data import Record, callback_data_for

Button = Dict[str, Any]
BUTTONS = "buttons"


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


def inline_keyboard(buttons: Sequence[Button], vertical: bool = False) -> Tuple[InlineKeyboardMarkup, Record]:
    """The inline keyboard for Rasa buttons (``vertical``: one per row) and its record."""
    titles = [str(button.get("title") or button.get("payload") or "") for button in buttons]
    keys: List[InlineKeyboardButton] = []
    payloads: Dict[str, str] = {}
    for index, (title, button) in enumerate(zip(titles, buttons)):
        if button.get("url"):
            keys.append(InlineKeyboardButton(title, url=str(button["url"])))
            continue
        payload = str(button.get("payload") or title)
        data = callback_data_for(payload, index)
        payloads[data] = payload
        keys.append(InlineKeyboardButton(title, callback_data=data))
    width = 1 if vertical else buttons_per_row(titles)
    markup = InlineKeyboardMarkup([keys[start : start + width] for start in range(0, len(keys), width)])
    return markup, {"kind": BUTTONS, "payloads": payloads}


def issued_payload(record: Optional[Record], data: Optional[str]) -> Optional[str]:
    """The Rasa payload of an ordinary button the assistant issued with this data, else None."""
    if record is None or record.get("kind") != BUTTONS or data is None:
        return None
    return record["payloads"].get(data)
