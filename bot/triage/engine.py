"""assess(): red flags first, then "points away", then self-care, then the score decides."""
from __future__ import annotations

from typing import Mapping

from bot.wording import Wording

from .answers import effective_answers, validate_answers
from .conditions import all_hold
from .model import MODEL, Model
from .result import Reason, TriageResult
from .rules import apply_rules
from .score import lacks_a_sign, score_answers


def assess(answers: Mapping[str, object], model: Model = MODEL) -> TriageResult:
    """Triage one set of answers; raises InvalidAnswers naming the bad key.

    Answers to questions that do not apply (a knee item with back pain) and to
    retired keys are accepted and ignored, as the interview never asks them.
    """
    effective = effective_answers(validate_answers(answers, model), model)
    rules = apply_rules(effective, model)
    scored = score_answers(effective, model)
    disposition, extra = rules.disposition, ()
    if disposition is None:
        disposition, extra = _without_rules(effective, scored.likelihood, model)
    return TriageResult(
        disposition=disposition,
        red_flags=rules.red_flags,
        likelihood=scored.likelihood,
        score=scored.score,
        reasons=rules.reasons + extra + scored.top_reasons(),
        answered=scored.answered,
        points_away=rules.points_away,
    )


def _without_rules(answers: Mapping[str, object], likelihood: str, model: Model) -> tuple[str, tuple[Reason, ...]]:
    """No rule fired: self-care when recent and mild, else gait analysis if likely enough, else consult."""
    if all_hold(model.self_care.conditions, answers):
        return "self_care", (Reason("self_care", model.self_care.says, 0),)
    if likelihood == "low":
        return "consult", ()
    if lacks_a_sign(answers, model):
        return "consult", (Reason("back_pain_needs_a_sign", model.score.back_pain_sign.says, 0),)
    return "gait_analysis", ()


def advice(disposition: str, model: Model = MODEL) -> Wording:
    """The advice for a disposition, in every language, from the model file."""
    return model.advice[disposition]
