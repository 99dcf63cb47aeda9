"""Simulated patients: the scripts of patients.yml, walked through the engine or a running stack.

    load_patients() -> [PatientScript]
    engine_walk(patient) -> Walk       the interview alone (no servers): a lower bound on messages
    converse(stack, patient) -> Conversation   REST + tracker; raises ConversationFailed

Both answer whatever is pending from the script and fail on a question the
script has no reply for, so a script that drifts from the model or the
conversation is caught rather than answered with a guess. The one exception
is a checklist item asked alone after the checklist reply was not understood:
the driver answers it "yes" or "no" as `intended` says, and records it.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Dict, List, Mapping, Optional, Tuple, Union

import yaml

from bot.triage import MODEL, Question, assess, next_question

PATIENTS_FILE = Path(__file__).with_name("patients.yml")
SPANISH_PATIENTS_FILE = Path(__file__).with_name("patients_es.yml")
MAX_TURNS = 40
RED_FLAG_DISPOSITIONS = frozenset({"emergency", "urgent"})
CHECKLIST_ITEMS = frozenset(item.key for q in MODEL.questions if q.kind == "multi" for item in q.items)
QUESTION_IDS = frozenset(q.id for q in MODEL.questions) | CHECKLIST_ITEMS
"""What a triage question can be pending as: a question's id, or an item's key when asked alone."""
#: Pending ids that are steps of the conversation rather than triage questions.
STEPS = frozenset({"consent", "summary", "booking_offer"})
BOOKING_SLOTS = ("booking_location", "booking_slot", "patient_name", "patient_contact", "booking_confirmed")

Reply = Union[str, List[str]]


class ScriptError(AssertionError):
    """A patient's script cannot answer what is asked (or contradicts itself)."""


@dataclass(frozen=True)
class PatientScript:
    """One simulated patient, as written in patients.yml (see the comment at its top)."""

    id: str
    style: str
    first: str
    first_facts: Mapping[str, object]
    answers: Mapping[str, Reply]
    intended: Mapping[str, object]
    """The answers meant, with unticked checklist items filled in as "no"."""
    written: Mapping[str, object]
    """`intended` exactly as written in the file."""
    expect: str
    red_flag_at: Optional[str] = None
    never_asked: Tuple[str, ...] = ()
    unsure: Tuple[str, ...] = ()
    booking: Mapping[str, str] = MappingProxyType({})
    known_gap: Optional[str] = None
    """Why the conversation is known to fail this patient today (the e2e test is then a strict xfail)."""

    def reply(self, pending: str, times_asked: int) -> Optional[str]:
        """The reply to the `times_asked`-th ask (0-based) of `pending`, or None if unscripted.

        A list gives the replies in turn, its last one repeated, as a patient asked again repeats."""
        script = {**self.answers, **self.booking}.get(pending)
        if isinstance(script, list):
            return script[min(times_asked, len(script) - 1)]
        return script


def load_patients(path: Path = PATIENTS_FILE) -> List[PatientScript]:
    data = yaml.safe_load(path.read_text())
    return [_patient(entry) for entry in data["patients"]]


def _patient(entry: Dict[str, Any]) -> PatientScript:
    written = dict(entry["intended"])
    intended = {key: False for key in CHECKLIST_ITEMS} | written
    return PatientScript(
        id=entry["id"], style=entry["style"], first=entry["first"],
        first_facts=MappingProxyType(dict(entry.get("first_facts", {}))),
        answers=MappingProxyType(dict(entry["answers"])),
        intended=MappingProxyType(intended), written=MappingProxyType(written), expect=entry["expect"],
        red_flag_at=entry.get("red_flag_at"), never_asked=tuple(entry.get("never_asked", ())),
        unsure=tuple(entry.get("unsure", ())), booking=MappingProxyType(dict(entry.get("booking", {}))),
        known_gap=entry.get("known_gap"),
    )


# ---------------------------------------------------------------- the engine alone

@dataclass
class Walk:
    """The interview of one patient by bot.triage alone."""

    asked: List[str] = field(default_factory=list)
    """Question ids (or item keys) in the order asked."""
    disposition: Optional[str] = None
    settled_at: Dict[str, bool] = field(default_factory=dict)
    """Per pending id answered (and "first"): whether the interview was over right after it."""
    to_result: int = 0
    """Patient messages from the first to the result: first, consent, the questions, the scripted summary replies."""
    to_booking: Optional[int] = None


def engine_walk(patient: PatientScript) -> Walk:
    """Walk next_question with the intended answers, `first_facts` prefilled; raises ScriptError."""
    answers: Dict[str, object] = dict(patient.first_facts)
    unsure: set = set()
    walk = Walk()
    walk.settled_at["first"] = next_question(answers) is None
    while (question := next_question(answers, unsure)) is not None:
        if len(walk.asked) > MAX_TURNS:
            raise ScriptError(f"{patient.id}: the interview did not end after {MAX_TURNS} questions")
        walk.asked.append(question.id)
        if patient.reply(question.id, 0) is None:
            raise ScriptError(f"{patient.id}: the engine asks '{question.id}', which the script does not answer")
        if question.id in patient.unsure and question.id not in unsure:
            unsure.add(question.id)
        else:
            answers.update(_meant(patient, question))
        walk.settled_at[question.id] = next_question(answers, unsure) is None
    walk.disposition = assess(answers).disposition
    summary = patient.answers.get("summary")
    summaries = len(summary) if isinstance(summary, list) else int(summary is not None)
    consent = 0 if walk.settled_at["first"] else 1  # a red flag in the first message is answered before consent
    walk.to_result = 1 + consent + len(walk.asked) + summaries
    if patient.booking:
        walk.to_booking = walk.to_result + len(patient.booking)
    return walk


