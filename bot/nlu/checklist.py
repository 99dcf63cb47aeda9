"""PLACEHOLDER until the facts worker's version lands: numbers, none, not sure."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from bot.nlu.parsers import is_unknown, normalise


@dataclass(frozen=True)
class ChecklistReading:
    yes: frozenset = frozenset()
    no: frozenset = frozenset()
    none: bool = False
    unsure: bool = False
    understood: bool = False


def read_checklist(text: str, items: Sequence[tuple[str, str]]) -> ChecklistReading:
    answer = normalise(text)
    if is_unknown(answer):
        return ChecklistReading(unsure=True, understood=True)
    if re.fullmatch(r"(?:no+|nope|none(?: of (?:these|those|them))?|no to all|nothing)", answer):
        return ChecklistReading(none=True, understood=True)
    numbers = {int(n) for n in re.findall(r"\b\d\b", answer)}
    yes = frozenset(items[n - 1][0] for n in numbers if 1 <= n <= len(items))
    return ChecklistReading(yes=yes, understood=bool(yes))
