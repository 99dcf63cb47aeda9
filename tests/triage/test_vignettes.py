"""Clinical vignettes: each is a parametrized test, and the figures are printed as Gilbert et al. report them.

See the figures with: python -m pytest tests/triage/test_vignettes.py -q -s
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.triage import assess, is_safe
from bot.triage.stats import NO_RED_FLAG, TARGET_AFTER_FLAG, TARGET_MEDIAN, TARGET_P90, counts, report as stats_report, run_all
from bot.triage.vignettes import evaluate, load_vignettes, report

HERE = Path(__file__).parent
VIGNETTES = load_vignettes(HERE / "vignettes.yml")
DOC = HERE.parents[1] / "docs" / "clinical-model.md"


def test_there_are_enough_vignettes_of_every_kind():
    by_kind = {d: sum(v.expected == d for v in VIGNETTES)
               for d in ("emergency", "urgent", "consult", "gait_analysis", "self_care")}
    assert len(VIGNETTES) >= 80 and min(by_kind.values()) >= 8, by_kind


def _case(vignette):
    """A vignette the engine knowingly gets wrong is a strict xfail, so a fix is noticed."""
    marks = [pytest.mark.xfail(strict=True, reason=f"engine gives {vignette.engine_gives}: {vignette.rationale}")] \
        if vignette.engine_gives else []
    return pytest.param(vignette, id=vignette.id, marks=marks)


@pytest.mark.parametrize("vignette", [_case(v) for v in VIGNETTES])
def test_vignette(vignette):
    assert assess(vignette.answers).disposition == vignette.expected, vignette.rationale


def test_known_disagreements_are_what_the_engine_gives_and_safe():
    known = [v for v in VIGNETTES if v.engine_gives]
    assert known, "the file documents the engine's known over-triage"
    for vignette in known:
        assert assess(vignette.answers).disposition == vignette.engine_gives, vignette.id
        assert is_safe(vignette.engine_gives, vignette.expected), vignette.id


def test_the_interview_meets_its_targets_on_the_vignettes():
    runs = run_all(VIGNETTES)
    text, ok = stats_report(runs)
    print("\n" + text)
    assert ok
    benign = counts([r.asked for r in runs if r.assessed in NO_RED_FLAG])
    assert benign.median <= TARGET_MEDIAN and benign.p90 <= TARGET_P90
    assert max(r.after_flag for r in runs if r.assessed not in NO_RED_FLAG) <= TARGET_AFTER_FLAG
    assert all(r.disposition == r.assessed for r in runs)
    assert sum(v.rationale.startswith("new in v2") for v in VIGNETTES) >= 30


def test_every_emergency_vignette_is_safe_and_figures_are_reported():
    given, figures = evaluate(VIGNETTES)
    print("\n" + report(figures))
    assert figures.emergency_total >= 10
    assert figures.emergency_safe == figures.emergency_total
    assert figures.exact == sum(given[v.id] == v.expected for v in VIGNETTES)
    assert figures.safe == sum(is_safe(given[v.id], v.expected) for v in VIGNETTES)
    assert figures.exact <= figures.safe <= figures.safe_gilbert <= figures.total == len(VIGNETTES)
    assert set(figures.unsafe) == {v.id for v in VIGNETTES if not is_safe(given[v.id], v.expected)}


def test_the_documented_figures_are_the_current_ones():
    _, figures = evaluate(VIGNETTES)
    doc = DOC.read_text(encoding="utf-8")
    documented = dict(re.findall(r"^\| ([A-Za-z ,:()./-]+?) \| (\d+/\d+) ", doc, flags=re.M))
    assert documented["exact disposition"] == f"{figures.exact}/{figures.total}"
    assert documented["safe advice: right level or more cautious (our definition)"] == \
        f"{figures.safe}/{figures.total}"
    assert documented["safe as Gilbert et al. define it (also one level less cautious)"] == \
        f"{figures.safe_gilbert}/{figures.total}"
    assert documented["emergency vignettes safe"] == f"{figures.emergency_safe}/{figures.emergency_total}"


def test_evaluate_counts_over_and_under_triage():
    # The figures must reflect what the engine does, so build vignettes whose answers are known.
    from bot.triage.vignettes import Vignette
    cases = [
        Vignette("right", {"rf_cold_foot": True}, "emergency", "r"),
        Vignette("over", {"rf_fever": True}, "consult", "r", "urgent"),
        Vignette("one-under", {"sitting_relieves": True}, "urgent", "r", "consult"),
        Vignette("two-under", {"pain_location": "knee", "flat_feet": True, "front_knee_pain": True}, "urgent", "r",
                 "gait_analysis"),
    ]
    _, figures = evaluate(cases)
    assert (figures.total, figures.exact, figures.safe, figures.safe_gilbert) == (4, 1, 2, 3)
    assert figures.unsafe == ("one-under", "two-under")
    assert figures.by_expected["urgent"] == (2, 0, 0)


@pytest.mark.parametrize("body, problem", [
    ("vignettes: []", "expected 'vignettes'"),
    ("vignettes:\n  - {id: a, answers: {}, expected: soon, rationale: r}", "expected must be one of"),
    ("vignettes:\n  - {id: a, answers: {}, expected: consult, rationale: r}\n"
     "  - {id: a, answers: {}, expected: consult, rationale: r}", "unique text id"),
    ("vignettes:\n  - {id: a, answers: {}, expected: emergency, rationale: r, engine_gives: urgent}",
     "never on an emergency"),
    ("vignettes:\n  - {id: a, answers: {}, expected: consult, rationale: ''}", "one-line rationale"),
    ("vignettes:\n  - {id: a, answers: {}, expected: consult, rationale: r, note: x}", "expected keys"),
])
def test_a_malformed_vignette_file_is_rejected(tmp_path, body, problem):
    path = tmp_path / "v.yml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ValueError, match=problem):
        load_vignettes(path)
