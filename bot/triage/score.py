"""The foot-mechanics points model: base + points per answered item, clamped to 0..100.

Missing and None answers add nothing and are not counted as answered. Lower-back
pain alone is capped below `high_at` (see model.yml).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from .conditions import all_hold
from .model import LOWER_BACK, MODEL, PAIN_LOCATION, Model
from .result import Reason

LIKELIHOODS: tuple[str, ...] = ("low", "moderate", "high")


@dataclass(frozen=True)
class ScoreOutcome:
    score: int
    likelihood: str
    answered: int
    contributions: tuple[Reason, ...]
    """Every answered item in model order (zeros included), then the lower-back cap if it applied."""
    max_reasons: int

    def top_reasons(self) -> tuple[Reason, ...]:
        """The non-zero contributions that moved the score most, largest first."""
        moving = [reason for reason in self.contributions if reason.points]
        moving.sort(key=lambda reason: -abs(reason.points))
        return tuple(moving[:self.max_reasons])


def likelihood_of(score: int, model: Model = MODEL) -> str:
    if score >= model.score.high_at:
        return "high"
    return "moderate" if score >= model.score.moderate_at else "low"


def score_answers(answers: Mapping[str, object], model: Model = MODEL) -> ScoreOutcome:
    """The score of the effective answers (see answers.effective_answers)."""
    scoring = model.score
    contributions = []
    for key, item in scoring.items.items():
        value = answers.get(key)
        if value is not None:
            contribution = item.contribution(value)
            contributions.append(Reason(key, contribution.says, contribution.points))
    answered = len(contributions)
    score = min(100, max(0, scoring.base + sum(reason.points for reason in contributions)))
    if answers.get(PAIN_LOCATION) == LOWER_BACK and score >= scoring.high_at:
        capped = scoring.high_at - 1
        contributions.append(Reason(PAIN_LOCATION, scoring.lower_back_cap_says, capped - score))
        score = capped
    return ScoreOutcome(score, likelihood_of(score, model), answered, tuple(contributions), scoring.max_reasons)


def lacks_a_sign(answers: Mapping[str, object], model: Model = MODEL) -> bool:
    """Back pain alone with no foot sign answered yes: no gait analysis, whatever the score."""
    rule = model.score.back_pain_sign
    return all_hold(rule.conditions, answers) and not any(answers.get(sign) is True for sign in rule.signs)
