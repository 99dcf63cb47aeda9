"""The patient's reply to the open question, as answer values: from a button or from words.

A reading is one of: an answer (values for some of the question's keys),
"not sure", "not understood", or "stale" (a button of a question that is no
longer open). Words are read by bot.nlu: one parser per kind of question, and
the checklist reader for "1 and 3", "none", "bladder and numbness".
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from bot.nlu import parsers
from bot.nlu.checklist import read_checklist
from bot.triage import InvalidAnswers, Question, validate_answers
from bot.wording import LANGUAGES

from .message import PatientMessage
from .render import MULTI, YES_NO, checklist_items

ANSWER, UNSURE, UNCLEAR, STALE = "answer", "unsure", "unclear", "stale"

NUMBER_PARSERS: dict[str, Callable[[str], parsers.Parsed]] = {
    "age": parsers.parse_age,
    "duration_weeks": parsers.parse_duration_weeks,
    "pain_severity": parsers.parse_severity,
}
CHOICE_PARSERS: dict[str, Callable[[str], parsers.Parsed]] = {"insoles_tried": parsers.parse_insoles}


@dataclass(frozen=True)
class Reading:
    status: str
    values: dict = field(default_factory=dict)

    @property
    def answered(self) -> bool:
        return self.status == ANSWER


def read_reply(question: Question, message: PatientMessage) -> Reading:
    """What the message answers to `question` (whose keys are the ones still open)."""
    if message.payload is not None:
        return _from_payload(question, message.payload)
    words = message.words
    if not words:
        return Reading(UNCLEAR)
    if question.kind == MULTI:
        return _checklist(question, words)
    if question.kind == YES_NO:
        return _parsed(parsers.parse_yes_no(words), lambda value: {question.keys[0]: value})
    if question.kind == "number":
        key = question.keys[0]
        option = _option_named(question, words)
        if option is not None:
            return Reading(ANSWER, dict(question.options[option].sets))
        return _parsed(NUMBER_PARSERS[key](words), lambda value: {key: value})
    return _choice(question, words)


def _from_payload(question: Question, payload: dict) -> Reading:
    if payload.get("q") != question.id:
        return Reading(STALE)
    if payload.get("unsure") is True:
        return Reading(UNSURE)
    keys = question.keys
    if question.kind == MULTI:
        if payload.get("none") is True:
            return Reading(ANSWER, {key: False for key in keys})
        ticked = payload.get("yes")
        if isinstance(ticked, list) and ticked and all(isinstance(k, str) for k in ticked):
            chosen = set(ticked) & set(keys)
            if chosen:
                return Reading(ANSWER, {key: key in chosen for key in keys})
        return Reading(UNCLEAR)
    value = payload.get("value")
    if question.kind == YES_NO:
        return Reading(ANSWER, {keys[0]: value}) if isinstance(value, bool) else Reading(UNCLEAR)
    if question.kind == "number" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return _validated({keys[0]: value})
    option = payload.get("option")
    if isinstance(option, int) and not isinstance(option, bool) and 0 <= option < len(question.options):
        return Reading(ANSWER, dict(question.options[option].sets))
    return Reading(UNCLEAR)


def _validated(values: dict) -> Reading:
    try:
        validate_answers(values)
    except InvalidAnswers:
        return Reading(UNCLEAR)
    return Reading(ANSWER, values)


def _checklist(question: Question, words: str) -> Reading:
    reading = read_checklist(words, checklist_items(question))
    if reading.unsure:
        return Reading(UNSURE)
    if reading.none:
        return Reading(ANSWER, {key: False for key in question.keys})
    if reading.yes:
        return Reading(ANSWER, {key: key in reading.yes for key in question.keys})
    return Reading(UNCLEAR)


def _parsed(parsed: parsers.Parsed, values: Callable[[Any], dict]) -> Reading:
    if parsed.ok:
        return Reading(ANSWER, values(parsed.value))
    return Reading(UNSURE if parsed.status == parsers.UNKNOWN else UNCLEAR)


def _choice(question: Question, words: str) -> Reading:
    if parsers.is_unknown(words):
        return Reading(UNSURE)
    option = _option_named(question, words)
    if option is not None:
        return Reading(ANSWER, dict(question.options[option].sets))
    if "pain_location" in question.keys:
        return _location(words)
    key = question.keys[0]
    if key in CHOICE_PARSERS:
        return _parsed(CHOICE_PARSERS[key](words), lambda value: {key: value})
    return Reading(UNCLEAR)


def _location(words: str) -> Reading:
    location = parsers.parse_location(words)
    if not location.ok:
        return Reading(UNSURE if location.status == parsers.UNKNOWN else UNCLEAR)
    values: dict[str, Any] = {"pain_location": location.value}
    side = parsers.parse_side(words)
    if location.value == "knee" and side.ok:
        values["pain_side"] = side.value
    elif location.value == "knee" and re.search(r"\bknees\b", words.lower()):
        values["pain_side"] = "both"
    return Reading(ANSWER, values)


def _option_named(question: Question, words: str) -> Optional[int]:
    """The option whose label (in any language) the patient typed or tapped without a payload, if exactly one."""
    said = parsers.normalise(words)
    matches = [index for index, option in enumerate(question.options)
               if said in {parsers.normalise(option.label.say(language)) for language in LANGUAGES}]
    return matches[0] if len(matches) == 1 else None
