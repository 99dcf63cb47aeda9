"""The detector measured on the labelled sentence set (tests/nlu/data/redflag_sentences.yml)."""
from collections import Counter

import pytest

from bot.nlu import evaluate_redflags
from bot.nlu.evaluate_redflags import LabelledSentence, evaluate, load_sentences
from bot.nlu.redflags import RED_FLAG_IDS


@pytest.fixture(scope="module")
def sentences():
    return load_sentences()


@pytest.fixture(scope="module")
def report(sentences):
    return evaluate(sentences)


def test_the_set_is_large_and_varied(sentences):
    groups = Counter(s.group for s in sentences)
    assert len(sentences) >= 180
    assert groups["negated"] >= 30 and groups["benign"] >= 40 and groups["hard"] >= 25
    per_flag = Counter(flag for s in sentences for flag in s.flags)
    assert all(per_flag[flag] >= 4 for flag in RED_FLAG_IDS), per_flag


def test_precision_and_recall_meet_the_bar(report):
    assert report.precision >= 0.95, evaluate_redflags.format_report(report)
    assert report.recall >= 0.90, evaluate_redflags.format_report(report)


def test_no_sentence_without_a_red_flag_fires(report):
    alarms = [o.sentence.text for o in report.outcomes if not o.sentence.flags and o.predicted]
    assert alarms == []


def test_scores_are_micro_averaged_over_flags():
    cases = [
        LabelledSentence("a", frozenset({"rf_fever", "rf_trauma"})),
        LabelledSentence("b", frozenset()),
        LabelledSentence("c", frozenset({"rf_fever"})),
    ]
    said = {"a": {"rf_fever"}, "b": {"rf_trauma"}, "c": {"rf_fever"}}
    report = evaluate(cases, detect=said.__getitem__)
    assert (report.true_positives, report.false_positives, report.false_negatives) == (2, 1, 1)
    assert report.precision == pytest.approx(2 / 3) and report.recall == pytest.approx(2 / 3)
    assert [o.sentence.text for o in report.errors] == ["a", "b"]


def test_the_script_prints_scores_and_misses(capsys, tmp_path):
    data = tmp_path / "set.yml"
    data.write_text(
        "sentences:\n"
        "  - {text: 'i have a fever', flags: [rf_fever]}\n"
        "  - {text: 'my back hurts when i walk', flags: [rf_night_pain]}\n"
    )
    assert evaluate_redflags.main(["--data", str(data)]) == 0
    out = capsys.readouterr().out
    assert "precision: 1.000  recall: 0.500  F1: 0.667" in out
    assert "'my back hurts when i walk': missed rf_night_pain" in out


def test_unknown_flag_ids_in_the_set_fail_loudly(tmp_path):
    data = tmp_path / "set.yml"
    data.write_text("sentences:\n  - {text: 'x', flags: [rf_typo]}\n")
    with pytest.raises(ValueError, match="rf_typo"):
        load_sentences(data)
