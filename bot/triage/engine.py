"""assess(): red flags first, then "points away", then the score decides."""
from __future__ import annotations

from typing import Mapping

from .answers import validate_answers
from .model import DURATION_WEEKS, MODEL, PAIN_SEVERITY
from .result import TriageResult
from .rules import apply_rules
from .score import score_answers


def assess(answers: Mapping[str, object]) -> TriageResult:
    """Triage one set of answers; raises InvalidAnswers naming the bad key."""
    checked = validate_answers(answers)
    rules = apply_rules(checked)
    scored = score_answers(checked)
    return TriageResult(
        disposition=rules.disposition or _score_disposition(scored.likelihood, checked),
        red_flags=rules.red_flags,
        likelihood=scored.likelihood,
        score=scored.score,
        reasons=rules.reasons + scored.top_reasons(),
        answered=scored.answered,
        points_away=rules.points_away,
    )


def _score_disposition(likelihood: str, answers: Mapping[str, object]) -> str:
    """No rule fired: gait analysis if likely enough, else self-care only when recent AND mild."""
    if likelihood != "low":
        return "gait_analysis"
    limits = MODEL.self_care
    duration, severity = answers.get(DURATION_WEEKS), answers.get(PAIN_SEVERITY)
    if duration is None or severity is None:
        return "consult"
    recent_and_mild = duration < limits.duration_weeks_below and severity <= limits.severity_at_most
    return "self_care" if recent_and_mild else "consult"


def advice(disposition: str) -> str:
    """The plain-English advice for a disposition, from the model file."""
    return MODEL.advice[disposition]
