"""A human-readable breakdown of one assessment, for clinicians and the --explain flag (in English)."""
from __future__ import annotations

from typing import Mapping

from .answers import effective_answers, validate_answers
from .engine import advice, assess
from .model import MODEL, Model
from .rules import apply_rules
from .score import score_answers


def explain(answers: Mapping[str, object], model: Model = MODEL) -> str:
    """Every rule that fired and every point of the score, in plain text."""
    result = assess(answers, model)
    checked = validate_answers(answers, model)
    effective = effective_answers(checked, model)
    rules, scored = apply_rules(effective, model), score_answers(effective, model)
    ignored = sorted(set(checked) - set(effective))
    lines = [
        f"Disposition: {result.disposition}",
        f"  {advice(result.disposition, model).en}",
        f"Red flags: {', '.join(result.red_flags) or 'none'}",
        f"Points away from the feet: {', '.join(result.points_away) or 'none'}",
        *(f"  - {reason.text.en}" for reason in result.reasons if reason.points == 0),
    ]
    if ignored:
        lines.append(f"Ignored (question does not apply, or retired): {', '.join(ignored)}")
    if rules.disposition:
        lines.append("  A rule fired, so the score below did not decide the disposition.")
    lines += [
        f"Foot-mechanics score: {result.score}/100, likelihood {result.likelihood} "
        f"({result.answered} of {len(model.score.items)} scored questions answered)",
        f"  {'start':<18}{model.score.base:>+4}",
        *(f"  {reason.key:<18}{reason.points:>+4}  {reason.text.en}" for reason in scored.contributions),
        f"  Likelihood is moderate from {model.score.moderate_at} and high from {model.score.high_at}; "
        "the total is kept within 0..100.",
        model.disclaimer.en,
    ]
    return "\n".join(lines)
