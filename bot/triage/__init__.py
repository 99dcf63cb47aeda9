"""Clinical triage engine of the podiatry assistant, in plain Python (no Rasa).

A clinician can read it and a test can drive it; the conversation only calls it.

    next_question(answers, unsure=()) -> Question | None
        the next question of the short adaptive interview, or None when only
        one disposition is still possible (see interview.py).
    assess(answers) -> TriageResult
        red flags decide first (most cautious rule wins), then the "points
        away" rules, then self-care for recent mild pain, then the score.
    why_we_ask(id), QUESTIONS, EXPLANATIONS, describe_condition(id), CONDITIONS, advice(disposition)
        plain-English wording for the conversation.

Answers: a dict whose keys are in ANSWER_KEYS. Absent = not asked yet; None =
asked, the patient does not know. Neither fires a rule nor adds points.
Answers to questions that do not apply (a knee question for back pain) and to
retired version-1 keys are accepted and ignored. Invalid keys, types or
ranges raise InvalidAnswers (a ValueError) naming the key. Everything
clinical lives in model.yml (validated at import; TRIAGE_MODEL_FILE points at a
clinic's own copy). Every function takes `model=` for another model file.
See docs/clinical-model.md.
"""
from .answers import ANSWER_KEYS, InvalidAnswers, validate_answers
from .dispositions import CAUTION, DISPOSITIONS, is_safe
from .engine import advice, assess
from .interview import Question, next_question, question_by_id
from .model import MODEL, Model, ModelError, Option, load_model
from .questions import EXPLANATIONS, QUESTIONS, why_we_ask
from .reach import reachable
from .result import Reason, TriageResult
from .rules import CONDITIONS, describe_condition
from .score import LIKELIHOODS

__all__ = [
    "ANSWER_KEYS", "CAUTION", "CONDITIONS", "DISPOSITIONS", "EXPLANATIONS", "LIKELIHOODS", "MODEL", "Model",
    "ModelError", "Option", "QUESTIONS", "Question", "InvalidAnswers", "Reason", "TriageResult", "advice",
    "assess", "describe_condition", "is_safe", "load_model", "next_question", "question_by_id", "reachable",
    "validate_answers", "why_we_ask",
]
