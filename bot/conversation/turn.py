"""One turn of the interview: the state and the latest message in, the replies and new state out.

The order of concerns in a turn, most important first:
1. a red flag stated anywhere gives its advice in this same turn, consent or not;
2. odd input (too long, no words) is refused with the open question again;
3. a destructive request (start over, delete my data) is only carried out once confirmed;
4. no health questions before consent;
5. the reply to the open question, and any facts the message states, are recorded;
6. the triage engine chooses the next question; when it has none, the patient
   checks a summary of what was read from their words, then gets the result.
A patient who cannot answer is never looped: after two tries a safety item is
let go with plain advice on what to do if it might be true, a checklist is
asked item by item, and any other question is left unanswered.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Iterable, Optional

from bot.nlu import parsers
from bot.nlu.odd_input import MAX_MESSAGE_CHARS
from bot.triage import MODEL, Question, TriageResult, advice, assess, next_question, question_by_id

from .message import PatientMessage, answer_text
from .outcome import SAFETY_DISPOSITIONS, outcome_message
from .phrases import first_phrase, say
from .reading import ANSWER, STALE, UNSURE, read_reply
from .render import MULTI, Button, Reply, question_reply, text
from .state import BOOKING_OFFER, CONSENT, SUMMARY, InterviewState
from .summary import summary_text, understood_summary

MAX_TRIES = 2
DESTRUCTIVE_REQUESTS = ("start_over", "forget_me")
RESUMING_INTENTS = frozenset({"greet", "book_gait_analysis"})
"""Intents that say "let's go on" rather than answer anything: the open question is asked again."""
SAFETY_KEYS = frozenset(item.key for q in MODEL.questions if q.screen and q.kind == MULTI for item in q.items)
_CORRECTION = re.compile(r"\b(?:actually|sorry|i meant|i mean|correction|wait|oops|mistake|not the|rather|change)\b",
                         re.IGNORECASE)
QUESTION_IDS = frozenset(q.id for q in MODEL.questions) | frozenset(item.key for q in MODEL.questions for item in q.items)
"""What open_question may hold besides the conversation's own steps: a question, or an item asked alone."""


@dataclass(frozen=True)
class Clinic:
    """The clinic facts the interview's sentences need."""

    name: str
    phone: str


@dataclass(frozen=True)
class Turn:
    """What to do after one patient message."""

    state: InterviewState
    replies: tuple[Reply, ...]
    result: Optional[TriageResult] = None
    """Set when a result was given in this turn (the action stores it, with consent)."""
    followup: Optional[str] = None
    """A Rasa action to run next: the booking, start over or delete-my-data."""


class _Builder:
    """Collects the replies of one turn while the state changes."""

    def __init__(self, state: InterviewState, clinic: Clinic) -> None:
        self.state = state
        self.clinic = clinic
        self.replies: list[Reply] = []
        self.result: Optional[TriageResult] = None
        self.followup: Optional[str] = None

    @property
    def language(self) -> str:
        return self.state.language

    def words(self, name: str, **values: object) -> str:
        """A phrase in the conversation's language (a button's title, a hint)."""
        return say(name, self.language, **values)

    def say(self, name: str, buttons: Iterable[Button] = (), **values: object) -> None:
        self.replies.append(text(self.words(name, **values), buttons))

    def add(self, reply: Reply) -> None:
        self.replies.append(reply)

    def done(self) -> Turn:
        return Turn(self.state, tuple(self.replies), self.result, self.followup)


def take_turn(state: InterviewState, message: PatientMessage, clinic: Clinic) -> Turn:
    """Handle one patient message (see the module docstring for the order of concerns)."""
    turn = _Builder(state, clinic)
    if message.red_flags:
        _red_flags(turn, message)
    elif (refused := refusal(message, state.language)) is not None:
        turn.add(text(refused))
        _reask(turn)
    elif state.pending_request and _pending_request(turn, message):
        pass
    elif message.intent in DESTRUCTIVE_REQUESTS:
        _ask_to_confirm(turn, message.intent)
    elif turn.state.consent is not True:
        _consent(turn, message)
    else:
        _interview(turn, message)
    return turn.done()


def refusal(message: PatientMessage, language: str = "en") -> Optional[str]:
    """The sentence for a message that is not read (too long, or without a word), else None."""
    if message.too_long:
        return say("too_long", language, length=len(message.text), limit=MAX_MESSAGE_CHARS)
    return say("no_words", language) if message.no_words else None


