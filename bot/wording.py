"""Every sentence the assistant says, in each of its languages: one type and one lookup.

A text in a wording file (bot/triage/model.yml, bot/conversation/phrases.yml,
clinic.yml, bot/wording.yml) is written `{en: "...", es: "..."}`, so a
translation sits next to the sentence it translates and a reviewer reads both
together. `Wording.read` refuses a text that lacks one of the languages, so a
missing twin stops start-up (and the wording tests) instead of showing English
in a Spanish conversation. Code says a text with `wording.say(language)`;
derivations kept in English (the docs' tables, the staff pages) read `.en`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, Optional

import yaml
from babel.dates import format_datetime, get_day_names

ENGLISH, SPANISH = "en", "es"
LANGUAGES = (ENGLISH, SPANISH)
DEFAULT_LANGUAGE = ENGLISH
LANGUAGE_NAMES = {ENGLISH: "English", SPANISH: "Spanish"}
"""How staff pages (in English) name a patient's language."""
WORDING_FILE = Path(__file__).with_name("wording.yml")
LOCALES = {ENGLISH: "en_US", SPANISH: "es_US"}
"""Babel locales for dates: US English, and Spanish as written in the US."""


def language_or_default(language: Optional[str]) -> str:
    """A supported language code ("es", "es-MX" -> "es"), else English."""
    code = (language or "").strip().lower()[:2]
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


@dataclass(frozen=True)
class Wording:
    """One text in every language; `{names}` are filled per language by `say`."""

    en: str
    es: str

    @classmethod
    def read(cls, value: Any, where: str = "text") -> "Wording":
        """A `{en: ..., es: ...}` mapping from a wording file; anything else is a ValueError naming `where`."""
        if not isinstance(value, Mapping) or set(value) != set(LANGUAGES):
            raise ValueError(f"{where}: expected {{en: ..., es: ...}}, found {value!r}")
        texts = {language: value[language] for language in LANGUAGES}
        if not all(isinstance(text, str) and text.strip() for text in texts.values()):
            raise ValueError(f"{where}: every language needs a non-empty text")
        return cls(**texts)

    def say(self, language: Optional[str] = DEFAULT_LANGUAGE, /, **values: Any) -> str:
        """The text in `language` with its {names} filled; a Wording value is said in the same language."""
        code = language_or_default(language)
        text: str = getattr(self, code)
        if not values:
            return text
        return text.format(**{name: value.say(code) if isinstance(value, Wording) else value
                              for name, value in values.items()})

    @classmethod
    def __get_validators__(cls):  # pydantic (v1) reads clinic.yml's texts as Wording
        yield lambda value: value if isinstance(value, cls) else cls.read(value)

    def fill(self, **values: Any) -> "Wording":
        """The same text in every language with these {names} filled (Wording values per language)."""
        return Wording(**{language: self.say(language, **values) for language in LANGUAGES})


def read_table(data: Mapping[str, Any], where: str) -> dict[str, Wording]:
    """A flat table of named texts (`name: {en, es}`), every one checked."""
    return {name: Wording.read(value, f"{where}: {name}") for name, value in data.items()}


@lru_cache(maxsize=1)
def shared_wording() -> Mapping[str, Wording]:
    """The texts of bot/wording.yml: booking, notices, calendar and channel texts."""
    with WORDING_FILE.open(encoding="utf-8") as handle:
        return read_table(yaml.safe_load(handle), str(WORDING_FILE))


def say(name: str, language: Optional[str] = DEFAULT_LANGUAGE, /, **values: Any) -> str:
    """A text of bot/wording.yml in `language`; an unknown name is a KeyError. Any {name} may be filled."""
    return shared_wording()[name].say(language, **values)


def local_datetime(moment: datetime, pattern: str, language: Optional[str]) -> str:
    """A local date and time in `language` with a CLDR pattern ("EEE d 'de' MMM, h:mm a")."""
    return format_datetime(moment, pattern, tzinfo=moment.tzinfo, locale=LOCALES[language_or_default(language)])


def weekday_names(language: Optional[str], width: str = "abbreviated") -> list[str]:
    """Monday first: ["Mon", ...] or ["lun", ...]."""
    names = get_day_names(width, locale=LOCALES[language_or_default(language)])
    return [names[day] for day in range(7)]
