"""Facts read from free text, through the project's real pattern file and the engine's key checks."""
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.nlu import evaluate_facts
from bot.nlu.evaluate_facts import LabelledSentence, evaluate, load_sentences
from bot.nlu.facts import FACT_FILE, FactReader, default_reader, read_facts
from bot.triage.answers import validate_answers

DATA = Path(__file__).parent / "data" / "fact_sentences.yml"
TODAY = date(2026, 11, 25)


def test_the_brief_example_answers_four_questions():
    assert read_facts("my knees ache when I walk to work and my feet are flat") == {
        "pain_location": "knee", "pain_side": "both", "worse_walking": True, "flat_feet": True,
    }


@pytest.mark.parametrize(
    "text, expected",
    [("I'm 52 and my left knee has hurt for 6 months, 7/10",
      {"age": 52, "pain_location": "knee", "pain_side": "left", "duration_weeks": 26, "pain_severity": 7}),
     ("lower back pain since March, pretty bad", {"pain_location": "lower_back", "duration_weeks": 38, "pain_severity": 7}),
     ("my back and my right knee both hurt", {"pain_location": "both", "pain_side": "right"}),
     ("tried insoles, didn't help", {"insoles_tried": "no_help"}),
     ("orthotics helped", {"insoles_tried": "helped"}),
     ("never tried insoles", {"insoles_tried": "none"}),
     ("I'm a nurse so on my feet all day", {"on_feet_job": True}),
     ("worse in old worn out shoes", {"worse_footwear": True}),
     ("i have high arches and my feet roll out", {"high_arches": True}),
     ("pain around my kneecap", {"pain_location": "knee", "front_knee_pain": True}),
     ("sciatica down my left leg", {"sciatica": True}),
     ("a 29 year old runner", {"age": 29})],
)
def test_clear_statements_are_read(text, expected):
    assert read_facts(text, TODAY) == expected


@pytest.mark.parametrize(
    "text, expected",
    [("my feet aren't flat", {"flat_feet": False}), ("no heel pain", {"heel_arch_pain": False}),
     ("dont have flat feet", {"flat_feet": False}), ("it doesn't hurt when I walk", {"worse_walking": False}),
     ("no flat feet, no heel pain", {"flat_feet": False, "heel_arch_pain": False}),
     ("no numbness or tingling", {"one_leg_numbness": False}),
     ("I have never had an injury to that knee", {"prior_injury": False})],
)
def test_a_denied_statement_is_read_as_false(text, expected):
    assert read_facts(text) == expected


@pytest.mark.parametrize(
    "text",
    ["my wife has flat feet", "what if it's my arches?", "do flat feet cause knee pain", "I used to be a waiter",
     "the doctor thinks I have flat feet", "I'm worried I might have plantar fasciitis", "my mom had sciatica",
     "my 12 year old son has knee pain", "should I buy insoles?"],
)
def test_other_people_questions_and_the_past_state_nothing(text):
    assert read_facts(text) == {}


@pytest.mark.xfail(strict=True, reason="an 'and' ends the other-person scope: the brother's bad knees are read")
def test_someone_elses_second_complaint_states_nothing():
    assert read_facts("my brother has flat feet and bad knees") == {}


@pytest.mark.xfail(strict=True, reason="'walking is ok' (false) and 'stairs kill me' (true) conflict, so nothing is read")
def test_worse_on_stairs_wins_over_fine_walking():
    assert read_facts("walking is ok but stairs kill me") == {"worse_walking": True}


def test_a_recent_injury_is_not_a_prior_injury():
    assert "prior_injury" not in read_facts("I sprained my knee yesterday")
    assert read_facts("sprained it years ago") == {"prior_injury": True}


def test_a_job_or_an_age_is_not_the_duration_of_the_pain():
    assert "duration_weeks" not in read_facts("I'm retired now but I was a nurse for 30 years")
    assert "duration_weeks" not in read_facts("I am 48 years, pain in the back low")


@pytest.mark.parametrize("text", ["I've been running for 10 years", "I'm 7 months pregnant",
                                  "I ran a marathon 2 years ago", "I fell off a ladder 3 days ago"])
def test_a_time_that_is_not_the_pains_is_not_a_duration(text):
    assert "duration_weeks" not in read_facts(text)


@pytest.mark.parametrize("text, weeks", [("about 3 months", 13), ("left knee, 4 months, mild", 17),
                                         ("I've had it for 2 years", 104), ("my knee has hurt for 6 weeks", 6)])
def test_a_duration_of_the_pain_or_on_its_own_is_read(text, weeks):
    assert read_facts(text)["duration_weeks"] == weeks


def test_standing_up_from_a_chair_is_not_standing():
    assert read_facts("it hurts when I stand up from a chair") == {}
    assert read_facts("it hurts when I stand in line") == {"worse_walking": True}


