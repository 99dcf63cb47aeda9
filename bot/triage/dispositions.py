"""The five dispositions and what "more cautious" means between them.

Caution ranks: emergency 4 > urgent 3 > consult 2 > gait_analysis 1 = self_care 1.
gait_analysis and self_care share a rank: neither sends the patient to a
doctor, and swapping one for the other misses no medical condition. Advice is
*safe* for a case when its rank is at least the rank of the right answer.
"""
from __future__ import annotations

from typing import Iterable

DISPOSITIONS: tuple[str, ...] = ("emergency", "urgent", "consult", "gait_analysis", "self_care")

CAUTION: dict[str, int] = {
    "emergency": 4,
    "urgent": 3,
    "consult": 2,
    "gait_analysis": 1,
    "self_care": 1,
}


def most_cautious(dispositions: Iterable[str]) -> str:
    """The most cautious of several dispositions (ties keep the first given)."""
    return max(dispositions, key=CAUTION.__getitem__)


def is_safe(given: str, expected: str) -> bool:
    """True when `given` is the expected level or a more cautious one."""
    return CAUTION[given] >= CAUTION[expected]


def levels_below(given: str, expected: str) -> int:
    """How many caution levels `given` falls short of `expected` (0 when safe)."""
    return max(0, CAUTION[expected] - CAUTION[given])
