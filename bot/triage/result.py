"""What an assessment returns: a frozen, JSON-ready record the actions can quote."""
from __future__ import annotations

from dataclasses import asdict, dataclass

from bot.wording import Wording


@dataclass(frozen=True)
class Reason:
    """One thing that shaped the result: an answer key or rule id, a plain sentence, its signed points.

    Red flags and "points away" conditions override the score, so their points are 0.
    """

    key: str
    text: Wording
    """The sentence in every language; stored results keep the English one (staff pages are English)."""
    points: int


@dataclass(frozen=True)
class TriageResult:
    disposition: str
    red_flags: tuple[str, ...]
    likelihood: str
    score: int
    reasons: tuple[Reason, ...]
    answered: int
    points_away: tuple[str, ...]

    def to_dict(self) -> dict:
        """Plain lists and dicts, ready for json.dumps or a Rasa slot."""
        data = asdict(self)
        data["red_flags"] = list(self.red_flags)
        data["points_away"] = list(self.points_away)
        data["reasons"] = [{"key": r.key, "text": r.text.en, "points": r.points} for r in self.reasons]
        return data
