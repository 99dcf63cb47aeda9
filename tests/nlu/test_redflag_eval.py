"""The detector measured on the labelled sentence set (tests/nlu/data/redflag_sentences.yml)."""
import time
from collections import Counter
from pathlib import Path

import pytest

from bot.nlu import evaluate_redflags
from bot.nlu.evaluate_redflags import LabelledSentence, evaluate, load_sentences
from bot.nlu.redflags import RED_FLAG_IDS, detect_red_flags

DATA = Path(__file__).parent / "data" / "redflag_sentences.yml"


@pytest.fixture(scope="module")
def sentences():
    return load_sentences(DATA)


@pytest.fixture(scope="module")
def report(sentences):
    return evaluate(sentences)


def test_the_set_is_large_and_varied(sentences):
    groups = Counter(s.group for s in sentences)
    assert len(sentences) >= 500
    assert groups["negated"] >= 60 and groups["benign"] >= 50 and groups["hard"] >= 25
    assert groups["history"] + groups["other"] + groups["hypothetical"] >= 20
    batches = Counter(s.batch for s in sentences)
    assert batches["v2a"] + batches["v2b"] >= 200 and batches["v2b"] >= 50
    per_flag = Counter(flag for s in sentences for flag in s.flags)
    assert all(per_flag[flag] >= 4 for flag in RED_FLAG_IDS), per_flag
    assert sum(len(s.denied or ()) for s in sentences) >= 30


def test_precision_and_recall_meet_the_bar(report):
    assert report.precision >= 0.97, evaluate_redflags.format_report(report)
    assert report.recall >= 0.95, evaluate_redflags.format_report(report)
    assert report.denial_precision >= 0.95 and report.denial_recall >= 0.90, evaluate_redflags.format_report(report)


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
    report = evaluate(cases, detect=said.__getitem__, deny=lambda text: set())
    assert (report.true_positives, report.false_positives, report.false_negatives) == (2, 1, 1)
    assert report.precision == pytest.approx(2 / 3) and report.recall == pytest.approx(2 / 3)
    assert [o.sentence.text for o in report.errors] == ["a", "b"]


def test_denials_are_scored_only_where_labelled():
    cases = [
        LabelledSentence("a", frozenset(), denied=frozenset({"rf_fever", "rf_trauma"})),
        LabelledSentence("b", frozenset(), denied=frozenset()),
        LabelledSentence("c", frozenset()),  # not labelled: its denials count for nothing
    ]
    said = {"a": {"rf_fever"}, "b": {"rf_fever"}, "c": {"rf_trauma"}}
    report = evaluate(cases, detect=lambda text: set(), deny=said.__getitem__)
    assert report.denial_precision == pytest.approx(1 / 2) and report.denial_recall == pytest.approx(1 / 2)
    assert [o.sentence.text for o in report.errors] == ["a", "b"]


def test_the_script_prints_scores_and_misses(capsys, tmp_path):
    data = tmp_path / "set.yml"
    data.write_text(
        "sentences:\n"
        "  - {text: 'i have a fever', flags: [rf_fever]}\n"
        "  - {text: 'my back hurts when i walk', flags: [rf_night_pain], batch: b}\n"
        "  - {text: 'NO NUMBNESS', flags: [], denied: [rf_saddle_numbness, rf_fever], batch: b}\n"
    )
    assert evaluate_redflags.main([str(data)]) == 0
    out = capsys.readouterr().out
    assert "precision: 1.000  recall: 0.500  F1: 0.667" in out
    assert "denials (labelled sentences): precision: 1.000  recall: 0.500" in out
    assert "'my back hurts when i walk': missed rf_night_pain" in out
    assert "'NO NUMBNESS': missed denial rf_fever" in out
    assert evaluate_redflags.main([str(data), "--batch", "b"]) == 0
    assert "sentences: 2 " in capsys.readouterr().out


def test_the_script_needs_the_data_file(capsys):
    """Product code reads no file under tests/: the labelled set is always an argument."""
    with pytest.raises(SystemExit):
        evaluate_redflags.main([])
    assert "required: data" in capsys.readouterr().err


def test_unknown_flag_ids_in_the_set_fail_loudly(tmp_path):
    data = tmp_path / "set.yml"
    data.write_text("sentences:\n  - {text: 'x', flags: [rf_typo]}\n")
    with pytest.raises(ValueError, match="rf_typo"):
        load_sentences(data)


def test_detection_stays_fast(sentences):
    """The detector runs on every message: under 8 ms a typical (labelled-set) message,
    both languages' patterns included (about 3 ms each on the busy shared machine)."""
    detect_red_flags("warm up")  # builds the matchers once
    start = time.perf_counter()
    for sentence in sentences:
        detect_red_flags(sentence.text)
    assert (time.perf_counter() - start) / len(sentences) < 0.008
