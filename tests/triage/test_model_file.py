"""The model file is validated at load: a bad file fails with its path and the line at fault."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.triage import MODEL, ModelError, load_model
from bot.triage.model import DEFAULT_MODEL_FILE

REPO = Path(__file__).resolve().parents[2]
GOOD = DEFAULT_MODEL_FILE.read_text(encoding="utf-8")


def _write(tmp_path: Path, old: str, new: str) -> tuple[Path, int]:
    """A copy of the real model with one edit; returns the file and the edited line's number."""
    assert GOOD.count(old) == 1, old
    text = GOOD.replace(old, new)
    path = tmp_path / "model.yml"
    path.write_text(text, encoding="utf-8")
    return path, text[:text.index(new)].count("\n") + 1 + new[:len(new) - len(new.lstrip("\n"))].count("\n")


def test_the_shipped_model_loads_and_a_copy_loads_the_same(tmp_path):
    copy = tmp_path / "copy.yml"
    copy.write_text(GOOD, encoding="utf-8")
    loaded = load_model(copy)
    assert loaded.score == MODEL.score and loaded.questions == MODEL.questions and loaded.screen == MODEL.screen


@pytest.mark.parametrize("old, new, message", [
    ('      "true": {points: 15, says: "Flat',
     '      "true": {points: 75, says: "Flat', "75 is outside -50..50"),
    ('      "false": {points: -5, says: "No flat',
     '      "nope": {points: -5, says: "No flat', "'nope' is not a value of flat_feet"),
    ("  moderate_at: 45", "  moderate_at: forty-five", "expected a whole number"),
    ("  high_at: 70", "  high_at: 40", "40 is outside 46..100"),
    ("  rf_knee_locked:       # locked knee", "  rf_knee_lockd:       # locked knee",
     "'rf_knee_lockd' is not a true/false question"),
    ("    disposition: urgent\n    says: \"your knee has locked",
     "    disposition: soon\n    says: \"your knee has locked", "disposition 'soon' is not allowed"),
    ("    when: [rf_trauma, rf_cannot_bear_weight]", "    when: [rf_trauma, rf_broken]",
     "two or more different red flags"),
    ("  - {key: rf_diabetic_hot_foot, ask_if: {has_diabetes: [true]}}",
     "  - {key: rf_diabetic_hot_foot, ask_if: {has_diabets: [true]}}", "gate 'has_diabets' must be a question asked"),
    ("  - {key: high_arches, skip_if: {flat_feet: [true]}}", "  - {key: high_arches, skip_if: {flat_feet: [yes]}}",
     "'yes' is not a value of flat_feet"),
    ("      - {from: 2, below: 6, points: 0,", "      - {from: 3, below: 6, points: 0,",
     "this band must start at 2"),
    ("  max_reasons: 5 ", "  max_reason: 5 ", "unknown key 'max_reason'"),
    ("    type: integer\n    min: 0\n    max: 120", "    type: whole\n    min: 0\n    max: 120",
     "unknown question type 'whole'"),
    ("  severity_at_most: 3", "  severity_at_most: 30", "30 is outside 0..10"),
    ("      disposition: urgent\n      says: \"calf", "      disposition: consult\n      says: \"calf",
     "must be more cautious"),
    ('    why: "A knee that locks can have a torn cartilage or a loose piece caught in the joint, which a doctor '
     'should examine soon."', '    why: "  "', "expected non-empty text"),
    ('  emergency: "Call 911 or go to the nearest emergency department now."', "  emergency: [911]",
     "expected text, found a list"),
    ("    choices: [inner, outer, even, unknown]", "    choices: [inner, outer, even, unknown, inner]",
     "duplicate choices"),
])
def test_a_bad_value_names_file_and_line(tmp_path, old, new, message):
    path, line = _write(tmp_path, old, new)
    with pytest.raises(ModelError) as raised:
        load_model(path)
    error = str(raised.value)
    assert error.startswith(f"{path}:{line}: "), error
    assert message in error


def test_invalid_yaml_syntax_names_the_line(tmp_path):
    path, line = _write(tmp_path, "  moderate_at: 45\n", "  moderate_at: 45\n bad_indent: 1\n")
    with pytest.raises(ModelError, match=f"^{path}:{line + 1}: invalid YAML"):
        load_model(path)
    path, line = _write(tmp_path, "  base: 20 ", "  base: [20 ")
    with pytest.raises(ModelError, match="invalid YAML") as raised:
        load_model(path)
    assert str(raised.value).startswith((f"{path}:{line}:", f"{path}:{line + 1}:"))  # the parser notices on the next line


def test_duplicate_key_names_its_line(tmp_path):
    path, line = _write(tmp_path, "  moderate_at: 45\n", "  moderate_at: 45\n  moderate_at: 50\n")
    with pytest.raises(ModelError, match=f"^{path}:{line + 1}: duplicate key 'moderate_at'"):
        load_model(path)


def test_a_missing_weight_is_an_error_not_a_silent_zero(tmp_path):
    old = '      "false": {points: 0, says: "No past ankle or knee ligament injuries."}\n'
    path, line = _write(tmp_path, old, "")
    with pytest.raises(ModelError, match="prior_injury: no points for the answer 'false'"):
        load_model(path)


def test_a_red_flag_question_without_a_rule_is_an_error(tmp_path):
    start = GOOD.index("  rf_cold_foot:         # acute limb")
    end = GOOD.index("  rf_trauma:            # NICE NG59")
    path = tmp_path / "model.yml"
    path.write_text(GOOD[:start] + GOOD[end:], encoding="utf-8")
    with pytest.raises(ModelError, match="'rf_cold_foot' looks like a red flag but has no rule"):
        load_model(path)


def test_a_question_never_asked_is_an_error(tmp_path):
    path, _ = _write(tmp_path, "  - prior_injury\n", "")
    with pytest.raises(ModelError, match="question 'prior_injury' is never asked"):
        load_model(path)


def test_missing_and_empty_files(tmp_path):
    with pytest.raises(ModelError, match="cannot read"):
        load_model(tmp_path / "absent.yml")
    empty = tmp_path / "empty.yml"
    empty.write_text("# nothing\n", encoding="utf-8")
    with pytest.raises(ModelError, match=f"^{empty}:1: the triage model file is empty"):
        load_model(empty)


def test_a_bad_model_stops_the_import_with_file_and_line(tmp_path):
    path, line = _write(tmp_path, "  high_at: 70", "  high_at: 700")
    env = {**os.environ, "TRIAGE_MODEL_FILE": str(path)}
    run = subprocess.run([sys.executable, "-c", "import bot.triage"], cwd=REPO, env=env,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode != 0
    assert f"ModelError: {path}:{line}: 700 is outside 46..100" in run.stderr


def test_a_clinic_copy_is_used_when_configured(tmp_path):
    path, _ = _write(tmp_path, "  high_at: 70", "  high_at: 90")
    env = {**os.environ, "TRIAGE_MODEL_FILE": str(path)}
    code = "from bot.triage import assess; print(assess({'pain_location': 'knee', 'flat_feet': True, " \
           "'worse_walking': True, 'worse_footwear': True, 'better_rest': True}).likelihood)"
    run = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    assert run.stdout.strip() == "moderate", run.stderr  # 72 is high with the shipped model, moderate at 90
