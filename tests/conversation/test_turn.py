"""bot.conversation.take_turn without servers: consent, safety, every question from the engine, no loops.

A scripted patient answers with buttons (the payloads the channels send) or in
words; the property test checks that a conversation answered from a full set of
answers ends with exactly the result the triage engine gives for it.
"""
from __future__ import annotations

from typing import Optional

from hypothesis import given

from bot.conversation import Clinic, InterviewState, PatientMessage, Turn, take_turn
from bot.conversation.message import answer_payload, answer_text
from bot.conversation.state import BOOKING_OFFER, CONSENT, SUMMARY
from bot.triage import MODEL, advice, assess, question_by_id
from bot.triage.simulate import run_interview
from tests.support.answering import payload_for
from tests.triage.test_interview_properties import full_answer_sets

CLINIC = Clinic("The Test Clinic", "(212) 555-0100")
NO_FLAGS = {"emergency_signs", "injury_infection", "same_day_signs", "points_away"}


def message(text: str, intent: Optional[str] = None, red_flags=(), denied=()) -> PatientMessage:
    return PatientMessage(text=text, intent=intent, red_flags=frozenset(red_flags), denied_flags=frozenset(denied),
                          payload=answer_payload(text))


class Chat:
    """One conversation, turn by turn."""

    def __init__(self) -> None:
        self.state = InterviewState()
        self.turns: list[Turn] = []

    def say(self, text: str, intent: Optional[str] = None, **flags) -> Turn:
        turn = take_turn(self.state, message(text, intent, **flags), CLINIC)
        self.state = turn.state
        self.turns.append(turn)
        return turn

    def consent(self, first: str = "hi") -> Turn:
        self.say(first, "greet")
        return self.say(answer_text(CONSENT, value=True))

    @property
    def open(self) -> Optional[str]:
        return self.state.open_question


def texts(turn: Turn) -> str:
    return "\n".join(reply.text for reply in turn.replies)


# ---------------------------------------------------------------- consent
def test_no_health_question_before_consent_and_facts_kept_until_then():
    chat = Chat()
    first = chat.say("my left knee hurts", "describe_pain")
    assert chat.open == CONSENT and "not a doctor" in texts(first)
    chat.say(answer_text(CONSENT, value=True))
    assert chat.state.consent is True and chat.open == "emergency_signs"
    assert chat.state.answers["pain_location"] == "knee"


def test_refused_consent_asks_nothing_about_health_and_drops_what_was_said():
    chat = Chat()
    chat.say("my left knee hurts", "describe_pain")
    turn = chat.say(answer_text(CONSENT, value=False))
    assert chat.state.consent is False and chat.state.answers == {} and chat.open is None
    assert CLINIC.phone in texts(turn)


# ---------------------------------------------------------------- red flags
def test_a_red_flag_in_the_first_message_is_answered_in_that_turn_before_consent():
    chat = Chat()
    turn = chat.say("my back hurts and I wet myself", "report_red_flag", red_flags=["rf_bladder_bowel"])
    assert advice("emergency").en in texts(turn)
    assert chat.state.disposition == "emergency" and turn.result is not None
    assert chat.open == CONSENT  # more questions only with consent


def test_a_red_flag_ticked_mid_interview_gives_advice_in_that_same_turn():
    chat = Chat()
    chat.consent()
    chat.say(answer_text("where", option=0))
    turn = chat.say(answer_text("emergency_signs", yes=["rf_cold_foot"]))
    assert advice("emergency").en in texts(turn)
    assert chat.state.disposition == "emergency"


def test_an_urgent_flag_advises_at_once_then_asks_only_what_could_make_it_an_emergency():
    chat = Chat()
    chat.consent()
    chat.say(answer_text("where", option=1))
    turn = chat.say("I have a fever", "report_red_flag", red_flags=["rf_fever"])
    assert advice("urgent").en in texts(turn)
    while chat.open not in (None, BOOKING_OFFER):
        question = question_by_id(chat.open, chat.state.answers)
        assert set(question.keys) & {i.key for q in MODEL.questions if q.screen for i in q.items}, chat.open
        turn = chat.say(payload_for(chat.open, {}))  # "not sure" or "no" to everything
        if chat.open and chat.state.tries:
            turn = chat.say(payload_for(chat.open, {}))
    assert chat.state.disposition in ("urgent", "emergency")


def test_a_denied_red_flag_is_still_asked_and_marked():
    chat = Chat()
    chat.say("knee pain, no numbness", "describe_pain", denied=["rf_saddle_numbness"])
    turn = chat.say(answer_text(CONSENT, value=True))
    checklist = turn.replies[-1].custom["checklist"]
    item = next(i for i in checklist["items"] if i["key"] == "rf_saddle_numbness")
    assert item["note"] == "you said no"
    assert "rf_saddle_numbness" not in chat.state.answers


# ---------------------------------------------------------------- not sure, unclear, never loop
def test_not_sure_about_a_checklist_asks_its_items_one_by_one():
    chat = Chat()
    chat.consent()
    chat.say(answer_text("where", option=1))
    chat.say(answer_text("emergency_signs", unsure=True))
    assert chat.open == "rf_bladder_bowel"
    assert question_by_id(chat.open).kind == "yes_no"