def reask(state: InterviewState, clinic: Clinic) -> list[Reply]:
    """The open question again (after an interruption such as "what is a gait analysis?")."""
    turn = _Builder(state, clinic)
    _reask(turn)
    return turn.replies


# ---------------------------------------------------------------- confirmations
def _ask_to_confirm(turn: _Builder, request: str) -> None:
    turn.state = replace(turn.state, pending_request=request)
    turn.say(f"confirm_{request}", [Button(say(f"confirm_yes_{request}"), "/affirm"), Button(turn.words("confirm_no"), "/deny")])


def _pending_request(turn: _Builder, message: PatientMessage) -> bool:
    """Handle the reply to "start over?" / "delete?"; False if the message is about something else."""
    request = turn.state.pending_request
    yes = _yes_no(message, None)
    turn.state = replace(turn.state, pending_request=None)
    if yes is True:
        turn.followup = f"action_{request}"
        return True
    if yes is False:
        turn.say("request_kept")
        _reask(turn)
        return True
    return False


# ---------------------------------------------------------------- red flags
def _red_flags(turn: _Builder, message: PatientMessage) -> None:
    """Advice in this same turn; then, with consent, only what could make it more urgent."""
    flags = {flag: True for flag in sorted(message.red_flags) if flag in MODEL.keys}
    turn.state = turn.state.with_answers(flags)
    _note_denials(turn, message)
    if turn.state.consent is True:
        _advance(turn)
        return
    result = assess(turn.state.answers)
    if result.disposition not in SAFETY_DISPOSITIONS:
        _consent(turn, message)  # a sign that does not apply to this pain (a knee sign with back pain)
        return
    _give_result(turn, result, offer=False)
    if turn.state.consent is None:
        turn.say("red_flag_before_consent")
        _ask_consent(turn)


def _note_denials(turn: _Builder, message: PatientMessage) -> None:
    denied = tuple(flag for flag in sorted(message.denied_flags) if flag not in turn.state.denied)
    if denied:
        turn.state = replace(turn.state, denied=turn.state.denied + denied)


# ---------------------------------------------------------------- consent
def _consent(turn: _Builder, message: PatientMessage) -> None:
    _note_denials(turn, message)
    asked = turn.state.open_question == CONSENT
    yes = _yes_no(message, CONSENT) if asked or turn.state.consent is False else None
    if yes is True:
        turn.state = replace(turn.state, consent=True).asking(None)
        turn.say("consent_thanks")
        _advance(turn)
        return
    if yes is False:
        turn.state = replace(turn.state, consent=False, answers={}, understood=()).asking(None)
        turn.say("no_consent", clinic_phone=turn.clinic.phone)
        return
    _remember_facts(turn, message)
    if asked or turn.state.consent is False:
        turn.say("consent_needed")
    else:
        turn.say("greet", clinic_name=turn.clinic.name)
        turn.say("not_a_doctor")
    _ask_consent(turn)


def _ask_consent(turn: _Builder) -> None:
    turn.state = turn.state.asking(CONSENT)
    turn.say("ask_consent", [Button(turn.words("consent_yes"), answer_text(CONSENT, value=True)),
                             Button(turn.words("consent_no"), answer_text(CONSENT, value=False))])


def _remember_facts(turn: _Builder, message: PatientMessage) -> None:
    """Facts told before consent are kept only in this conversation; refusing consent drops them."""
    facts = message.facts
    fresh = {key: value for key, value in facts.items() if key not in turn.state.answers}
    if fresh:
        turn.state = turn.state.with_answers(fresh, tuple(fresh))


# ---------------------------------------------------------------- the interview
def _interview(turn: _Builder, message: PatientMessage) -> None:
    _note_denials(turn, message)
    open_question = turn.state.open_question
    if open_question == SUMMARY:
        _summary_reply(turn, message)
    elif open_question == BOOKING_OFFER:
        _booking_offer_reply(turn, message)
    elif open_question == CONSENT:
        turn.state = turn.state.asking(None)
        _advance(turn)
    elif open_question in QUESTION_IDS:
        _answer(turn, message, question_by_id(open_question, turn.state.answers))
    else:
        _after_result(turn, message)


