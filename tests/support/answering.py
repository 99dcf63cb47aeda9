"""What a patient with a known set of answers replies to any question: the button they would tap.

Shared by the conversation's unit tests and the end-to-end tests, so both answer
the same way the channels do (the payloads in docs/conversation.md).
"""
from __future__ import annotations

from typing import Mapping, Sequence

from bot.conversation.message import answer_text
from bot.triage import question_by_id


def payload_for(question_id: str, answers: Mapping[str, object], open_keys: Sequence[str] = ()) -> str:
    """The button a patient with these answers taps for the open question (of these open keys).

    A checklist gets its true items ticked, "None of these", or "Not sure" when any
    open item is unknown; a number is sent as its value; an unknown answer is "Not sure".
    """
    question = question_by_id(question_id, {})
    if question.kind == "multi":
        keys = list(open_keys or question.keys)
        if any(answers.get(key) is None for key in keys):
            return answer_text(question_id, unsure=True)
        ticked = [key for key in keys if answers.get(key) is True]
        return answer_text(question_id, yes=ticked) if ticked else answer_text(question_id, none=True)
    if question.kind in ("yes_no", "number"):
        value = answers.get(question.keys[0])
        return answer_text(question_id, unsure=True) if value is None else answer_text(question_id, value=value)
    for index, option in enumerate(question.options):
        if all(answers.get(key) == value for key, value in option.sets.items()):
            return answer_text(question_id, option=index)
    if answers.get("pain_location") == "knee" and "pain_location" in question.keys:
        return "my knee"  # no button says "a knee, not sure which": the patient says it in words
    return answer_text(question_id, unsure=True)
