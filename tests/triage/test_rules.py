"""Red flags and "points away" conditions decide before the score (issue 3 rules)."""
from __future__ import annotations

import pytest

from bot.triage import CONDITIONS, MODEL, assess, describe_condition

EMERGENCY_ALONE = ["rf_bladder_bowel", "rf_saddle_numbness", "rf_leg_weakness", "rf_calf_swelling", "rf_cold_foot"]
URGENT_ALONE = ["rf_fever", "rf_trauma", "rf_cannot_bear_weight", "rf_cancer_history", "rf_night_pain",
                "rf_hot_swollen_knee", "rf_knee_locked", "rf_diabetic_hot_foot"]

# Answers that on their own would earn a gait analysis: the flags must override them.
LIKELY_FEET = {"pain_location": "knee", "worse_walking": True, "flat_feet": True, "front_knee_pain": True,
               "insoles_tried": "helped", "duration_weeks": 10, "pain_severity": 5}


@pytest.mark.parametrize("flag", EMERGENCY_ALONE)
def test_emergency_red_flag_alone(flag):
    result = assess({flag: True})
    assert result.disposition == "emergency"
    assert result.red_flags == (flag,)
    assert result.reasons[0].key == flag and result.reasons[0].points == 0


@pytest.mark.parametrize("flag", URGENT_ALONE)
def test_urgent_red_flag_alone(flag):
    result = assess({flag: True})
    assert result.disposition == "urgent"
    assert result.red_flags == (flag,)
    assert result.reasons[0].text == describe_condition(flag)


@pytest.mark.parametrize("flag", EMERGENCY_ALONE + URGENT_ALONE)
def test_red_flag_overrides_a_high_score(flag):
    assert assess(LIKELY_FEET).disposition == "gait_analysis"
    result = assess({**LIKELY_FEET, flag: True})
    assert result.disposition in ("emergency", "urgent")
    assert result.likelihood == "high"  # still computed for clinicians, but not deciding


@pytest.mark.parametrize("flag", EMERGENCY_ALONE + URGENT_ALONE)
def test_a_red_flag_answered_no_or_unknown_fires_nothing(flag):
    for value in (False, None):
        result = assess({**LIKELY_FEET, flag: value})
        assert result.red_flags == () and result.disposition == "gait_analysis"


@pytest.mark.parametrize("flags, combination", [
    (("rf_hot_swollen_knee", "rf_fever"), "septic_joint"),
    (("rf_trauma", "rf_cannot_bear_weight"), "possible_fracture"),
    (("rf_diabetic_hot_foot", "rf_fever"), "diabetic_foot_sepsis"),
])
def test_combinations_escalate_to_emergency_and_replace_their_parts_in_the_reasons(flags, combination):
    result = assess({flag: True for flag in flags})
    assert result.disposition == "emergency"
    assert set(result.red_flags) == set(flags)
    assert [reason.key for reason in result.reasons if reason.points == 0] == [combination]


def test_most_cautious_rule_wins_and_is_explained_first():
    result = assess({"rf_fever": True, "rf_cold_foot": True, "sitting_relieves": True})
    assert result.disposition == "emergency"
    assert [reason.key for reason in result.reasons[:3]] == ["rf_cold_foot", "rf_fever", "sitting_relieves"]
    assert result.points_away == ("sitting_relieves",)


def test_several_urgent_flags_stay_urgent():
    result = assess({"rf_fever": True, "rf_night_pain": True, "rf_cancer_history": True})
    assert result.disposition == "urgent"
    assert result.red_flags == ("rf_fever", "rf_cancer_history", "rf_night_pain")


def test_contradictory_diabetic_hot_foot_is_honoured_on_the_side_of_caution():
    assert assess({"has_diabetes": False, "rf_diabetic_hot_foot": True}).disposition == "urgent"


@pytest.mark.parametrize("condition", ["sitting_relieves", "calf_pain_walking", "morning_stiffness"])
def test_points_away_condition_gives_consult_whatever_the_score(condition):
    result = assess({**LIKELY_FEET, "pain_severity": 4, condition: True})
    assert result.disposition == "consult"
    assert result.points_away == (condition,)
    assert result.red_flags == ()
    assert result.likelihood == "high"
    assert result.reasons[0].key == condition and "You said" in result.reasons[0].text


@pytest.mark.parametrize("severity, disposition", [(None, "consult"), (6.9, "consult"), (7, "urgent"), (10, "urgent")])
def test_calf_pain_on_walking_is_urgent_when_severe(severity, disposition):
    result = assess({"calf_pain_walking": True, "pain_severity": severity})
    assert result.disposition == disposition
    assert "circulation" in result.reasons[0].text
    assert ("24 hours" in result.reasons[0].text) == (disposition == "urgent")


def test_calf_pain_at_rest_is_caught_by_the_night_pain_flag():
    assert assess({"calf_pain_walking": True, "pain_severity": 3, "rf_night_pain": True}).disposition == "urgent"


def test_red_flag_outranks_points_away():
    result = assess({"rf_cancer_history": True, "sitting_relieves": True})
    assert result.disposition == "urgent"
    assert result.points_away == ("sitting_relieves",)


@pytest.mark.parametrize("answers, fires", [
    ({"pain_location": "lower_back", "duration_weeks": 5.9, "age": 50}, True),
    ({"pain_location": "both", "duration_weeks": 1, "age": 19}, True),
    ({"pain_location": "lower_back", "duration_weeks": 5.9, "age": 49}, False),
    ({"pain_location": "lower_back", "duration_weeks": 1, "age": 20}, False),
    ({"pain_location": "lower_back", "duration_weeks": 6, "age": 70}, False),
    ({"pain_location": "knee", "duration_weeks": 1, "age": 70}, False),
    ({"pain_location": "lower_back", "duration_weeks": None, "age": 70}, False),
    ({"pain_location": "lower_back", "duration_weeks": 1}, False),
])
def test_new_back_pain_at_a_flagged_age_is_urgent(answers, fires):
    result = assess(answers)
    assert ("new_back_pain_age" in result.red_flags) == fires
    if fires:
        assert result.disposition == "urgent"
        assert result.reasons[0].text == describe_condition("new_back_pain_age")


def test_every_condition_has_a_plain_sentence():
    ids = set(EMERGENCY_ALONE + URGENT_ALONE) | {"sitting_relieves", "calf_pain_walking", "morning_stiffness",
                                                 "septic_joint", "possible_fracture", "diabetic_foot_sepsis",
                                                 "new_back_pain_age"}
    assert set(CONDITIONS) == ids
    for condition in ids:
        text = describe_condition(condition)
        assert text.startswith("You said ") and text.endswith(".")
        alone = assess({condition: True}).disposition if condition in MODEL.questions else None
        if alone == "emergency":
            assert "emergency care" in text
        elif alone == "urgent":
            assert "24 hours" in text or "today" in text
        elif alone == "consult":
            assert "doctor" in text and "emergency" not in text
    assert "numbness around the groin" in describe_condition("rf_saddle_numbness")
    assert "emergency" in describe_condition("rf_saddle_numbness")
    with pytest.raises(KeyError, match="nope"):
        describe_condition("nope")