def _answer(turn: _Builder, message: PatientMessage, question: Question) -> None:
    if message.intent in RESUMING_INTENTS and message.payload is None and not message.facts:
        _reask(turn)
        return
    reading = read_reply(question, message)
    if reading.status == STALE:
        turn.say("moved_on")
        _reask(turn)
        return
    if reading.status == ANSWER:
        from_words = () if message.payload is not None or question.kind in (MULTI, "yes_no") else tuple(reading.values)
        turn.state = turn.state.with_answers(reading.values, from_words)
        _apply_facts(turn, message, correcting=False)
        _advance(turn)
    elif reading.status == UNSURE:
        _unsure(turn, question)
    elif _apply_facts(turn, message, correcting=False):
        _advance(turn)
    else:
        _unclear(turn, question)


def _unsure(turn: _Builder, question: Question) -> None:
    if question.kind == MULTI:
        turn.state = replace(turn.state, unsure=turn.state.unsure + (question.id,))
        turn.say("one_by_one")
        _advance(turn)
    elif set(question.keys) & SAFETY_KEYS:
        _try_again(turn, question, "safety_not_sure")
    else:
        turn.state = turn.state.with_answers({key: None for key in question.keys})
        _advance(turn)


def _unclear(turn: _Builder, question: Question) -> None:
    if turn.state.tries + 1 < MAX_TRIES:
        hint = turn.words(first_phrase(f"hint_{question.id}", f"hint_{question.kind}"))
        turn.say("not_understood", hint=hint)
    _try_again(turn, question, None)


def _try_again(turn: _Builder, question: Question, phrase: Optional[str]) -> None:
    """Ask again, or after MAX_TRIES let the question go so that the patient is never looped."""
    tries = turn.state.tries + 1
    if tries < MAX_TRIES:
        if phrase:
            turn.say(phrase)
        turn.state = replace(turn.state, tries=tries)
        _ask(turn, question, keep_tries=True)
        return
    if question.kind == MULTI:
        turn.state = replace(turn.state, unsure=turn.state.unsure + (question.id,))
        turn.say("one_by_one")
    elif set(question.keys) & SAFETY_KEYS:
        would_be = assess({**turn.state.answers, **{key: True for key in question.keys}}).disposition
        turn.state = turn.state.with_answers({key: None for key in question.keys})
        turn.say("safety_let_go", advice=advice(would_be))
    else:
        turn.state = turn.state.with_answers({key: None for key in question.keys})
        turn.say("let_go")
    _advance(turn)


def _advance(turn: _Builder) -> None:
    """Ask the engine's next question; with none left, the summary check, then the result.

    A safety result is given as soon as an answer decides it, before any question that
    could still make it more urgent.
    """
    question = _next(turn.state)
    result = assess(turn.state.answers)
    if result.disposition in SAFETY_DISPOSITIONS:
        if turn.state.disposition != result.disposition:
            _give_result(turn, result, offer=False)
        elif question is None:
            turn.state = turn.state.asking(None)
            turn.say("advice_stands", advice=advice(result.disposition))
        if question is not None:
            turn.say("red_flag_more")
            _ask(turn, question)
        return
    if question is not None:
        _ask(turn, question)
    elif not turn.state.summary_confirmed and _show_summary(turn):
        pass
    else:
        _give_result(turn, result, offer=True)


def _show_summary(turn: _Builder) -> bool:
    """Ask the patient to check what was read from their words; False if there is nothing to check."""
    summary = summary_text(turn.state.answers, turn.state.understood, turn.language)
    if not summary:
        return False
    tries = turn.state.tries if turn.state.open_question == SUMMARY else 0
    turn.state = replace(turn.state.asking(SUMMARY), tries=tries)
    turn.add(text(summary, [Button(turn.words("summary_yes"), answer_text(SUMMARY, value=True)),
                            Button(turn.words("summary_change"), answer_text(SUMMARY, value=False))]))
    return True


def _next(state: InterviewState) -> Optional[Question]:
    return next_question(state.answers, state.unsure)


def _ask(turn: _Builder, question: Question, keep_tries: bool = False) -> None:
    tries = turn.state.tries
    turn.state = turn.state.asking(question.id, question.keys)
    if keep_tries:
        turn.state = replace(turn.state, tries=tries)
    turn.add(question_reply(question, turn.state.denied, turn.language))


def _reask(turn: _Builder) -> None:
    open_question = turn.state.open_question
    if open_question in QUESTION_IDS:
        _ask(turn, question_by_id(open_question, turn.state.answers), keep_tries=True)
    elif open_question == CONSENT:
        _ask_consent(turn)
    elif open_question == SUMMARY:
        _show_summary(turn)
    elif open_question == BOOKING_OFFER:
        _offer_booking(turn)


