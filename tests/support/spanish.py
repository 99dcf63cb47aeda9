"""One check for "no English in a Spanish reply", shared by the wording and conversation tests."""
from __future__ import annotations

import re
from typing import Iterable

from bot.clinic import load_clinic

ENGLISH_WORDS = frozenset({
    "the", "you", "your", "please", "with", "what", "which", "have", "this", "that", "is", "are", "for",
    "and", "of", "or", "to", "it", "in", "on", "was", "we", "can", "if", "sorry", "yes", "not", "thanks",
    "my", "be", "been", "do", "does", "did", "any", "pain", "knee", "back", "feet", "foot", "call",
})
"""Common English words that are not Spanish words, plus the domain's own ("pain", "knee")."""


def _proper_names() -> list[str]:
    """Names and addresses said as they are in every language (longest first)."""
    clinic = load_clinic()
    names = [clinic.name, clinic.short_name, clinic.email, clinic.website]
    names += [part for location in clinic.locations for part in (location.name, location.address)]
    return sorted(names, key=len, reverse=True)


PROPER_NAMES = _proper_names()
URL = re.compile(r"https?://\S+")


def english_in(text: str, allowed: Iterable[str] = ()) -> list[str]:
    """The English words in `text` (after taking out proper names, links and `allowed` strings).

    Links go first: a calendar link's random token once held "iS", read as the English "is"."""
    text = URL.sub(" ", text)
    for name in [*PROPER_NAMES, *allowed]:
        text = text.replace(name, " ")
    return [word for word in re.findall(r"[A-Za-z]+", text) if word.lower() in ENGLISH_WORDS]


def assert_spanish(text: str, where: str = "", allowed: Iterable[str] = ()) -> None:
    found = english_in(text, allowed)
    assert not found, f"English {found} in a Spanish text{' (' + where + ')' if where else ''}: {text!r}"
