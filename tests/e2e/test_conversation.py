"""The triage conversation end to end: REST → Rasa → action server → triage engine → tracker."""
from __future__ import annotations

import uuid

import pytest

from bot.clinic import load_clinic
from bot.triage import why_we_ask
from tests.e2e.patient import NO_RED_FLAGS, Patient, asked_key, buttons, texts

pytestmark = pytest.mark.e2e

KNEE_WITH_FOOT_SIGNS = {
    **NO_RED_FLAGS,
    "pain_location": "my knee",
    "pain_side": "my left one",
    "duration_weeks": "about 3 months",
    "pain_severity": "6/10",
    "worse_walking": "yeah mostly when I walk to work",
    "front_knee_pain": "yes, around the kneecap",
    "heel_arch_pain": "/affirm",
    "flat_feet": "/affirm",
    "high_arches": "/deny",
    "worse_footwear": "/affirm",
    "insoles_tried": '/inform{"insoles_tried": "none"}',
    "on_feet_job": "/affirm",
    "age": "45",
}


def new_sender() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


def test_greeting_introduces_the_assistant_and_asks_consent(rasa_stack):
    replies = rasa_stack.say(new_sender(), "hello")
    said = " ".join(texts(replies))
    assert "Center for Podiatric Care and Sports Medicine" in said
    assert "not a doctor" in said
    assert {b["payload"] for b in buttons(replies)} == {"/affirm", "/deny"}


def test_consent_leads_to_the_location_question_with_buttons(rasa_stack):
    patient = Patient(rasa_stack, new_sender(), {})
    replies = patient.start()
    assert asked_key(replies) == "pain_location"
    assert [b["title"] for b in buttons(replies)] == ["Lower back", "Knee", "Both", "Somewhere else"]
    assert rasa_stack.slot(patient.sender, "consent") is True


def test_without_consent_no_health_question_is_asked(rasa_stack):
    sender = new_sender()
    rasa_stack.say(sender, "hi")
    replies = rasa_stack.say(sender, "no thanks")
    said = " ".join(texts(replies))
    assert "555" in said  # the clinic's phone number
    assert asked_key(replies) is None
    assert rasa_stack.slot(sender, "consent") is False


def test_free_text_and_buttons_reach_a_gait_analysis_outcome(rasa_stack):
    patient = Patient(rasa_stack, new_sender(), KNEE_WITH_FOOT_SIGNS)
    final = patient.answer_until_done(patient.start())
    tracker = rasa_stack.tracker(patient.sender)
    slots = tracker["slots"]
    assert slots["disposition"] == "gait_analysis", "\n".join(patient.transcript)
    assert slots["pain_location"] == "knee"
    assert slots["duration_weeks"] == 13
    assert slots["pain_severity"] is None, "severity only matters for pain under two weeks"
    assert slots["flat_feet"] is True
    said = " ".join(texts(final))
    assert "gait analysis" in said.lower() and "not a doctor" in said


def test_red_flag_in_the_first_message_gives_emergency_advice(rasa_stack):
    sender = new_sender()
    replies = rasa_stack.say(sender, "my back hurts and I can't feel my inner thighs")
    said = " ".join(texts(replies))
    assert "911" in said
    assert rasa_stack.slot(sender, "disposition") == "emergency"
    assert asked_key(replies) is None


def test_red_flag_mid_form_stops_the_triage(rasa_stack):
    patient = Patient(rasa_stack, new_sender(), {})
    patient.start()
    replies = patient.say("knee")
    assert asked_key(replies) == "rf_bladder_bowel"
    replies = patient.say("no, but my knee is hot, red and swollen and I have a fever")
    assert rasa_stack.slot(patient.sender, "disposition") == "emergency", "\n".join(patient.transcript)
    assert asked_key(replies) is None
    assert "911" in " ".join(texts(replies))


