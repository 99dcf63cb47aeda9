"""Common misspellings in patients' replies, corrected word by word before reading.

Why: simulated patients typing on a phone wrote "4 monts", "my heals hurt to",
"bak pain", "non of thos"; each one cost a re-ask or, worse, a wrong answer. Only
misspellings that are not themselves words a patient would mean are listed.
"""
from __future__ import annotations

import re

TYPOS = {
    "monts": "months", "mths": "months", "mnths": "months", "montsh": "months",
    "weks": "weeks", "wks": "weeks", "wk": "week", "yrs": "years", "yr": "year", "yeras": "years",
    "heals": "heels", "bak": "back", "bck": "back", "kne": "knee", "knes": "knees",
    "kness": "knees", "walkin": "walking", "runing": "running",
    "non": "none", "nun": "none", "thos": "those", "thes": "these", "nothin": "nothing",
    "dont": "don't", "didnt": "didn't", "cant": "can't", "im": "i'm", "ive": "i've",
}
_WORD = re.compile(r"(?<![\w'-])(" + "|".join(sorted(map(re.escape, TYPOS), key=len, reverse=True)) + r")(?![\w'-])",
                   re.IGNORECASE)


def fix_typos(text: str) -> str:
    """The text with the listed misspellings corrected (lower case where corrected)."""
    return _WORD.sub(lambda found: TYPOS[found.group(1).lower()], text)
