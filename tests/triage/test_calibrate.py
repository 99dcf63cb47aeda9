"""Calibration: Wilson intervals per band, and weights recovered from synthetic findings of known weights."""
from __future__ import annotations

import hashlib
import json
import math
import random
import subprocess
import sys

from hypothesis import given, strategies as st

from bot.paths import REPO_ROOT
from bot.triage.calibrate import (
    POINTS_PER_LOGIT, SCORE_AT_EVEN_ODDS, Record, band_rates, cells, fit_weights, wilson_interval,
)
from bot.triage.model import DEFAULT_MODEL_FILE, MODEL, load_model

TOLERANCE_POINTS = 3.0  # stated tolerance: every fitted weight within 3 points of the weight that made the data
TRUE_BASE = 32


def _true_points():
    """Known weights, deliberately unlike the live model's (seeded, so the test is repeatable); the foot
    signs' 'yes' adds points, as the model's rules require."""
    rng = random.Random(14)
    points = {cell: rng.randint(-12, 12) for cell in cells()}
    for sign in MODEL.score.back_pain_sign.signs:
        points[(sign, True)] = abs(points[(sign, True)]) + 1
    return points


def _answer(rng, key):
    item = MODEL.score.items[key]
    if item.bands:
        band = rng.choice(item.bands)
        return band.start + rng.random() * ((band.below or band.start + 20) - band.start)
    return rng.choice(list(item.by_value))


def synthetic(n, points, base=TRUE_BASE, seed=1):
    """Patients answering 80 % of the items; a finding drawn with log-odds (score - 50) / 10."""
    rng = random.Random(seed)
    records = []
    for _ in range(n):
        answers = {key: _answer(rng, key) for key in MODEL.score.items if rng.random() < 0.8}
        score = base
        for key, value in answers.items():
            item = MODEL.score.items[key]
            score += points[(key, next(i for i, b in enumerate(item.bands) if b.contains(value)) if item.bands else value)]
        p = 1 / (1 + math.exp(-(score - SCORE_AT_EVEN_ODDS) / POINTS_PER_LOGIT))
        records.append(Record(answers, rng.random() < p))
    return records


def test_fit_recovers_known_weights_within_the_stated_tolerance():
    truth = _true_points()
    fit = fit_weights(synthetic(30000, truth))
    assert fit.conclusive, fit.message
    errors = {cell: abs(fit.exact[cell] - truth[cell]) for cell in truth}
    assert max(errors.values()) <= TOLERANCE_POINTS, sorted(errors.items(), key=lambda e: -e[1])[:3]
    assert abs(fit.base - TRUE_BASE) <= TOLERANCE_POINTS


def test_too_little_data_is_said_and_nothing_is_proposed():
    fit = fit_weights(synthetic(120, _true_points()))
    assert not fit.conclusive and fit.points is None
    assert fit.message.startswith("Too little data to conclude: 120 patients")


def test_an_item_everyone_answers_is_measured_from_its_most_common_answer():
    records = [Record({**r.answers, "pain_location": r.answers.get("pain_location", "knee")}, r.finding)
               for r in synthetic(20000, _true_points())]
    fit = fit_weights(records)
    assert fit.conclusive and "1 items answered by nearly everyone" in fit.message
    assert fit.points[("pain_location", "knee")] == 0  # the reference, the most common answer


def test_calibrate_command_writes_a_valid_proposal_and_diff_and_never_the_live_model(tmp_path):
    findings = tmp_path / "findings.jsonl"
    findings.write_text("\n".join(json.dumps({"answers": r.answers, "finding": r.finding})
                                  for r in synthetic(30000, _true_points())))
    live_hash = hashlib.sha256(DEFAULT_MODEL_FILE.read_bytes()).hexdigest()
    done = subprocess.run([sys.executable, "-m", "bot.triage", "calibrate", "--findings", str(findings), "--out",
                           str(tmp_path / "out")], cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "Fitted on 30000 patients" in done.stdout and "is unchanged" in done.stdout
    assert hashlib.sha256(DEFAULT_MODEL_FILE.read_bytes()).hexdigest() == live_hash
    proposed = load_model(tmp_path / "out" / "model.proposed.yml")
    assert abs(proposed.score.base - TRUE_BASE) <= TOLERANCE_POINTS
    flat = proposed.score.items["flat_feet"].by_value[True].points
    assert abs(flat - _true_points()[("flat_feet", True)]) <= TOLERANCE_POINTS + 0.5
    diff = (tmp_path / "out" / "model.diff").read_text()
    assert diff.startswith("--- model.yml (live)") and "+  base: " in diff
    assert proposed.score.items["flat_feet"].source == MODEL.score.items["flat_feet"].source  # wording kept

    small = tmp_path / "small.jsonl"
    small.write_text("\n".join(json.dumps({"answers": r.answers, "finding": r.finding})
                               for r in synthetic(100, _true_points())))
    refused = subprocess.run([sys.executable, "-m", "bot.triage", "calibrate", "--findings", str(small), "--out",
                              str(tmp_path / "small-out")], cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
    assert refused.returncode == 3 and "Too little data to conclude" in refused.stdout
    assert not (tmp_path / "small-out").exists()


def test_band_rates_count_findings_per_likelihood_with_wilson_intervals():
    records = ([Record({}, True, "high")] * 8 + [Record({}, False, "high")] * 2 + [Record({}, False, "low")] * 10)
    low, moderate, high = band_rates(records)
    assert (high.patients, high.with_finding, high.rate) == (10, 8, 0.8)
    assert (round(high.low, 3), round(high.high, 3)) == (0.490, 0.943)  # Wilson 95 % for 8/10
    assert (low.with_finding, round(low.high, 4)) == (0, 0.2775)
    assert (moderate.patients, moderate.rate, moderate.low, moderate.high) == (0, None, 0.0, 1.0)


@given(st.integers(min_value=1, max_value=5000), st.data())
def test_the_interval_always_holds_the_observed_rate_within_0_and_1(total, data):
    hits = data.draw(st.integers(min_value=0, max_value=total))
    low, high = wilson_interval(hits, total)
    assert 0.0 <= low <= hits / total <= high <= 1.0
