"""The interview's state, kept in Rasa slots between turns (one slot per field).

`open_question` and `open_question_keys` are what the tracker shows while a
question is pending: a question's id from bot/triage/model.yml (or a checklist
item's key when it is asked alone), or one of the conversation's own steps:
"consent", "summary" (the check of what was understood) and "booking_offer".
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any, Callable, Optional

CONSENT = "consent"
SUMMARY = "summary"
BOOKING_OFFER = "booking_offer"

SLOTS = {
    "consent": "consent",
    "answers": "answers",
    "open_question": "open_question",
    "open_keys": "open_question_keys",
    "unsure": "unsure_checklists",
    "tries": "question_tries",
    "understood": "understood_keys",
    "summary_confirmed": "summary_confirmed",
    "disposition": "disposition",
    "pending_request": "pending_request",
    "denied": "denied_red_flags",
    "language": "language",
}
"""InterviewState field -> slot name (domain.yml declares these slots; a test keeps them in step)."""


@dataclass(frozen=True)
class InterviewState:
    """Everything the conversation remembers about the interview."""

    consent: Optional[bool] = None
    answers: dict = field(default_factory=dict)
    """Answer keys of bot.triage -> value; None = asked, the patient does not know."""
    open_question: Optional[str] = None
    open_keys: tuple = ()
    unsure: tuple = ()
    """Checklists the patient could not answer as a whole: their items are asked one by one."""
    tries: int = 0
    """Replies to the open question that gave no answer."""
    understood: tuple = ()
    """Keys read from the patient's own words: they are shown in the summary to be checked."""
    summary_confirmed: bool = False
    disposition: Optional[str] = None
    pending_request: Optional[str] = None
    """"start_over" or "forget_me" while the patient is asked to confirm it."""
    denied: tuple = ()
    """Red flags the patient denied in words: still asked, shown as "(you said no)"."""
    language: str = "en"
    """The conversation's language: "en" or "es" (bot/nlu/language.py)."""

    @classmethod
    def from_slots(cls, get_slot: Callable[[str], Any]) -> "InterviewState":
        """Read the state from slots; a slot never set reads as the default."""
        defaults = cls()
        values = {}
        for name, slot in SLOTS.items():
            value = get_slot(slot)
            default = getattr(defaults, name)
            if value is None:
                values[name] = default
            elif isinstance(default, tuple):
                values[name] = tuple(value)
            elif name == "tries":
                values[name] = int(value)
            elif name == "answers":
                values[name] = dict(value)
            else:
                values[name] = value
        return cls(**values)

    def slot_values(self) -> dict[str, Any]:
        """slot name -> value, for every slot of the state."""
        fields = asdict(self)
        return {slot: (list(fields[name]) if isinstance(fields[name], tuple) else fields[name])
                for name, slot in SLOTS.items()}

    def changed_slots(self, before: "InterviewState") -> dict[str, Any]:
        """Only the slots whose value differs from `before`."""
        old = before.slot_values()
        return {slot: value for slot, value in self.slot_values().items() if old[slot] != value}

    def asking(self, question_id: Optional[str], keys: tuple = ()) -> "InterviewState":
        """The state with a new open question (None: nothing pending); its tries start at 0."""
        return replace(self, open_question=question_id, open_keys=tuple(keys), tries=0)

    def with_answers(self, updates: dict, understood: tuple = ()) -> "InterviewState":
        answers = {**self.answers, **updates}
        known = tuple(dict.fromkeys(self.understood + tuple(k for k in understood if k in updates)))
        return replace(self, answers=answers, understood=known)
