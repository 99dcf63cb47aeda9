"""A human-readable breakdown of one assessment, for clinicians and the --explain flag."""
from __future__ import annotations

from typing import Mapping

from .answers import validate_answers
from .engine import advice, assess
from .model import MODEL
from .rules import apply_rules
from .score import score_answers


def explain(answers: Mapping[str, object]) -> str:
    """Every rule that fired and every point of the score, in plain text."""
    result = assess(answers)
    checked = validate_answers(answers)
    rules, scored = apply_rules(checked), score_answers(checked)
    lines = [
        f"Disposition: {result.disposition}",
        f"  {advice(result.disposition)}",
        f"Red flags: {', '.join(result.red_flags) or 'none'}",
        f"Points away from the feet: {', '.join(result.points_away) or 'none'}",
        *(f"  - {reason.text}" for reason in rules.reasons),
    ]
    if rules.disposition:
        lines.append("  A rule fired, so the score below did not decide the disposition.")
    lines += [
        f"Foot-mechanics score: {result.score}/100, likelihood {result.likelihood} "
        f"({result.answered} of {len(MODEL.score.items)} scored questions answered)",
        f"  {'start':<18}{MODEL.score.base:>+4}",
        *(f"  {reason.key:<18}{reason.points:>+4}  {reason.text}" for reason in scored.contributions),
        f"  Likelihood is moderate from {MODEL.score.moderate_at} and high from {MODEL.score.high_at}; "
        "the total is kept within 0..100.",
        MODEL.disclaimer,
    ]
    return "\n".join(lines)
