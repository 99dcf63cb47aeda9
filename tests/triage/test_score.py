"""The points model, the likelihood thresholds and the score-path dispositions."""
from __future__ import annotations

import pytest

from bot.triage import LIKELIHOODS, MODEL, Reason, assess
from bot.triage.score import likelihood_of

BASE = MODEL.score.base
MODERATE_AT, HIGH_AT = MODEL.score.moderate_at, MODEL.score.high_at

EVERY_FOOT_SIGN = {
    "pain_side": "left", "duration_weeks": 26, "pain_severity": 5, "worse_walking": True, "better_rest": True,
    "heel_arch_pain": True, "flat_feet": True, "shoe_wear": "inner", "worse_footwear": True,
    "insoles_tried": "helped", "prior_injury": True, "on_feet_job": True, "age": 40,
}


def test_no_answers_scores_the_base_low_and_goes_to_consult():
    result = assess({})
    assert (result.score, result.answered, result.likelihood) == (BASE, 0, "low")
    assert result.disposition == "consult"
    assert result.reasons == ()


def test_missing_and_unknown_answers_neither_add_nor_subtract(clear_knee):
    answered = {**clear_knee, "flat_feet": True, "worse_walking": True, "duration_weeks": 8}
    known = assess(answered)
    skipped = assess({**answered, "pain_side": None, "better_rest": None, "shoe_wear": "unknown",
                      "insoles_tried": None, "age": None})
    assert (skipped.score, skipped.answered, skipped.disposition) == (known.score, known.answered, known.disposition)
    assert known.answered == 4  # pain_location, flat_feet, worse_walking, duration_weeks


def test_each_answer_moves_the_score_by_its_weight():
    for item in MODEL.score.items:
        if item.bands:
            continue
        for value, contribution in item.by_value.items():
            expected = max(0, min(100, BASE + contribution.points))
            result = assess({item.key: value})
            assert result.score == expected, (item.key, value)
            assert result.answered == 1
            expected_reasons = (Reason(item.key, contribution.says, contribution.points),) if contribution.points else ()
            assert result.reasons == expected_reasons


@pytest.mark.parametrize("weeks, points", [(0, -5), (1.99, -5), (2, 0), (5.9, 0), (6, 5), (520, 5)])
def test_duration_bands_meet_without_gaps(weeks, points):
    assert assess({"duration_weeks": weeks}).score == BASE + points


def test_likelihood_thresholds_at_their_edges():
    assert [likelihood_of(s) for s in (0, MODERATE_AT - 1, MODERATE_AT, HIGH_AT - 1, HIGH_AT, 100)] == \
        ["low", "low", "moderate", "moderate", "high", "high"]
    assert LIKELIHOODS == ("low", "moderate", "high")


def test_thresholds_through_assess():
    # base 20 + knee 10 + worse_walking 12 = 42 (low); + better_rest 5 = 47 (moderate)
    low = assess({"pain_location": "knee", "worse_walking": True, "pain_severity": 5, "duration_weeks": 4})
    moderate = assess({"pain_location": "knee", "worse_walking": True, "better_rest": True, "pain_severity": 5,
                       "duration_weeks": 4})
    assert (low.score, low.likelihood, low.disposition) == (42, "low", "consult")
    assert (moderate.score, moderate.likelihood, moderate.disposition) == (47, "moderate", "gait_analysis")
    # + flat_feet 15 + worse_footwear 10 = 72 (high)
    high = assess({"pain_location": "knee", "worse_walking": True, "better_rest": True, "flat_feet": True,
                   "worse_footwear": True, "duration_weeks": 4})
    assert (high.score, high.likelihood) == (72, "high")


def test_score_is_clamped_to_0_and_100():
    top = assess({"pain_location": "knee", "front_knee_pain": True, **EVERY_FOOT_SIGN})
    assert top.score == 100 and top.likelihood == "high"
    bottom = assess({"worse_walking": False, "better_rest": False, "flat_feet": False, "shoe_wear": "even",
                     "worse_footwear": False, "insoles_tried": "no_help", "duration_weeks": 1, "age": 70})
    assert bottom.score == 0


