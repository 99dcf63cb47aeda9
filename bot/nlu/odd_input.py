"""Messages that are not language: too long to read, or without a single word.

Both are recognised before any classifier guess counts: a 5,000-character
"xxxx..." must get "that's too long", not "You're welcome!".
"""
from __future__ import annotations

import os
import re

MAX_MESSAGE_CHARS = int(os.environ.get("MAX_MESSAGE_CHARS", "1000"))
"""The longest message read; longer ones are refused with a clear message (this one setting)."""

TOO_LONG, NO_WORDS = "too_long", "no_words"
_WORD = re.compile(r"[^\W\d_]|\d", re.UNICODE)
_ONE_CHARACTER_RUN = re.compile(r"^(.)\1{5,}$", re.DOTALL)


def too_long(text: str) -> bool:
    return len(text) > MAX_MESSAGE_CHARS


def has_no_words(text: str) -> bool:
    """True for emoji, punctuation, a run of one character ("xxxxxxxx") or nothing at all.

    A single letter is a word: "y" and "n" are answers."""
    squeezed = re.sub(r"\s+", "", text)
    if not squeezed or _ONE_CHARACTER_RUN.match(squeezed.lower()):
        return True
    return _WORD.search(text) is None


def odd_input_intent(text: str) -> str | None:
    """"too_long", "no_words", or None for a message worth reading."""
    if has_no_words(text):
        return NO_WORDS
    return TOO_LONG if too_long(text) else None