def _give_result(turn: _Builder, result: TriageResult, offer: bool) -> None:
    turn.state = replace(turn.state, disposition=result.disposition).asking(None)
    turn.result = result
    turn.add(text(outcome_message(result, turn.clinic.phone, turn.language)))
    if offer and result.disposition == "gait_analysis":
        _offer_booking(turn)


def _offer_booking(turn: _Builder) -> None:
    turn.state = turn.state.asking(BOOKING_OFFER)
    turn.say("offer_booking", [Button(turn.words("offer_yes"), answer_text(BOOKING_OFFER, value=True)),
                               Button(turn.words("offer_no"), answer_text(BOOKING_OFFER, value=False))])


# ---------------------------------------------------------------- summary, offer, corrections
def _summary_reply(turn: _Builder, message: PatientMessage) -> None:
    if _apply_facts(turn, message, correcting=True):
        turn.say("summary_updated")
        _advance(turn)
        return
    yes = _yes_no(message, SUMMARY)
    if yes is False:
        turn.say("summary_ask_change")
        return
    if yes is None and turn.state.tries + 1 < MAX_TRIES:
        turn.state = replace(turn.state, tries=turn.state.tries + 1)
        turn.say("not_understood", hint=turn.words("hint_yes_no"))
        _show_summary(turn)
        return
    turn.state = replace(turn.state, summary_confirmed=True)
    _advance(turn)


def _booking_offer_reply(turn: _Builder, message: PatientMessage) -> None:
    yes = _yes_no(message, BOOKING_OFFER)
    if yes is True:
        turn.state = turn.state.asking(None)
        turn.followup = "action_booking_gate"
    elif yes is False:
        turn.state = turn.state.asking(None)
        turn.say("booking_later")
    else:
        _after_result(turn, message)


def _after_result(turn: _Builder, message: PatientMessage) -> None:
    """After the result: a changed answer re-runs the triage; anything else gets a pointer."""
    if _apply_facts(turn, message, correcting=True):
        turn.say("answers_updated")
        turn.state = replace(turn.state, summary_confirmed=True, disposition=None)
        _advance(turn)
    elif message.intent in RESUMING_INTENTS and turn.state.disposition is None:
        _advance(turn)
    else:
        turn.say("anything_else")


# ---------------------------------------------------------------- facts
def _apply_facts(turn: _Builder, message: PatientMessage, correcting: bool) -> bool:
    """Record stated facts: new ones always, changed ones only when the patient is correcting.

    True if anything changed. A changed answer is said back, so nothing changes silently.
    """
    facts = message.facts
    answers = turn.state.answers
    fresh = {key: value for key, value in facts.items() if key not in answers}
    changed = {key: value for key, value in facts.items() if key in answers and answers[key] != value}
    if not (correcting or _CORRECTION.search(message.words)):
        changed = {}
    updates = {**fresh, **changed}
    if not updates:
        return False
    turn.state = turn.state.with_answers(updates, tuple(updates))
    what = understood_summary(turn.state.answers, tuple(changed), turn.language)
    if what:
        turn.say("corrected", what=what)
    return True


def _yes_no(message: PatientMessage, question_id: Optional[str]) -> Optional[bool]:
    """Yes or no to one of the conversation's own steps, from a button, an intent or words."""
    payload = message.payload
    if payload is not None:
        value = payload.get("value")
        return value if payload.get("q") == question_id and isinstance(value, bool) else None
    if message.intent == "affirm":
        return True
    if message.intent == "deny":
        return False
    if message.words:
        parsed = parsers.parse_yes_no(message.words)
        if parsed.ok:
            return bool(parsed.value)
    return None


def opening(clinic: Clinic, language: str = "en") -> Turn:
    """A fresh start (after "start over"), in the same language: the introduction and the consent question."""
    turn = _Builder(InterviewState(language=language), clinic)
    turn.say("start_over_done")
    turn.say("greet", clinic_name=clinic.name)
    turn.say("not_a_doctor")
    _ask_consent(turn)
    return turn.done()


def answers_the_interview(state: InterviewState, message: PatientMessage) -> bool:
    """True when a message the classifier took for a question in between ("I've got high arches,
    if that matters" read as "why do you ask?") states facts or answers the open question."""
    if state.consent is not True or message.payload is not None or not message.words:
        return False
    if message.facts:
        return True
    if state.open_question in QUESTION_IDS:
        return read_reply(question_by_id(state.open_question, state.answers), message).status == ANSWER
    return False
