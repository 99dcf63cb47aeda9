"""The foot-mechanics points model: base + points per answered item, clamped to 0..100.

Missing, None and "unknown" answers add nothing and are not counted as
answered. Lower-back pain alone is capped below `high_at` (see model.yml).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from .model import LOWER_BACK, MODEL, PAIN_LOCATION, UNKNOWN_CHOICE
from .result import Reason

LIKELIHOODS: tuple[str, ...] = ("low", "moderate", "high")


@dataclass(frozen=True)
class ScoreOutcome:
    score: int
    likelihood: str
    answered: int
    contributions: tuple[Reason, ...]
    """Every answered item in model order (zeros included), then the lower-back cap if it applied."""

    def top_reasons(self) -> tuple[Reason, ...]:
        """The non-zero contributions that moved the score most, largest first."""
        moving = [reason for reason in self.contributions if reason.points]
        moving.sort(key=lambda reason: -abs(reason.points))
        return tuple(moving[:MODEL.score.max_reasons])


def is_known(value: object) -> bool:
    return value is not None and value != UNKNOWN_CHOICE


def likelihood_of(score: int) -> str:
    if score >= MODEL.score.high_at:
        return "high"
    return "moderate" if score >= MODEL.score.moderate_at else "low"


def score_answers(answers: Mapping[str, object]) -> ScoreOutcome:
    model = MODEL.score
    contributions = []
    for item in model.items:
        value = answers.get(item.key)
        if is_known(value):
            contribution = item.contribution(value)
            contributions.append(Reason(item.key, contribution.says, contribution.points))
    answered = len(contributions)
    score = min(100, max(0, model.base + sum(reason.points for reason in contributions)))
    if answers.get(PAIN_LOCATION) == LOWER_BACK and score >= model.high_at:
        capped = model.high_at - 1
        contributions.append(Reason(PAIN_LOCATION, model.lower_back_cap_says, capped - score))
        score = capped
    return ScoreOutcome(score, likelihood_of(score), answered, tuple(contributions))
