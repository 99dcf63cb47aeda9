"""The one-line check of what was understood from the patient's words, before the result."""
from __future__ import annotations

from typing import Iterable, Mapping, Optional

from .phrases import say, understood_words


def understood_summary(answers: Mapping[str, object], keys: Iterable[str], language: str = "en") -> Optional[str]:
    """"knee, both sides, about 6 months, flat feet or feet that roll in", or None if nothing to show."""
    parts = [words for key in keys if key in answers and (words := understood_words(key, answers[key], language))]
    return ", ".join(parts) if parts else None


def summary_text(answers: Mapping[str, object], keys: Iterable[str], language: str = "en") -> Optional[str]:
    what = understood_summary(answers, keys, language)
    return say("summary", language, what=what) if what else None
