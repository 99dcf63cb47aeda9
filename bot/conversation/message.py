"""One patient message as the conversation needs it: text, intent, red flags, a button's answer.

Button answers arrive as `/answer{"q": ..., ...}` (see docs/conversation.md); the
JSON is read from the raw text here rather than from Rasa's entities, so a list
of ticked items survives as one list. Over-long messages and messages without a
single word are recognised (bot.nlu.odd_input), whatever the classifier guessed.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Mapping, Optional

from bot.nlu.odd_input import has_no_words, too_long
from bot.nlu.facts import read_facts
from bot.nlu.spanish import gloss
from bot.nlu.typos import fix_typos
from bot.triage import InvalidAnswers, validate_answers

ANSWER_PREFIX = "/answer"


def answer_payload(text: str) -> Optional[dict]:
    """The JSON object of an `/answer{...}` button payload, or None for anything else."""
    if not text.startswith(ANSWER_PREFIX + "{"):
        return None
    try:
        payload = json.loads(text[len(ANSWER_PREFIX):])
    except ValueError:
        return None
    return payload if isinstance(payload, dict) and isinstance(payload.get("q"), str) else None


def answer_text(question_id: str, **fields: Any) -> str:
    """The payload a button sends for an answer: compact JSON, `q` first (docs/conversation.md)."""
    return ANSWER_PREFIX + json.dumps({"q": question_id, **fields}, separators=(",", ":"))


@dataclass(frozen=True)
class PatientMessage:
    """What the latest message says, as read by Rasa's NLU and by this package."""

    text: str
    intent: Optional[str] = None
    red_flags: frozenset = frozenset()
    """Red flags the NLU found stated in the text (bot.nlu.redflags)."""
    denied_flags: frozenset = frozenset()
    """Red flags the patient explicitly denied in words ("no numbness")."""
    payload: Optional[dict] = field(default=None)

    @classmethod
    def from_parse(cls, text: str, intent: Optional[str], entities: list[Mapping[str, Any]]) -> "PatientMessage":
        """Build from Rasa's parse data (latest_message)."""
        text = text or ""

        def values(entity: str) -> frozenset:
            return frozenset(str(e.get("value")) for e in entities if e.get("entity") == entity and e.get("value"))

        return cls(text=text, intent=intent, red_flags=values("red_flag"), denied_flags=values("denied_red_flag"),
                   payload=answer_payload(text))

    @property
    def is_button(self) -> bool:
        return self.text.startswith("/")

    @property
    def too_long(self) -> bool:
        return too_long(self.text)

    @property
    def no_words(self) -> bool:
        return not self.is_button and has_no_words(self.text)

    @cached_property
    def facts(self) -> dict:
        """Answer keys the words state (bot.nlu.facts), read once per message; {} if none or invalid."""
        if not self.words:
            return {}
        facts = read_facts(self.words)
        try:
            validate_answers(facts)
        except InvalidAnswers:
            return {}
        return facts

    @cached_property
    def words(self) -> str:
        """The text to read for facts and answers, common misspellings corrected, Spanish glossed
        into the readers' English (bot.nlu.spanish); empty for buttons."""
        return "" if self.is_button else fix_typos(gloss(self.text.strip()))
