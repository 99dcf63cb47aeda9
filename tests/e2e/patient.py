"""A scripted patient for end-to-end tests: answers whichever triage question the bot asks.

The bot's question order comes from the triage engine, so tests say what the
patient would answer to each question (by answer key) rather than a fixed script.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from bot.triage import MODEL, QUESTIONS

SCREEN_AND_AWAY = {item.key for q in MODEL.questions if q.kind == "multi" and (q.screen or q.id == "points_away")
                   for item in q.items}

QUESTION_KEYS = {text: key for key, text in QUESTIONS.items()}


def texts(replies: List[Dict[str, Any]]) -> List[str]:
    return [reply.get("text", "") for reply in replies]


def asked_key(replies: List[Dict[str, Any]]) -> Optional[str]:
    """The triage question among the replies, if any (the last one asked)."""
    keys = [QUESTION_KEYS[t] for t in texts(replies) if t in QUESTION_KEYS]
    return keys[-1] if keys else None


def buttons(replies: List[Dict[str, Any]]) -> List[Dict[str, str]]:
    return [button for reply in replies for button in reply.get("buttons", [])]


@dataclass
class Patient:
    """Talks to the stack as one sender; `answers` maps answer keys to what to send."""

    stack: Any
    sender: str
    answers: Dict[str, str]
    transcript: List[str] = field(default_factory=list)
    turns: int = 0

    def say(self, text: str) -> List[Dict[str, Any]]:
        replies = self.stack.say(self.sender, text)
        self.turns += 1
        self.transcript += [f"> {text}", *texts(replies)]
        return replies

    def start(self) -> List[Dict[str, Any]]:
        """Greet and consent; returns the replies to the consent."""
        self.say("hi")
        return self.say("/affirm")

    def answer_until_done(self, replies: List[Dict[str, Any]], limit: int = 45) -> List[Dict[str, Any]]:
        """Answer each question asked until the bot stops asking triage questions."""
        for _ in range(limit):
            key = asked_key(replies)
            if key is None:
                return replies
            if key not in self.answers:
                raise AssertionError(f"the bot asked {key!r}, which this patient has no answer for:\n"
                                     + "\n".join(self.transcript[-6:]))
            replies = self.say(self.answers[key])
        raise AssertionError("the triage did not end:\n" + "\n".join(self.transcript[-10:]))


#: Every safety and "points away" item answered "no" (nothing urgent), by button payload.
NO_RED_FLAGS = {key: "/deny" for key in QUESTIONS
                if key.startswith("rf_") or key in SCREEN_AND_AWAY}