def _meant(patient: PatientScript, question: Question) -> Dict[str, object]:
    """The intended values of a question's keys; a choice answers with the option they match."""
    intended = patient.intended
    if question.kind == "choice":
        for option in question.options:
            if all(intended.get(key) == value for key, value in option.sets.items()):
                return dict(option.sets)
        raise ScriptError(f"{patient.id}: no option of '{question.id}' matches the intended answers")
    missing = [key for key in question.keys if key not in intended]
    if missing:
        raise ScriptError(f"{patient.id}: 'intended' has no value for {', '.join(missing)} (asked by '{question.id}')")
    return {key: intended[key] for key in question.keys}


# ---------------------------------------------------------------- a running stack

class ConversationFailed(AssertionError):
    """The conversation went somewhere the script cannot follow; the message ends with the transcript."""


@dataclass
class Conversation:
    """What one patient's conversation with the stack did."""

    patient: PatientScript
    sender: str
    transcript: List[str] = field(default_factory=list)
    pending_seen: List[Optional[str]] = field(default_factory=list)
    """The open question (or requested booking slot) after each patient message."""
    disposition: Optional[str] = None
    """The latest result (a red flag's advice may be followed by questions that could make it more urgent)."""
    to_result: Optional[int] = None
    """The patient message after which the first result was given."""
    to_booking: Optional[int] = None
    red_flag_turn: Optional[int] = None
    """The patient message (1-based) that first mentioned the red flag."""
    items_alone: List[str] = field(default_factory=list)
    """Checklist items asked one by one that the script did not foresee (the checklist reply was not
    understood): answered "yes" or "no" as intended, so that the run measures what that costs."""

    @property
    def turns(self) -> int:
        return len(self.pending_seen)

    @property
    def red_flag_same_turn(self) -> Optional[bool]:
        if self.patient.red_flag_at is None:
            return None
        return self.to_result is not None and self.to_result == self.red_flag_turn

    def tail(self, lines: int = 16) -> str:
        return "\n".join(self.transcript[-lines:])


def converse(stack: Any, patient: PatientScript, sender: Optional[str] = None) -> Conversation:
    """Talk to `stack` (its .say and .tracker) until a result with no triage question left, and the booking
    when scripted."""
    talk = Conversation(patient, sender or f"sim-{patient.id}-{uuid.uuid4().hex[:8]}")
    asked_times: Dict[str, int] = {}
    text, pending = patient.first, "first"
    while True:
        if patient.red_flag_at == pending and talk.red_flag_turn is None:
            talk.red_flag_turn = talk.turns + 1
        _say(stack, talk, text)
        state = stack.tracker(talk.sender)
        slots = state["slots"]
        pending = _pending(state)
        talk.pending_seen.append(pending)
        talk.transcript.append(f"   [pending: {pending}, disposition: {slots.get('disposition')}]")
        if slots.get("disposition"):
            talk.disposition = slots["disposition"]
            talk.to_result = talk.to_result or talk.turns
        if slots.get("booking_status") == "booked":
            talk.to_booking = talk.turns
        if talk.to_result is not None and pending not in QUESTION_IDS and (not patient.booking or talk.to_booking):
            return talk
        where = f"result {talk.disposition}, not booked" if talk.to_result else "no result"
        if talk.turns >= MAX_TURNS:
            raise ConversationFailed(f"not done after {MAX_TURNS} patient messages ({where}):\n{talk.tail()}")
        if pending is None:
            raise ConversationFailed(f"nothing is pending ({where}):\n{talk.tail()}")
        reply = patient.reply(pending, asked_times.get(pending, 0))
        asked_times[pending] = asked_times.get(pending, 0) + 1
        if reply is None and pending in CHECKLIST_ITEMS:
            reply = "yes" if patient.intended[pending] else "no"
            talk.items_alone.append(pending)
        if reply is None:
            raise ConversationFailed(f"the bot asks '{pending}' (time {asked_times[pending]}), which the script "
                                     f"does not answer ({where}):\n{talk.tail()}")
        text = reply


def served(stack: Any, patient: PatientScript) -> Conversation:
    """Converse, and check what every simulated patient is owed: the expected disposition, no
    question the first message answered, red-flag advice in reply to the message that said it."""
    talk = converse(stack, patient)
    assert talk.disposition == patient.expect, talk.tail()
    repeated = sorted(set(patient.never_asked) & set(talk.pending_seen))
    assert not repeated, f"asked {repeated}, which the first message answered:\n{talk.tail()}"
    if patient.red_flag_at is not None:
        assert talk.red_flag_same_turn, (f"red flag mentioned in message {talk.red_flag_turn}, advice after message "
                                         f"{talk.to_result}:\n{talk.tail()}")
    return talk


def _say(stack: Any, talk: Conversation, text: str) -> None:
    replies = stack.say(talk.sender, text)
    talk.transcript.append(f"> {text}")
    talk.transcript += [f"< {reply.get('text', '')}" for reply in replies if reply.get("text")]


def _pending(tracker: Mapping[str, Any]) -> Optional[str]:
    """What the bot waits for: the booking form's requested slot while it runs, else `open_question`."""
    slots = tracker["slots"]
    loop = (tracker.get("active_loop") or {}).get("name")
    if loop == "booking_form" and slots.get("requested_slot"):
        return slots["requested_slot"]
    return slots.get("open_question")
