"""Properties of the shipped model's interview that must hold for every patient.

Running the interview and answering each question from a full set of answers
gives exactly the disposition assess() gives for the full set: so the early stop
never changes a result, and every emergency is reachable in a conversation.
Hypothesis generates thousands of full answer sets (`make test`; fewer in
`make test-fast`).
"""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from bot.triage import MODEL, assess, next_question
from bot.triage.keys import BOOL, CHOICE, INTEGER
from bot.triage.simulate import run_interview

RULE_FLAGS = sorted({c.key for rule in MODEL.rules for c in rule.conditions if MODEL.keys[c.key].kind == BOOL})
EDGES = {
    "age": [0, 17, 19, 20, 44, 45, 49, 50, 54, 55, 59, 60, 69, 70, 120],
    "duration_weeks": [0, 1, 1.9, 2, 4, 5.9, 6, 11.9, 12, 13, 26, 5200],
    "pain_severity": [0, 2, 3, 3.5, 4, 7, 10],
}


def _values(key: str, benign: bool):
    spec = MODEL.keys[key]
    if spec.kind == BOOL:
        if key in RULE_FLAGS:
            return st.sampled_from([False] * 12 + [None]) if benign else st.sampled_from([False] * 4 + [True, None])
        return st.sampled_from([True, False, None])
    if spec.kind == CHOICE:
        return st.sampled_from([*spec.choices, None])
    numbers = st.integers(int(spec.minimum), int(spec.maximum)) if spec.kind == INTEGER else \
        st.floats(spec.minimum, spec.maximum, allow_nan=False)
    return st.one_of(st.none(), st.sampled_from(EDGES.get(key, [spec.minimum, spec.maximum])), numbers)


@st.composite
def full_answer_sets(draw):
    """Every key answered (None: the patient does not know), half the patients with no red flag at all."""
    benign = draw(st.booleans())
    return {key: draw(_values(key, benign)) for key in MODEL.keys}


@given(full_answer_sets())
def test_the_interview_gives_exactly_what_assess_gives_for_the_full_answers(full):
    run = run_interview(full)
    assert run.result.disposition == assess(full).disposition
    assert len({q.id for q in run.asked if q.kind != "multi"}) == len([q for q in run.asked if q.kind != "multi"])
    assert all(run.answers[key] == full[key] for key in run.answers), "the interview records only what was said"


@settings(max_examples=max(50, settings().max_examples // 4))
@given(full_answer_sets(), st.data())
def test_prefilled_answers_are_not_asked_again_and_change_nothing(full, data):
    prefilled_keys = data.draw(st.lists(st.sampled_from(sorted(full)), unique=True, max_size=12))
    prefilled = {key: full[key] for key in prefilled_keys}
    run = run_interview(full, prefilled)
    assert run.result.disposition == assess(full).disposition
    asked_keys = {key for question in run.asked for key in question.keys}
    assert not asked_keys & set(prefilled)


def _clear_patient(location: str) -> dict:
    """A patient with nothing wrong: every yes/no answer no, pain for 3 months at 5/10, aged 40."""
    answers = {key: False for key, spec in MODEL.keys.items() if spec.kind == BOOL and not spec.retired}
    return {**answers, "pain_location": location, "age": 40, "duration_weeks": 13, "pain_severity": 5,
            "insoles_tried": "none"}


def _satisfying(rule) -> dict:
    """Answers that make every condition of the rule hold."""
    values = {}
    for condition in rule.conditions:
        if condition.values is not None:
            values[condition.key] = sorted(condition.values, key=str)[0]
        elif condition.at_least is not None:
            values[condition.key] = condition.at_least
        else:
            values[condition.key] = MODEL.keys[condition.key].minimum
    return values


EMERGENCIES = [rule for rule in MODEL.rules if rule.disposition == "emergency"]


@pytest.mark.parametrize("rule", EMERGENCIES, ids=[rule.id for rule in EMERGENCIES])
@pytest.mark.parametrize("location", ["knee", "lower_back", "both", "other"])
def test_every_emergency_rule_is_reachable_in_the_interview(rule, location):
    full = {**_clear_patient(location), **_satisfying(rule)}
    expected = assess(full).disposition
    if not MODEL.applies(next(iter(rule.keys)), full) or rule.id not in assess(full).red_flags:
        pytest.skip(f"{rule.id} does not apply to {location} pain")
    assert expected == "emergency"
    run = run_interview(full)
    assert run.result.disposition == "emergency", [q.id for q in run.asked]


@pytest.mark.parametrize("first, partner", [
    ("rf_trauma", "rf_cannot_bear_weight"), ("rf_fever", "rf_hot_swollen_knee"), ("rf_fever", "rf_diabetic_hot_foot"),
])
@pytest.mark.parametrize("prefilled", [False, True])
def test_review_bug_1_combinations_end_as_emergency(first, partner, prefilled):
    """v1 stopped at the first flag, so these ended as urgent in a real conversation (review, section 1)."""
    full = {**_clear_patient("knee"), first: True, partner: True}
    run = run_interview(full, {first: True} if prefilled else {})
    assert run.result.disposition == "emergency"


def test_after_an_urgent_flag_nothing_that_cannot_raise_it_is_asked():
    answers = {"pain_location": "knee", **{k: False for k in ("rf_bladder_bowel", "rf_saddle_numbness",
               "rf_sexual_dysfunction", "rf_leg_weakness", "rf_calf_swelling", "rf_cold_foot",
               "rf_chest_or_tearing_pain", "rf_serious_trauma")}}
    fever_only = {**answers, "rf_trauma": False, "rf_cannot_bear_weight": False, "rf_fever": True,
                  "rf_hot_swollen_knee": False, "rf_diabetic_hot_foot": False, "rf_foot_wound": False}
    assert next_question(fever_only) is None, "nothing after the injury-and-infection list can make it an emergency"
    question = next_question({**answers, "rf_fever": True})
    assert question.id == "injury_infection" and "rf_fever" not in question.keys
