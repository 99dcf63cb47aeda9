"""Question order: only relevant questions, emergencies first, nothing asked twice."""
from __future__ import annotations

import re

import pytest

from bot.triage import ANSWER_KEYS, EXPLANATIONS, MODEL, QUESTIONS, assess, pattern_questions, screen_questions, why_we_ask


def test_screen_starts_with_location_and_asks_emergencies_first():
    order = screen_questions({})
    assert order[0] == "pain_location"
    assert order[1:4] == ["rf_bladder_bowel", "rf_saddle_numbness", "rf_leg_weakness"]
    assert order.index("rf_cold_foot") < order.index("rf_fever") < order.index("sitting_relieves")
    assert order[-3:] == ["sitting_relieves", "calf_pain_walking", "morning_stiffness"]
    # gated questions wait for their gate
    assert not set(order) & {"rf_hot_swollen_knee", "rf_knee_locked", "rf_diabetic_hot_foot", "pain_severity",
                             "duration_weeks", "age"}


def test_cannot_bear_weight_follows_trauma_and_is_asked_without_it():
    order = screen_questions({"pain_location": "knee"})
    assert order.index("rf_cannot_bear_weight") == order.index("rf_trauma") + 1
    assert "rf_cannot_bear_weight" in screen_questions({"pain_location": "knee", "rf_trauma": False})


@pytest.mark.parametrize("location, knee", [("knee", True), ("both", True), (None, True),
                                            ("lower_back", False), ("other", False)])
def test_knee_flags_only_when_the_knee_may_be_involved(location, knee):
    order = screen_questions({"pain_location": location})
    assert ("rf_hot_swollen_knee" in order) == knee and ("rf_knee_locked" in order) == knee


@pytest.mark.parametrize("diabetes, asked", [(True, True), (None, True), (False, False)])
def test_diabetic_hot_foot_only_for_diabetes(diabetes, asked):
    order = screen_questions({"pain_location": "other", "has_diabetes": diabetes})
    assert ("rf_diabetic_hot_foot" in order) == asked
    assert "has_diabetes" not in order


def test_diabetes_is_asked_before_the_hot_foot_question():
    order = screen_questions({"pain_location": "other"})
    assert "has_diabetes" in order and "rf_diabetic_hot_foot" not in order


@pytest.mark.parametrize("location, asked", [("lower_back", True), ("both", True), ("knee", False)])
def test_back_pain_screen_asks_duration_and_age_for_the_age_flag(location, asked):
    order = screen_questions({"pain_location": location})
    assert ("duration_weeks" in order and "age" in order) == asked
    if asked:
        assert order.index("age") < order.index("sitting_relieves")


@pytest.mark.parametrize("flag", list(MODEL.red_flags))
def test_screen_stops_at_any_red_flag(flag):
    assert screen_questions({"pain_location": "knee", flag: True}) == []
    assert pattern_questions({"pain_location": "knee", flag: True}) == []


def test_screen_stops_at_the_age_flag():
    assert screen_questions({"pain_location": "lower_back", "duration_weeks": 2, "age": 70}) == []
    assert screen_questions({"pain_location": "lower_back", "duration_weeks": 2, "age": 40}) != []


def test_calf_pain_asks_severity_straight_away():
    order = screen_questions({"pain_location": "other", "calf_pain_walking": True})
    assert order[-2:] == ["pain_severity", "morning_stiffness"]
    assert "pain_severity" not in screen_questions({"pain_location": "other", "calf_pain_walking": False})


def test_points_away_keep_the_screen_going_but_stop_the_pattern():
    answers = {"pain_location": "lower_back", "sitting_relieves": True}
    assert screen_questions(answers)[-2:] == ["calf_pain_walking", "morning_stiffness"]
    assert pattern_questions(answers) == []


@pytest.mark.parametrize("condition", list(MODEL.points_away))
def test_pattern_stops_at_each_points_away_condition(condition):
    assert pattern_questions({"pain_location": "knee", condition: True}) == []


def test_pattern_order_and_gates(clear_knee, clear_back):
    knee = pattern_questions(clear_knee)
    assert knee[:3] == ["pain_side", "duration_weeks", "pain_severity"]
    assert "front_knee_pain" in knee and knee[-1] == "age"
    back = pattern_questions(clear_back)
    assert "front_knee_pain" not in back
    assert "duration_weeks" not in back and "age" not in back  # already asked in the back screen
    assert "high_arches" in pattern_questions({**clear_knee, "flat_feet": False})
    assert "high_arches" not in pattern_questions({**clear_knee, "flat_feet": True})
    assert "high_arches" in pattern_questions({**clear_knee, "flat_feet": None})


def test_answered_keys_including_unknown_are_not_asked_again(clear_knee):
    answers = {**clear_knee, "pain_side": None, "shoe_wear": "unknown", "flat_feet": False}
    remaining = pattern_questions(answers)
    assert not {"pain_side", "shoe_wear", "flat_feet"} & set(remaining)
    assert screen_questions(clear_knee) == []


def _conversation(patient: dict) -> tuple[list[str], object]:
    """Ask as the assistant would: screen first, then pattern, one question at a time."""
    answers: dict = {}
    asked: list[str] = []
    for questions in (screen_questions, pattern_questions):
        while questions(answers):
            key = questions(answers)[0]
            asked.append(key)
            answers[key] = patient.get(key)
    return asked, assess(answers)


def test_a_whole_conversation_for_a_runner(clear_knee):
    patient = {**clear_knee, "pain_side": "left", "duration_weeks": 8, "pain_severity": 5, "worse_walking": True,
               "better_rest": True, "front_knee_pain": True, "flat_feet": True, "shoe_wear": "inner", "age": 29}
    asked, result = _conversation(patient)
    assert len(asked) == len(set(asked))
    assert "high_arches" not in asked and "rf_diabetic_hot_foot" not in asked
    assert result.disposition == "gait_analysis" and result.likelihood == "high"


def test_a_conversation_stops_at_the_first_emergency():
    asked, result = _conversation({"pain_location": "lower_back", "rf_bladder_bowel": False,
                                   "rf_saddle_numbness": True})
    assert asked == ["pain_location", "rf_bladder_bowel", "rf_saddle_numbness"]
    assert result.disposition == "emergency"


def test_every_key_is_asked_somewhere():
    assert set(ANSWER_KEYS) == {step.key for step in MODEL.screen} | {step.key for step in MODEL.pattern}


@pytest.mark.parametrize("key", ANSWER_KEYS)
def test_why_we_ask_is_one_or_two_plain_sentences(key):
    text = why_we_ask(key)
    assert text == EXPLANATIONS[key]
    sentences = [part for part in re.split(r"(?<=[.!?])\s+", text.strip()) if part]
    assert 1 <= len(sentences) <= 2 and len(text) < 300
    assert QUESTIONS[key].endswith("?")


@pytest.mark.parametrize("key", [key for key in ANSWER_KEYS if MODEL.questions[key].kind == "bool"])
def test_yes_means_true_in_every_yes_no_question(key):
    """The chat maps a Yes button to true: "Can you ...?" would invert a red flag."""
    assert not QUESTIONS[key].lower().startswith(("can you", "are you able", "do you manage"))


def test_why_we_ask_unknown_key():
    with pytest.raises(KeyError, match="nope"):
        why_we_ask("nope")