def test_lower_back_alone_is_capped_at_moderate_and_says_why():
    back = assess({"pain_location": "lower_back", **EVERY_FOOT_SIGN})
    assert (back.score, back.likelihood, back.disposition) == (HIGH_AT - 1, "moderate", "gait_analysis")
    cap = [reason for reason in back.reasons if reason.text == MODEL.score.lower_back_cap_says]
    assert len(cap) == 1 and cap[0].key == "pain_location" and cap[0].points < 0
    assert "cure" not in MODEL.score.lower_back_cap_says and "check" in MODEL.score.lower_back_cap_says
    for location in ("both", "knee"):
        assert assess({"pain_location": location, **EVERY_FOOT_SIGN}).likelihood == "high"


def test_lower_back_below_the_cap_is_untouched():
    result = assess({"pain_location": "lower_back", "worse_walking": True, "flat_feet": True, "duration_weeks": 8,
                     "age": 35})
    assert result.score == BASE + 12 + 15 + 5
    assert all(reason.text != MODEL.score.lower_back_cap_says for reason in result.reasons)


def test_reasons_list_the_largest_contributions_first_up_to_the_limit():
    result = assess({"pain_location": "knee", "front_knee_pain": True, **EVERY_FOOT_SIGN})
    points = [reason.points for reason in result.reasons]
    assert len(points) == MODEL.score.max_reasons
    assert points == sorted(points, key=abs, reverse=True)
    assert points[:2] == [15, 15] and 0 not in points


def test_negative_answers_are_reasons_too():
    result = assess({"pain_location": "knee", "insoles_tried": "no_help", "worse_walking": False})
    assert [(r.key, r.points) for r in result.reasons] == [("pain_location", 10), ("insoles_tried", -10),
                                                           ("worse_walking", -8)]


@pytest.mark.parametrize("duration, severity, disposition", [
    (1.99, 3, "self_care"),
    (0, 0, "self_care"),
    (2, 3, "consult"),     # not under 2 weeks
    (1, 3.5, "consult"),   # not 3 or less
    (None, 2, "consult"),  # unknown duration: the more cautious choice
    (1, None, "consult"),
])
def test_self_care_only_for_recent_and_mild_low_likelihood(clear_knee, duration, severity, disposition):
    answers = {**clear_knee, "flat_feet": False, "duration_weeks": duration, "pain_severity": severity}
    result = assess(answers)
    assert result.likelihood == "low"
    assert result.disposition == disposition


def test_recent_mild_but_likely_feet_is_gait_analysis(clear_knee):
    result = assess({**clear_knee, "duration_weeks": 1, "pain_severity": 2, "flat_feet": True,
                     "worse_walking": True, "heel_arch_pain": True})
    assert result.likelihood == "moderate" and result.disposition == "gait_analysis"


def test_every_disposition_is_reachable():
    seen = {
        assess({"rf_saddle_numbness": True}).disposition,
        assess({"rf_knee_locked": True}).disposition,
        assess({"morning_stiffness": True}).disposition,
        assess({"pain_location": "knee", "flat_feet": True, "front_knee_pain": True}).disposition,
        assess({"pain_location": "knee", "duration_weeks": 1, "pain_severity": 1}).disposition,
    }
    assert seen == {"emergency", "urgent", "consult", "gait_analysis", "self_care"}


def test_result_is_frozen_and_json_ready():
    result = assess({"pain_location": "knee", "flat_feet": True, "sitting_relieves": True})
    with pytest.raises(AttributeError):
        result.score = 3  # type: ignore[misc]
    data = result.to_dict()
    assert data["points_away"] == ["sitting_relieves"] and data["red_flags"] == []
    assert data["reasons"][0] == {"key": "sitting_relieves", "text": result.reasons[0].text, "points": 0}
    assert {"disposition", "red_flags", "likelihood", "score", "reasons", "answered", "points_away"} == set(data)
