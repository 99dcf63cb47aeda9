"""The assistant's own sentences (phrases.yml), so wording is reviewed in one file."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

PHRASES_FILE = Path(__file__).with_name("phrases.yml")


@lru_cache(maxsize=1)
def phrases() -> dict[str, Any]:
    with PHRASES_FILE.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def say(name: str, **values: Any) -> str:
    """A phrase with its {names} filled in; an unknown name is a KeyError (tests catch it)."""
    return str(phrases()[name]).format(**values)


def first_phrase(*names: str) -> str:
    """The first of these phrase names that exists (a question's own hint, else its kind's)."""
    return next(name for name in names if name in phrases())


def duration_words(weeks: float) -> str:
    if weeks < 1:
        return "less than a week"
    if weeks < 8:
        count = round(weeks)
        return f"about {count} week{'s' if count != 1 else ''}"
    if weeks < 104:
        count = round(weeks / 4.345)
        return f"about {count} months"
    return f"about {round(weeks / 52.18)} years"


def understood_words(key: str, value: Any) -> str | None:
    """How an answer reads in the summary ("flat feet or feet that roll in"), or None if not shown."""
    table = phrases()["understood"].get(key)
    if table is None or value is None:
        return None
    if isinstance(table, str):
        shown = duration_words(float(value)) if key == "duration_weeks" else _number(value)
        return table.format(value=shown)
    return table.get(value)


def _number(value: Any) -> str:
    number = float(value)
    return str(int(number)) if number.is_integer() else f"{number:g}"