def test_negated_red_flag_does_not_fire(rasa_stack):
    patient = Patient(rasa_stack, new_sender(), {})
    patient.start()
    replies = patient.say("lower back")
    key = asked_key(replies)
    replies = patient.say("no, no numbness or anything like that")
    assert rasa_stack.slot(patient.sender, key) is False
    assert rasa_stack.slot(patient.sender, "disposition") is None
    assert asked_key(replies) not in (None, key)


def test_unclear_answer_is_re_asked_with_options(rasa_stack):
    patient = Patient(rasa_stack, new_sender(), {})
    patient.start()
    replies = patient.say("purple")
    assert "didn't catch" in " ".join(texts(replies))
    assert asked_key(replies) == "pain_location"
    assert rasa_stack.slot(patient.sender, "pain_location") is None


def test_why_do_you_ask_explains_then_returns_to_the_question(rasa_stack):
    patient = Patient(rasa_stack, new_sender(), {})
    patient.start()
    key = asked_key(patient.say("knee"))
    replies = patient.say("why do you ask?")
    assert why_we_ask(key) in texts(replies)
    assert asked_key(replies) == key


def test_faq_during_the_screen_answers_from_the_clinic_config_then_returns(rasa_stack):
    patient = Patient(rasa_stack, new_sender(), {})
    patient.start()
    key = asked_key(patient.say("lower back"))
    replies = patient.say("what is a gait analysis?")
    assert load_clinic().faq.gait_analysis in texts(replies)
    assert asked_key(replies) == key


def test_changing_an_answer_after_the_outcome_updates_the_result(rasa_stack):
    answers = {**KNEE_WITH_FOOT_SIGNS, "pain_location": "lower back"}
    patient = Patient(rasa_stack, new_sender(), answers)
    patient.answer_until_done(patient.start())
    assert rasa_stack.slot(patient.sender, "pain_location") == "lower_back"
    replies = patient.say("actually it's both knees")
    patient.answer_until_done(replies)
    slots = rasa_stack.tracker(patient.sender)["slots"]
    assert slots["pain_location"] == "knee"
    assert slots["pain_side"] == "both"
    assert slots["rf_hot_swollen_knee"] is False  # the knee questions were asked after the change
    assert slots["disposition"] == "gait_analysis"


def test_conversation_survives_a_rasa_restart(rasa_stack):
    patient = Patient(rasa_stack, new_sender(), {})
    patient.start()
    key = asked_key(patient.say("knee"))
    rasa_stack.restart_rasa()
    replies = patient.say("no")
    assert rasa_stack.slot(patient.sender, key) is False
    assert asked_key(replies) not in (None, key, "pain_location")


def test_forget_me_deletes_the_conversation(rasa_stack):
    patient = Patient(rasa_stack, new_sender(), KNEE_WITH_FOOT_SIGNS)
    patient.answer_until_done(patient.start())
    replies = patient.say("please delete my data")
    assert {b["payload"] for b in buttons(replies)} >= {"/affirm", "/deny"}
    replies = patient.say("/affirm")
    assert "deleted" in " ".join(texts(replies))
    tracker = rasa_stack.tracker(patient.sender)
    assert tracker["slots"].get("consent") is None
    assert all(e.get("event") != "user" for e in tracker["events"]), "old messages are still stored"


@pytest.mark.parametrize("odd", ["", "🦶🦶🦶", "x" * 20000, "¿Dónde está la clínica?", "asdkjh qwpoe zzz"])
def test_odd_input_gets_an_answer_and_loses_nothing(rasa_stack, odd):
    patient = Patient(rasa_stack, new_sender(), {})
    patient.start()
    key = asked_key(patient.say("knee"))
    replies = patient.say(odd)
    if odd:
        assert texts(replies), "every non-empty message gets an answer"
    assert rasa_stack.slot(patient.sender, "pain_location") == "knee"
    assert rasa_stack.slot(patient.sender, key) is None
    replies = patient.say("/deny")
    assert rasa_stack.slot(patient.sender, key) is False
    assert asked_key(replies) not in (None, key)
