"""The model file is validated at load: a bad file fails with its path and the line at fault."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.triage import MODEL, ModelError, load_model
from bot.triage.model import DEFAULT_MODEL_FILE, MAX_CHECKLIST_ITEMS
from tests.triage.conftest import FIXTURE_FILE

REPO = Path(__file__).resolve().parents[2]
GOOD = DEFAULT_MODEL_FILE.read_text(encoding="utf-8")


def _write(tmp_path: Path, old: str, new: str, text: str = GOOD) -> tuple[Path, int]:
    """A copy of a model with one edit; returns the file and the edited line's number."""
    assert text.count(old) == 1, old
    edited = text.replace(old, new)
    path = tmp_path / "model.yml"
    path.write_text(edited, encoding="utf-8")
    return path, edited[:edited.index(new)].count("\n") + 1 + new[:len(new) - len(new.lstrip("\n"))].count("\n")


def test_the_shipped_model_loads_and_a_copy_loads_the_same(tmp_path):
    copy = tmp_path / "copy.yml"
    copy.write_text(GOOD, encoding="utf-8")
    loaded = load_model(copy)
    assert loaded.score == MODEL.score and loaded.questions == MODEL.questions and loaded.rules == MODEL.rules


def test_every_rule_and_weight_cites_its_evidence():
    assert all(rule.source.strip() for rule in MODEL.rules)
    assert all(item.source.strip() for item in MODEL.score.items.values())
    assert MODEL.self_care.source.strip() and MODEL.score.back_pain_sign.source.strip()


def test_checklists_have_at_most_eight_items_and_the_screen_comes_first():
    checklists = [q for q in MODEL.questions if q.kind == "multi"]
    assert {q.id for q in checklists} >= {"emergency_signs", "injury_infection", "same_day_signs", "points_away",
                                          "foot_signs"}
    assert all(len(q.items) <= MAX_CHECKLIST_ITEMS for q in checklists)
    flags = [q.screen for q in MODEL.questions]
    assert flags == sorted(flags, reverse=True) and MODEL.questions[1].id == "emergency_signs"


@pytest.mark.parametrize("old, new, message", [
    ('        "true": {points: 10, says: {en: "Flat', '        "true": {points: 75, says: {en: "Flat', "75 is outside -50..50"),
    ('        "false": {points: -5, says: {en: "No flat', '        "nope": {points: -5, says: {en: "No flat',
     "'nope' is not a value of flat_feet"),
    ("  moderate_at: 45", "  moderate_at: forty-five", "expected a whole number"),
    ("  high_at: 70", "  high_at: 40", "40 is outside 46..100"),
    ("    when: {rf_knee_locked: true}", "    when: {rf_knee_lockd: true}", "'rf_knee_lockd' is not an answer key"),
    ('    disposition: urgent\n    source: "Evidence brief: a locked knee',
     '    disposition: soon\n    source: "Evidence brief: a locked knee', "disposition 'soon' is not allowed"),
    ("    when: {rf_trauma: true, rf_cannot_bear_weight: true}", "    when: {rf_trauma: true, rf_cannot_bear_weight: false}",
     "can only be 'true'"),
    ("        ask_if: {pain_location: [knee, both]}\n        label:\n          en: \"The knee is hot",
     "        ask_if: {pain_locaton: [knee, both]}\n        label:\n          en: \"The knee is hot", "gate 'pain_locaton' must be"),
    ("        ask_if: {pain_location: [knee, both]}\n        label:\n          en: \"The knee is hot",
     "        ask_if: {pain_location: [knee, bth]}\n        label:\n          en: \"The knee is hot",
     "'bth' is not a value of pain_location"),
    ("        - {from: 2, below: 6, points: 0,", "        - {from: 3, below: 6, points: 0,", "this band must start at 2"),
    ("  max_reasons: 5 ", "  max_reason: 5 ", "unknown key 'max_reason'"),
    ("  age: {type: integer, min: 0, max: 120}", "  age: {type: whole, min: 0, max: 120}", "unknown answer type 'whole'"),
    ("pain_severity: {at_most: 3}}", "pain_severity: {at_most: 30}}", "30 is outside 0..10"),
    ("    when: {rf_hot_swollen_knee: true, rf_fever: true}\n    disposition: emergency",
     "    when: {rf_cold_foot: true, rf_fever: true}\n    disposition: urgent",
     "must be at least as cautious as the red flag 'rf_cold_foot'"),
    ("  - id: rf_knee_locked\n    when: {rf_knee_locked: true}", "  - id: rf_knee_locked\n    when: {rf_fever: true}",
     "must test exactly that key"),
    ("inflammatory_stiffness: true, duration_weeks: {at_least: 12}}",
     "inflammatory_stiffness: true, rf_fever: true, duration_weeks: {at_least: 12}}", "must be emergency or urgent"),
    ('          en: "A knee that locks can have a torn cartilage or a loose piece caught in the joint, which a doctor '
     'should examine soon."', '          en: "  "', "expected non-empty text"),
    ('    es: "Llame al 911 ahora o vaya a la sala de emergencias más cercana."', "    es: [911]",
     "expected text, found a list"),
    ('    es: "Llame al 911 ahora o vaya a la sala de emergencias más cercana."\n', "    # no Spanish\n",
     "missing key 'es'"),
    ('    es: "Llame al 911 ahora o vaya a la sala de emergencias más cercana."',
     '    es: "Llame al 911 ahora."\n    fr: "Appelez le 911."', "unknown key 'fr'"),
    ("choices: [none, helped, no_help]}", "choices: [none, helped, no_help, none]}", "duplicate choices"),
    ("  pain_severity: {type: number, min: 0, max: 10}",
     "  pain_severity: {type: number, min: 0, max: 10}\n  extra_key: {type: bool}", "'extra_key' is never asked"),
    ("    on_feet_job:\n      source: \"Coenen", "    rf_fever:\n      source: \"Coenen", "used by a rule and cannot also be scored"),
    ("    signs: [flat_feet, high_arches, heel_arch_pain, worse_footwear]",
     "    signs: [flat_feet, sciatica]", "'sciatica' must be a scored yes/no answer"),
    ("  - id: worse_walking\n    kind: yes_no\n", "  - id: worse_walking\n    kind: yes_no\n    screen: true\n",
     "the safety-screen questions must come first"),
    ("  - id: worse_walking\n    kind: yes_no\n", "  - id: worse_walking\n    kind: yes-no\n", "unknown question kind 'yes-no'"),
    ("sets: {pain_location: lower_back}}",
     "sets: {pain_location: lowerback}}", "'lowerback' is not a value of pain_location"),
    ("    key: age\n", "    key: flat_feet\n", "'flat_feet' is not a number answer key"),
    ("      - key: rf_calf_tender\n", "      - key: rf_calf_swelling  # twice\n", "already filled by another question"),
    ("  has_diabetes: {type: bool, why:", "  flat_feet: {type: bool, why:", "'flat_feet' is already an answer key"),
    ("    when: {rf_calf_tender: true}", "    when: {has_diabetes: true}", "'has_diabetes' is not an answer key"),
])
def test_a_bad_value_names_file_and_line(tmp_path, old, new, message):
    path, line = _write(tmp_path, old, new)
    with pytest.raises(ModelError) as raised:
        load_model(path)
    error = str(raised.value)
    assert error.startswith(f"{path}:"), error
    assert message in error, error
    reported = int(error.split(":")[1])
    assert abs(reported - line) <= 3, (reported, line, error)


