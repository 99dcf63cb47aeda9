"""assess() on the fixed test model: rules, gates, retired keys, self-care, the sign rule and the score."""
from __future__ import annotations

import pytest

from bot.triage import InvalidAnswers, assess

CLEAR_KNEE = {"pain_location": "knee", "rf_a": False, "rf_b": False, "rf_c": False, "away": False}


def test_the_most_cautious_rule_wins_and_a_fuller_rule_hides_its_parts(model):
    result = assess({**CLEAR_KNEE, "rf_b": True, "rf_c": True}, model)
    assert result.disposition == "emergency"
    assert set(result.red_flags) == {"b_and_c", "rf_b", "rf_c"}
    assert [r.key for r in result.reasons if r.points == 0] == ["b_and_c"]
    assert result.reasons[0].text.en == "You said you have B and C."
    assert result.reasons[0].text.say("es") == "(es) Usted indicó que (es) you have B and C."


def test_unknown_and_missing_answers_fire_nothing(model):
    assert assess({"pain_location": "knee", "rf_a": None}, model).red_flags == ()
    assert assess({}, model).disposition == "consult"  # base 20 is low: the cautious default


def test_an_answer_to_a_question_that_does_not_apply_is_ignored(model):
    """rf_c is asked for knee pain only: with back pain the interview never asks it, so it has no effect."""
    assert assess({"pain_location": "lower_back", "rf_c": True}, model).red_flags == ()
    assert assess({"pain_location": "knee", "rf_c": True}, model).red_flags == ("rf_c",)
    assert assess({"rf_c": True}, model).red_flags == ("rf_c",), "an unknown location keeps every question open"


def test_retired_keys_are_accepted_and_change_nothing(model):
    assert assess({**CLEAR_KNEE, "old_key": True}, model) == assess(CLEAR_KNEE, model)


def test_the_derived_age_rule_needs_back_pain_new_pain_and_age(model):
    base = {"pain_location": "lower_back", "duration_weeks": 3, "age": 70}
    assert assess(base, model).red_flags == ("old_back",)
    assert assess({**base, "age": 69}, model).red_flags == ()
    assert assess({**base, "duration_weeks": 6}, model).red_flags == ()
    assert assess({**base, "pain_location": "knee"}, model).red_flags == ()
    assert assess({**base, "age": None}, model).red_flags == ()


def test_points_away_gives_consult_whatever_the_score(model):
    high = {**CLEAR_KNEE, "walk": True, "flat": True, "kneecap": True, "insoles": "helped", "duration_weeks": 20}
    assert assess(high, model).likelihood == "high"
    result = assess({**high, "away": True}, model)
    assert (result.disposition, result.points_away) == ("consult", ("away",))


@pytest.mark.parametrize("duration, severity, expected", [
    (1, 3, "self_care"), (1, 3.5, "gait_analysis"), (2, 1, "gait_analysis"), (None, 1, "gait_analysis"),
    (1, None, "gait_analysis"),
])
def test_self_care_comes_before_the_score_and_needs_both_answers(model, duration, severity, expected):
    answers = {**CLEAR_KNEE, "walk": True, "flat": True, "kneecap": True, "duration_weeks": duration,
               "pain_severity": severity}
    result = assess(answers, model)
    assert result.disposition == expected
    if expected == "self_care":
        assert result.reasons[0].key == "self_care"


def test_back_pain_alone_needs_a_sign_in_the_feet(model):
    back = {"pain_location": "lower_back", "rf_a": False, "rf_b": False, "walk": True, "insoles": "helped",
            "duration_weeks": 20}
    without = assess({**back, "flat": False}, model)
    assert without.likelihood == "moderate" and without.disposition == "consult"
    assert "back_pain_needs_a_sign" in [r.key for r in without.reasons]
    assert assess({**back, "flat": True}, model).disposition == "gait_analysis"


def test_lower_back_is_capped_below_high(model):
    result = assess({"pain_location": "lower_back", "walk": True, "flat": True, "insoles": "helped",
                     "duration_weeks": 20}, model)
    assert result.score == 69 and result.likelihood == "moderate"


def test_score_bands_clamping_and_answered_count(model):
    result = assess({"pain_location": "knee", "walk": False, "flat": False, "age": 80, "duration_weeks": 1}, model)
    assert result.score == 20 + 10 - 10 - 5 - 5 - 5
    assert result.answered == 5
    assert result.likelihood == "low"
    top = [r.points for r in result.reasons]
    assert top == sorted(top, key=abs, reverse=True) and len(top) <= 3


@pytest.mark.parametrize("answers, key", [
    ({"rf_z": True}, "rf_z"), ({"rf_a": "yes"}, "rf_a"), ({"pain_location": "ankle"}, "pain_location"),
    ({"age": 30.5}, "age"), ({"age": 101}, "age"), ({"pain_severity": float("nan")}, "pain_severity"),
    ({"walk": 1}, "walk"),
])
def test_invalid_answers_name_the_key(model, answers, key):
    with pytest.raises(InvalidAnswers) as raised:
        assess(answers, model)
    assert raised.value.key == key


def test_the_result_is_json_ready(model):
    data = assess({**CLEAR_KNEE, "rf_b": True}, model).to_dict()
    assert data["disposition"] == "urgent" and data["red_flags"] == ["rf_b"]
    assert isinstance(data["reasons"], list) and data["reasons"][0]["key"] == "rf_b"
