"""A question as one bot message for every channel (the contract in docs/conversation.md).

Text channels get the question with numbered checklist items and buttons; the
widget and Telegram draw a checklist from `custom.checklist` instead.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Optional

from bot.triage import MODEL, Question

from .message import answer_text
from .phrases import say

MULTI = "multi"
YES_NO = "yes_no"


@dataclass(frozen=True)
class Reply:
    """One bot message."""

    text: str
    buttons: tuple = ()
    custom: Optional[dict] = None


@dataclass(frozen=True)
class Button:
    title: str
    payload: str

    def to_dict(self) -> dict[str, str]:
        return {"title": self.title, "payload": self.payload}


def text(message: str, buttons: Iterable[Button] = ()) -> Reply:
    return Reply(message, tuple(b.to_dict() for b in buttons))


def checklist_items(question: Question, language: str = "en") -> list[tuple[str, str]]:
    """(key, label) of a checklist's items, in the order shown (without "None of these")."""
    return [(next(iter(option.sets)), option.label.say(language)) for option in question.options[:-1]]


def question_reply(question: Question, denied: Iterable[str] = (), language: str = "en") -> Reply:
    """The message that asks `question` in `language`; `denied` items are marked "(you said no)"."""
    if question.kind == MULTI:
        return _checklist(question, frozenset(denied), language)
    if question.kind == YES_NO:
        buttons = [Button(MODEL.labels["yes"].say(language), answer_text(question.id, value=True)),
                   Button(MODEL.labels["no"].say(language), answer_text(question.id, value=False))]
    else:
        buttons = [Button(option.label.say(language), answer_text(question.id, option=index))
                   for index, option in enumerate(question.options)]
    buttons.append(Button(say("not_sure", language), answer_text(question.id, unsure=True)))
    return text(question.text.say(language), buttons)


def _checklist(question: Question, denied: frozenset, language: str) -> Reply:
    items = checklist_items(question, language)
    note = say("you_said_no", language)
    legend = question.text.say(language)
    lines = [legend]
    lines += [f"{number}. {label}" + (f" ({note})" if key in denied else "")
              for number, (key, label) in enumerate(items, start=1)]
    lines.append(say("checklist_hint", language))
    none = Button(MODEL.labels["none_of_these"].say(language), answer_text(question.id, none=True))
    unsure = Button(say("not_sure", language), answer_text(question.id, unsure=True))
    custom = {"checklist": {
        "q": question.id,
        "legend": legend,
        "items": [{"key": key, "label": label, "note": note if key in denied else ""} for key, label in items],
        "done": {"title": say("checklist_done", language)},
        "hint": say("checklist_nothing_ticked", language, none=none.title),
        "none": none.to_dict(),
        "unsure": unsure.to_dict(),
    }}
    return Reply("\n".join(lines), (none.to_dict(), unsure.to_dict()), custom)
