"""Numbers written as digits or English words ("7", "7.5", "seven", "forty-five", "a couple").

Why: patients type "about three months", "a six", "forty five"; the answer parsers
need the number, and no spaCy model with number normalisation is available.
"""
from __future__ import annotations

import re
from typing import Optional

UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}
TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}
# Vague quantities, read the way people usually mean them.
VAGUE = {
    "a": 1, "an": 1, "a couple of": 2, "a couple": 2, "couple of": 2, "couple": 2,
    "a few": 3, "few": 3, "several": 4, "a half": 0.5, "half a": 0.5, "half an": 0.5, "half": 0.5,
}
_WORD_NUMBER = (
    rf"(?:(?:{'|'.join(TENS)})(?:[\s-]+(?:{'|'.join(k for k in UNITS if UNITS[k] < 10)}))?"
    rf"|{'|'.join(sorted(UNITS, key=len, reverse=True))})"
)
# A number as digits or words ("7", "7.5", "forty-five").
EXACT_NUMBER_PATTERN = r"(?:\d+(?:\.\d+)?|" + _WORD_NUMBER + ")"
# The same, or a vague quantity ("a couple of"); longest alternatives first.
NUMBER_PATTERN = (
    r"(?:\d+(?:\.\d+)?|"
    + _WORD_NUMBER
    + "|"
    + "|".join(re.escape(k) for k in sorted(VAGUE, key=len, reverse=True))
    + r")"
)


def parse_number(text: str) -> Optional[float]:
    """The value of one number phrase ("7.5", "forty-five", "a couple"), or None."""
    phrase = " ".join(text.lower().replace("-", " ").split())
    if re.fullmatch(r"\d+(?:\.\d+)?", phrase):
        return float(phrase)
    if phrase in VAGUE:
        return float(VAGUE[phrase])
    words = phrase.split()
    if len(words) == 1:
        value = UNITS.get(words[0], TENS.get(words[0]))
        return None if value is None else float(value)
    if len(words) == 2 and words[0] in TENS and UNITS.get(words[1], 10) < 10:
        return float(TENS[words[0]] + UNITS[words[1]])
    return None
