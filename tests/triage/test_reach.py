"""The reachability analysis behind the early stop is exact: checked against brute force on the test model.

For random answers with up to five questions left open, every completion of the
open keys (each edge of every band, and "don't know") is run through assess();
the set of dispositions they give must be exactly what the analysis says, and
so must the set of rules some completion fires.
"""
from __future__ import annotations

from itertools import product

from hypothesis import given, strategies as st

from bot.triage.engine import assess
from bot.triage.reach import Reachability
from bot.triage.rules import fired_rules
from bot.triage.answers import effective_answers
from tests.triage.conftest import FIXTURE

DOMAINS = {
    "pain_location": [None, "lower_back", "knee", "other"],
    "pain_side": [None, "left"],
    "rf_a": [None, True, False], "rf_b": [None, True, False], "rf_c": [None, True, False],
    "away": [None, True, False], "walk": [None, True, False], "flat": [None, True, False],
    "kneecap": [None, True, False],
    "age": [None, 0, 30, 59, 60, 69, 70, 100],
    "duration_weeks": [None, 0, 1.9, 2, 5.9, 6, 50],
    "pain_severity": [None, 0, 3, 3.1, 10],
    "insoles": [None, "none", "helped"],
}
ANALYSIS = Reachability(FIXTURE)


def brute_force(answers: dict, open_keys: list) -> tuple[set, set]:
    dispositions, rules = set(), set()
    for values in product(*(DOMAINS[key] for key in open_keys)):
        full = {**answers, **dict(zip(open_keys, values))}
        dispositions.add(assess(full, FIXTURE).disposition)
        rules |= {rule.id for rule in fired_rules(effective_answers(full, FIXTURE), FIXTURE)}
    return dispositions, rules


@st.composite
def partial_answers(draw):
    keys = list(DOMAINS)
    open_keys = draw(st.lists(st.sampled_from(keys), unique=True, max_size=5))
    answers = {key: draw(st.sampled_from(DOMAINS[key])) for key in keys if key not in open_keys}
    return answers, open_keys


@given(partial_answers())
def test_the_analysis_matches_brute_force(case):
    answers, open_keys = case
    analysis = ANALYSIS.analyse(answers)
    dispositions, rules = brute_force(answers, open_keys)
    assert set(analysis.reachable) == dispositions
    assert set(analysis.can_fire) == rules


def test_with_everything_open_every_disposition_is_possible():
    assert ANALYSIS.analyse({}).reachable == {"emergency", "urgent", "consult", "gait_analysis", "self_care"}


def test_numbers_are_tried_once_per_region_of_their_bands_and_rules():
    assert ANALYSIS.candidates["age"] == (0.0, 60.0, 70.0, None)
    assert ANALYSIS.candidates["duration_weeks"] == (0.0, 2.0, 6.0, None)
    assert ANALYSIS.candidates["pain_severity"] == (0.0, 6.5, None)
