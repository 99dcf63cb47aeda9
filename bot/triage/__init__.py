"""Clinical triage engine of the podiatry assistant, in plain Python (no Rasa).

A clinician can read it and a test can drive it; the Rasa actions only call it.

    assess(answers) -> TriageResult
        answers: a dict whose keys are in ANSWER_KEYS (the same names as the
        Rasa slots). Red flags decide first (most cautious rule wins), then
        the "points away" conditions, then the foot-mechanics score.
    screen_questions(answers), pattern_questions(answers) -> list[str]
        the keys still to ask, in order (the screen first, then the pattern).
    why_we_ask(key), EXPLANATIONS, QUESTIONS, describe_condition(id), CONDITIONS, advice(disposition)
        plain-English wording for the conversation.

Skip semantics. Every key is optional:
  * absent        - not asked yet. Fires no rule, adds no points, and is still
                    listed by screen_questions/pattern_questions.
  * None          - asked, answer unknown ("I don't know", "skip"). Fires no
                    rule, adds no points, is not counted in `answered`, and is
                    never asked again. A gate answered None opens the questions
                    it gates (when in doubt we ask): pain_location None still
                    asks the knee flags, has_diabetes None still asks
                    rf_diabetic_hot_foot.
  * "unknown"     - the same as None for shoe_wear, whose choices include it.
So a skipped red-flag question never raises or lowers urgency by itself; the
conversation should re-ask or offer a human when a safety answer is skipped.

Invalid keys, types or ranges raise InvalidAnswers (a ValueError) naming the
key. Weights, thresholds and wording live in model.yml (validated at import;
set TRIAGE_MODEL_FILE to use a clinic's own copy). See docs/clinical-model.md.
"""
from .answers import ANSWER_KEYS, InvalidAnswers
from .dispositions import CAUTION, DISPOSITIONS, is_safe
from .engine import advice, assess
from .model import MODEL, ModelError, load_model
from .questions import EXPLANATIONS, QUESTIONS, pattern_questions, screen_questions, why_we_ask
from .result import Reason, TriageResult
from .rules import CONDITIONS, describe_condition
from .score import LIKELIHOODS

__all__ = [
    "ANSWER_KEYS", "CAUTION", "CONDITIONS", "DISPOSITIONS", "EXPLANATIONS", "LIKELIHOODS", "MODEL",
    "QUESTIONS", "InvalidAnswers", "ModelError", "Reason", "TriageResult", "advice", "assess",
    "describe_condition", "is_safe", "load_model", "pattern_questions", "screen_questions", "why_we_ask",
]
