"""Input validation: unknown keys, wrong types and out-of-range values name the key."""
from __future__ import annotations

import math

import pytest

from bot.triage import ANSWER_KEYS, InvalidAnswers, assess, pattern_questions, screen_questions

ISSUE_KEYS = {
    "rf_bladder_bowel", "rf_saddle_numbness", "rf_leg_weakness", "rf_fever", "rf_trauma", "rf_cannot_bear_weight",
    "rf_cancer_history", "rf_night_pain", "rf_hot_swollen_knee", "rf_knee_locked", "rf_calf_swelling",
    "rf_cold_foot", "rf_diabetic_hot_foot", "sitting_relieves", "calf_pain_walking", "morning_stiffness",
    "pain_location", "pain_side", "duration_weeks", "pain_severity", "worse_walking", "better_rest",
    "worse_footwear", "flat_feet", "high_arches", "shoe_wear", "prior_injury", "front_knee_pain",
    "heel_arch_pain", "on_feet_job", "insoles_tried", "age",
}


def test_answer_keys_are_the_contract_plus_has_diabetes():
    assert set(ANSWER_KEYS) == ISSUE_KEYS | {"has_diabetes"}
    assert len(ANSWER_KEYS) == len(set(ANSWER_KEYS))


@pytest.mark.parametrize("key, value", [
    ("rf_fever", "yes"), ("rf_fever", 1), ("flat_feet", "true"), ("has_diabetes", 0),
    ("pain_location", "Knee"), ("pain_location", "foot"), ("pain_side", True), ("shoe_wear", "middle"),
    ("insoles_tried", "yes"),
    ("pain_severity", 11), ("pain_severity", -1), ("pain_severity", "6/10"), ("pain_severity", True),
    ("pain_severity", math.nan), ("duration_weeks", -0.5), ("duration_weeks", math.inf), ("duration_weeks", "3"),
    ("age", 45.5), ("age", -1), ("age", 121), ("age", False), ("age", [40]),
])
def test_wrong_type_or_range_names_the_key(key, value):
    with pytest.raises(InvalidAnswers) as raised:
        assess({"pain_location": "knee", key: value} if key != "pain_location" else {key: value})
    assert raised.value.key == key
    assert f"'{key}'" in str(raised.value)
    assert isinstance(raised.value, ValueError)


def test_unknown_key_is_named():
    with pytest.raises(InvalidAnswers, match="'rf_headache'.*unknown answer key") as raised:
        assess({"pain_location": "knee", "rf_headache": True})
    assert raised.value.key == "rf_headache"


@pytest.mark.parametrize("answers", [None, [], "pain", 3])
def test_not_a_mapping_is_rejected(answers):
    with pytest.raises(InvalidAnswers, match="expected an object"):
        assess(answers)  # type: ignore[arg-type]


def test_non_text_key_is_rejected():
    with pytest.raises(InvalidAnswers, match="'1'"):
        assess({1: True})  # type: ignore[dict-item]


def test_question_functions_validate_too():
    for function in (screen_questions, pattern_questions):
        with pytest.raises(InvalidAnswers, match="age"):
            function({"age": "forty"})


@pytest.mark.parametrize("key, value", [
    ("age", 45.0), ("age", 0), ("age", 120), ("pain_severity", 0), ("pain_severity", 10), ("pain_severity", 6.5),
    ("duration_weeks", 0), ("duration_weeks", 0.5), ("shoe_wear", "unknown"),
])
def test_boundary_values_are_accepted(key, value):
    assess({key: value})


def test_a_whole_float_age_counts_as_an_integer():
    assert assess({"age": 61.0}).score == assess({"age": 61}).score


def test_none_is_accepted_for_every_key():
    result = assess({key: None for key in ANSWER_KEYS})
    assert (result.answered, result.red_flags, result.points_away) == (0, (), ())
    assert result.disposition == "consult"