def test_a_safety_item_not_answered_twice_is_let_go_with_plain_advice():
    chat = Chat()
    chat.consent()
    chat.say(answer_text("where", option=1))
    chat.say(answer_text("emergency_signs", unsure=True))
    first = chat.say(answer_text("rf_bladder_bowel", unsure=True))
    assert chat.open == "rf_bladder_bowel" and "answer Yes" in texts(first)
    second = chat.say(answer_text("rf_bladder_bowel", unsure=True))
    assert chat.open != "rf_bladder_bowel"
    assert advice("emergency").en in texts(second) and "talk to a person" in texts(second)
    assert chat.state.answers["rf_bladder_bowel"] is None


def test_an_unclear_answer_is_asked_again_once_then_left():
    chat = Chat()
    chat.consent()
    chat.say(answer_text("where", option=1))
    for checklist in ("emergency_signs", "injury_infection", "same_day_signs", "points_away"):
        if chat.open == checklist:
            chat.say(answer_text(checklist, none=True))
    asked = chat.open
    assert asked in ("duration", "age", "severity", "worse_walking", "foot_signs", "insoles")
    first = chat.say("purple")
    assert chat.open == asked and "didn't catch" in texts(first)
    chat.say("purple")
    assert chat.open != asked


# ---------------------------------------------------------------- odd input
def test_odd_input_changes_nothing_and_repeats_the_question():
    chat = Chat()
    chat.consent()
    before = chat.state
    long = chat.say("x" * 5000)
    assert "too long" in texts(long) and chat.state == before
    empty = chat.say("🦶🦶🦶")
    assert "didn't understand" in texts(empty) and chat.state == before
    assert empty.replies[-1].text.startswith(question_by_id("where").text.en)


def test_a_button_of_an_earlier_question_is_not_taken_as_an_answer():
    chat = Chat()
    chat.consent()
    chat.say(answer_text("where", option=1))
    before = chat.state
    turn = chat.say(answer_text("where", option=0))
    assert "no longer applies" in texts(turn) and chat.state.answers == before.answers


# ---------------------------------------------------------------- destructive requests
def test_start_over_and_delete_only_after_confirmation():
    chat = Chat()
    chat.consent()
    asking = chat.say("start over", "start_over")
    assert chat.state.pending_request == "start_over" and asking.followup is None
    kept = chat.say("no", "deny")
    assert kept.followup is None and chat.open == "where" and chat.state.pending_request is None
    chat.say("delete my data", "forget_me")
    confirmed = chat.say("yes", "affirm")
    assert confirmed.followup == "action_forget_me"


# ---------------------------------------------------------------- summary and result
def test_words_are_checked_in_a_summary_and_can_be_corrected():
    chat = Chat()
    chat.consent("my left knee hurts")
    while chat.open and chat.open != SUMMARY:
        chat.say(payload_for(chat.open, {"duration_weeks": 26, "pain_severity": 5, "worse_walking": True,
                                         "insoles_tried": "none", "age": 40}))
    assert chat.open == SUMMARY
    summary = chat.turns[-1].replies[-1].text
    assert "knee" in summary and "left side" in summary
    chat.say(answer_text(SUMMARY, value=True))
    assert chat.open in (None, BOOKING_OFFER) and chat.state.disposition is not None


def test_a_gait_result_offers_the_booking_and_yes_leads_to_it():
    full = {"pain_location": "knee", "pain_side": "both", "duration_weeks": 26, "pain_severity": 5, "age": 40,
            "worse_walking": True, "flat_feet": True, "heel_arch_pain": True, "worse_footwear": True,
            "on_feet_job": True, "front_knee_pain": True, "insoles_tried": "none"}
    assert assess(full).disposition == "gait_analysis"
    chat = Chat()
    chat.consent()
    while chat.open not in (None, BOOKING_OFFER):
        chat.say(payload_for(chat.open, full))
    assert chat.state.disposition == "gait_analysis" and chat.open == BOOKING_OFFER
    assert chat.state.open_keys == ()
    turn = chat.say(answer_text(BOOKING_OFFER, value=True))
    assert turn.followup == "action_booking_gate" and chat.open is None


def test_the_open_question_and_its_keys_are_in_the_state_while_pending():
    chat = Chat()
    chat.consent()
    assert chat.open == "where" and chat.state.open_keys == ("pain_location", "pain_side")
    assert chat.state.slot_values()["open_question_keys"] == ["pain_location", "pain_side"]


@given(full_answer_sets())
def test_a_conversation_answered_with_buttons_gives_the_engines_result(full):
    """Whatever the patient's answers, the conversation ends where the engine's own interview ends."""
    expected = run_interview(full).result.disposition
    chat = Chat()
    chat.consent()
    for _ in range(80):
        if chat.open in (None, BOOKING_OFFER):
            break
        if chat.open == SUMMARY:
            chat.say(answer_text(SUMMARY, value=True))
            continue
        chat.say(payload_for(chat.open, full, chat.state.open_keys))
    assert chat.open in (None, BOOKING_OFFER), chat.open
    assert chat.state.disposition == expected