def test_a_checklist_with_too_many_items_is_refused(tmp_path):
    text = FIXTURE_FILE.read_text(encoding="utf-8")
    x = '{en: "X", es: "X"}'
    extra = "".join(f'      - {{key: x{i}, label: {x}, ask: {x}, why: {x}}}\n' for i in range(MAX_CHECKLIST_ITEMS))
    keys = "".join(f"  x{i}: {{type: bool}}\n" for i in range(MAX_CHECKLIST_ITEMS))
    path, _ = _write(tmp_path, "  insoles: {type: choice", keys + "  insoles: {type: choice", text)
    path.write_text(path.read_text().replace(
        '      - {key: flat, label: {en: "Flat", es: "(es) Flat"}',
        extra + '      - {key: flat, label: {en: "Flat", es: "(es) Flat"}'))
    with pytest.raises(ModelError, match=f"at most {MAX_CHECKLIST_ITEMS} items"):
        load_model(path)


def test_invalid_yaml_syntax_names_the_line(tmp_path):
    path, line = _write(tmp_path, "  moderate_at: 45\n", "  moderate_at: 45\n bad_indent: 1\n")
    with pytest.raises(ModelError, match=f"^{path}:{line + 1}: invalid YAML"):
        load_model(path)


def test_duplicate_key_names_its_line(tmp_path):
    path, line = _write(tmp_path, "  moderate_at: 45\n", "  moderate_at: 45\n  moderate_at: 50\n")
    with pytest.raises(ModelError, match=f"^{path}:{line + 1}: duplicate key 'moderate_at'"):
        load_model(path)


def test_a_missing_weight_is_an_error_not_a_silent_zero(tmp_path):
    path, _ = _write(tmp_path, '        "false": {points: 0, says: {en: "No heel or arch pain.", es: "No tiene dolor en el talón ni en el arco."}}\n', "")
    with pytest.raises(ModelError, match="heel_arch_pain: no points for the answer 'false'"):
        load_model(path)


def test_a_red_flag_without_its_own_rule_is_an_error(tmp_path):
    start = GOOD.index("  - id: rf_cold_foot\n")
    end = GOOD.index("  - id: rf_chest_or_tearing_pain\n")
    path = tmp_path / "model.yml"
    path.write_text(GOOD[:start] + GOOD[end:], encoding="utf-8")
    with pytest.raises(ModelError, match="'rf_cold_foot' looks like a red flag but has no rule of its own"):
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
           "'front_knee_pain': True, 'worse_walking': True, 'worse_footwear': True, 'heel_arch_pain': True}).likelihood)"
    run = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    assert run.stdout.strip() == "moderate", run.stderr  # 76 is high with the shipped model, moderate at 90