def test_durations_are_counted_from_today():
    assert read_facts("since March", date(2026, 11, 25)) == {"duration_weeks": 38}
    assert read_facts("since March", date(2026, 4, 1)) == {"duration_weeks": 4}


def test_contradicting_statements_leave_the_key_out():
    assert "flat_feet" not in read_facts("I have flat feet. My feet aren't flat")


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("abcdefiklmnorstuwy '0123456789/,.?")) , max_size=60))
def test_any_text_gives_only_valid_answers_of_this_reader(text):
    facts = read_facts(text)
    assert validate_answers(facts) == facts
    assert set(facts) <= set(default_reader().keys)


def test_the_reader_states_no_red_flag_and_no_foreign_key():
    keys = set(default_reader().keys)
    assert not any(key.startswith("rf_") for key in keys)
    assert not keys & {"steroids_or_osteoporosis", "immune_or_injecting"}


def _spec_with(key, entry):
    spec = yaml.safe_load(FACT_FILE.read_text(encoding="utf-8"))
    spec["facts"] = {key: entry}
    return spec


@pytest.mark.parametrize(
    "key, entry, problem",
    [("rf_fever", {"values": {"true": ["fever"]}}, "rf_fever"),
     ("steroids_or_osteoporosis", {"values": {"true": ["steroids"]}}, "steroids"),
     ("flat_feet", {"values": {"yes": ["flat feet"]}}, "values"),
     ("pain_location", {"values": {"foot": ["foot"]}}, "values"),
     ("age", {"parser": "weight", "patterns": ["NUM"]}, "parser"),
     ("flat_feet", {"values": {"true": ["flat feet"]}, "ignores": ["negated"]}, "ignore")],
)
def test_a_bad_pattern_file_fails_naming_the_problem(key, entry, problem):
    with pytest.raises(ValueError, match=problem):
        FactReader(default_reader()._nlp, _spec_with(key, entry))


# ---------------------------------------------------------------- the labelled set
@pytest.fixture(scope="module")
def labelled():
    return load_sentences(DATA)


def test_the_set_is_large_and_varied(labelled):
    sentences, _ = labelled
    styles = Counter(s.style for s in sentences)
    assert len(sentences) >= 250
    assert all(styles[style] >= 15 for style in
               ("terse", "chatty", "typos", "multi", "negation", "other", "nonnative")), styles
    assert sum(s.batch == "heldout" for s in sentences) >= 60
    assert sum(not s.facts for s in sentences) >= 30
    per_key = Counter(key for s in sentences for key in s.facts)
    assert all(per_key[key] >= 4 for key in default_reader().keys), per_key
    negated = Counter(key for s in sentences for key, value in s.facts.items() if value is False)
    assert sum(negated.values()) >= 30, negated


def test_precision_and_recall_meet_the_bar(labelled):
    sentences, today = labelled
    report = evaluate(sentences, today)
    assert report.precision >= 0.95, evaluate_facts.format_report(report)
    assert report.recall >= 0.85, evaluate_facts.format_report(report)


def test_scores_count_each_sentence_and_key_once():
    cases = [LabelledSentence("a", {"flat_feet": True, "age": 40}), LabelledSentence("b", {}),
             LabelledSentence("c", {"pain_location": "knee"})]
    said = {"a": {"flat_feet": True}, "b": {"high_arches": True}, "c": {"pain_location": "both"}}
    report = evaluate(cases, reader=lambda text, today: said.get(text, {}))
    total = report.overall
    assert (total.tp, total.fp, total.fn) == (1, 2, 2)
    assert report.precision == pytest.approx(1 / 3) and report.recall == pytest.approx(1 / 3)
    assert [o.sentence.text for o in report.errors] == ["a", "b", "c"]


def test_the_script_prints_scores_per_key_and_misses(capsys, tmp_path):
    data = tmp_path / "set.yml"
    data.write_text(
        "today: 2026-11-25\nsentences:\n"
        "  - {batch: heldout, text: 'my feet are flat', facts: {flat_feet: true}}\n"
        "  - {batch: heldout, text: 'my sister is 40', facts: {age: 40}}\n"
        "  - {batch: dev, text: 'high arches', facts: {high_arches: true}}\n"
    )
    assert evaluate_facts.main([str(data), "--batch", "heldout"]) == 0
    out = capsys.readouterr().out
    assert "flat_feet             1    0    0     1.000   1.000" in out
    assert "overall               1    0    1     1.000   0.500" in out
    assert "'my sister is 40': age expected 40 read nothing" in out
    assert "sentences: 2" in out


def test_labels_the_engine_would_reject_fail_loudly(tmp_path):
    data = tmp_path / "set.yml"
    data.write_text("today: 2026-11-25\nsentences:\n  - {text: 'x', facts: {flat_feet: 'yes'}}\n")
    with pytest.raises(ValueError, match="flat_feet"):
        load_sentences(data)
