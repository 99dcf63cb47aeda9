"""A scripted patient for end-to-end tests: answers whatever the assistant has open, with buttons.

What is open comes from the tracker's `open_question` slot (bot/conversation/state.py),
so tests say what the patient's answers are, not the order of the questions.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional

from bot.conversation.message import answer_text
from bot.conversation.state import BOOKING_OFFER, CONSENT, SUMMARY
from tests.support.answering import payload_for


def texts(replies: List[Dict[str, Any]]) -> List[str]:
    return [reply.get("text", "") for reply in replies if reply.get("text")]


def buttons(replies: List[Dict[str, Any]]) -> List[Dict[str, str]]:
    return [button for reply in replies for button in reply.get("buttons", [])]


def checklists(replies: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    return [reply["custom"]["checklist"] for reply in replies if "checklist" in (reply.get("custom") or {})]


@dataclass
class Patient:
    """Talks to the stack as one sender; `answers` are the patient's answers by answer key."""

    stack: Any
    sender: str
    answers: Mapping[str, object] = field(default_factory=dict)
    transcript: List[str] = field(default_factory=list)
    messages: int = 0

    def say(self, text: str) -> List[Dict[str, Any]]:
        replies = self.stack.say(self.sender, text)
        self.messages += 1
        self.transcript += [f"> {text}", *texts(replies)]
        return replies

    def slot(self, name: str) -> Any:
        return self.stack.slot(self.sender, name)

    @property
    def open_question(self) -> Optional[str]:
        return self.slot("open_question")

    def start(self, first: str = "hi") -> List[Dict[str, Any]]:
        """The first message and the consent; returns the replies to the consent."""
        self.say(first)
        assert self.open_question == CONSENT, self.last_lines()
        return self.say(answer_text(CONSENT, value=True))

    def answer_until_result(self, limit: int = 40) -> List[Dict[str, Any]]:
        """Answer whatever is open until the result (confirming the summary on the way)."""
        replies: List[Dict[str, Any]] = []
        for _ in range(limit):
            tracker = self.stack.tracker(self.sender)
            open_question = tracker["slots"].get("open_question")
            if open_question in (None, BOOKING_OFFER):
                return replies
            if open_question == SUMMARY:
                replies = self.say(answer_text(SUMMARY, value=True))
                continue
            keys = tracker["slots"].get("open_question_keys") or ()
            replies = self.say(payload_for(open_question, self.answers, keys))
        raise AssertionError("the triage did not end:\n" + self.last_lines())

    def last_lines(self, count: int = 10) -> str:
        return "\n".join(self.transcript[-count:])


KNEE_WITH_FOOT_SIGNS = {
    "pain_location": "knee", "pain_side": "both", "duration_weeks": 26, "pain_severity": 5, "age": 40,
    "worse_walking": True, "flat_feet": True, "heel_arch_pain": True, "worse_footwear": True,
    "on_feet_job": True, "front_knee_pain": True, "insoles_tried": "none",
    **{key: False for key in (
        "rf_bladder_bowel", "rf_saddle_numbness", "rf_sexual_dysfunction", "rf_leg_weakness", "rf_calf_swelling",
        "rf_cold_foot", "rf_chest_or_tearing_pain", "rf_serious_trauma", "rf_trauma", "rf_cannot_bear_weight",
        "rf_fever", "rf_hot_swollen_knee", "rf_diabetic_hot_foot", "rf_foot_wound", "rf_night_pain",
        "rf_calf_tender", "rf_knee_locked", "rf_both_legs_pain", "rf_cancer_history", "steroids_or_osteoporosis",
        "immune_or_injecting", "sciatica", "one_leg_numbness", "sitting_relieves", "calf_pain_walking",
        "inflammatory_stiffness", "pregnant_or_postpartum", "high_arches")},
}
"""A patient for whom a gait analysis is the result (tests/triage checks assess() agrees)."""
