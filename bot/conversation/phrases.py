"""The assistant's own sentences (phrases.yml), in every language, so wording is reviewed in one file."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

import yaml

from bot.wording import Wording

PHRASES_FILE = Path(__file__).with_name("phrases.yml")


def _read(value: Any, where: str) -> Any:
    """A text ({en, es}) as a Wording; a table of texts (the summary's words) as a dict of them."""
    if isinstance(value, Mapping) and "en" not in value and "es" not in value:
        return {key: _read(inner, f"{where}.{key}") for key, inner in value.items()}
    return Wording.read(value, f"{PHRASES_FILE}: {where}")


@lru_cache(maxsize=1)
def phrases() -> dict[str, Any]:
    """Every phrase by name; a missing language stops here with the phrase's name."""
    with PHRASES_FILE.open(encoding="utf-8") as handle:
        return {name: _read(value, name) for name, value in yaml.safe_load(handle).items()}


def phrase(name: str) -> Wording:
    """A phrase in every language; an unknown name is a KeyError (tests catch it)."""
    found = phrases()[name]
    if not isinstance(found, Wording):
        raise KeyError(f"'{name}' is a table of phrases, not a phrase")
    return found


def say(name: str, language: str = "en", /, **values: Any) -> str:
    """A phrase in `language` with its {names} filled in (Wording values in the same language)."""
    return phrase(name).say(language, **values)


def first_phrase(*names: str) -> str:
    """The first of these phrase names that exists (a question's own hint, else its kind's)."""
    return next(name for name in names if name in phrases())


def likelihood_words(likelihood: str, language: str = "en") -> str:
    """"moderate" / "moderada": the likelihood as the result sentence says it."""
    return phrases()["likelihood"][likelihood].say(language)


def duration_words(weeks: float, language: str = "en") -> str:
    words = phrases()["duration"]
    if weeks < 1:
        return words["under_a_week"].say(language)
    if weeks < 8:
        count = round(weeks)
        return words["one_week" if count == 1 else "weeks"].say(language, count=count)
    if weeks < 104:
        return words["months"].say(language, count=round(weeks / 4.345))
    return words["years"].say(language, count=round(weeks / 52.18))


def understood_words(key: str, value: Any, language: str = "en") -> str | None:
    """How an answer reads in the summary ("flat feet or feet that roll in"), or None if not shown."""
    table = phrases()["understood"].get(key)
    if table is None or value is None:
        return None
    if isinstance(table, Wording):
        shown = duration_words(float(value), language) if key == "duration_weeks" else _number(value)
        return table.say(language, value=shown)
    found = table.get(value)
    return found.say(language) if found is not None else None


def _number(value: Any) -> str:
    number = float(value)
    return str(int(number)) if number.is_integer() else f"{number:g}"
