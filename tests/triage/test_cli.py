"""`python -m bot.triage` through a real subprocess."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.triage import assess

REPO = Path(__file__).resolve().parents[2]
VIGNETTES = Path(__file__).with_name("vignettes.yml")
RUNNER = {"pain_location": "knee", "front_knee_pain": True, "flat_feet": True, "worse_walking": True,
          "duration_weeks": 8, "pain_severity": 5}


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot.triage", *args], cwd=REPO, input=stdin,
                          capture_output=True, text=True, timeout=60)


def test_assess_reads_stdin_and_prints_the_result_as_json():
    done = run("assess", stdin=json.dumps(RUNNER))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == assess(RUNNER).to_dict()
    assert done.stderr == ""


def test_assess_reads_a_file(tmp_path):
    answers = {"pain_location": "lower_back", "rf_saddle_numbness": True}
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(answers), encoding="utf-8")
    done = run("assess", "--file", str(path))
    assert done.returncode == 0
    result = json.loads(done.stdout)
    assert result["disposition"] == "emergency" and result["red_flags"] == ["rf_saddle_numbness"]


def test_explain_prints_a_readable_breakdown():
    done = run("assess", "--explain", stdin=json.dumps({**RUNNER, "sitting_relieves": True}))
    assert done.returncode == 0
    text = done.stdout
    assert text.startswith("Disposition: consult")
    assert "Points away from the feet: sitting_relieves" in text
    assert "did not decide" in text
    assert "flat_feet" in text and "+10" in text and "start" in text
    assert "not a diagnosis" in text
    assert not text.lstrip().startswith("{")


def test_invalid_answers_exit_2_and_name_the_key():
    done = run("assess", stdin=json.dumps({"pain_location": "knee", "pain_severity": 12}))
    assert done.returncode == 2
    assert done.stdout == ""
    assert "pain_severity" in done.stderr and "0..10" in done.stderr


def test_unknown_key_wrong_json_and_wrong_shape_exit_2():
    unknown = run("assess", stdin='{"rf_headache": true}')
    assert unknown.returncode == 2 and "rf_headache" in unknown.stderr and "Traceback" not in unknown.stderr
    broken = run("assess", stdin='{"pain_location": ')
    assert broken.returncode == 2 and "invalid JSON" in broken.stderr and "Traceback" not in broken.stderr
    shape = run("assess", stdin="[1, 2]")
    assert shape.returncode == 2 and "JSON object" in shape.stderr


def test_missing_file_exits_2(tmp_path):
    done = run("assess", "--file", str(tmp_path / "nope.json"))
    assert done.returncode == 2 and "cannot read" in done.stderr and "Traceback" not in done.stderr


def test_vignettes_command_prints_the_figures():
    done = run("vignettes", str(VIGNETTES))
    assert done.returncode == 0, done.stderr
    assert "Exact disposition:" in done.stdout and "Emergency vignettes safe: 22/22" in done.stdout


def test_vignettes_command_rejects_a_bad_file(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("vignettes:\n  - id: x\n    answers: {age: old}\n    expected: consult\n    rationale: r\n")
    done = run("vignettes", str(bad))
    assert done.returncode == 2 and "vignette x" in done.stderr and "'age'" in done.stderr


def test_next_prints_the_first_question_for_no_answers():
    done = run("next", stdin=json.dumps({"answers": {}}))
    assert done.returncode == 0, done.stderr
    question = json.loads(done.stdout)["question"]
    assert question["id"] == "where" and question["kind"] == "choice"
    assert question["keys"] == ["pain_location", "pain_side"]
    assert {"label": "Both knees", "sets": {"pain_location": "knee", "pain_side": "both"}} in question["options"]


def test_next_takes_bare_answers_and_the_unsure_list():
    checklist = json.loads(run("next", stdin=json.dumps({"pain_location": "knee"})).stdout)["question"]
    assert checklist["kind"] == "multi" and checklist["options"][-1]["label"] == "None of these"
    one = json.loads(run("next", stdin=json.dumps({"answers": {"pain_location": "knee"},
                                                    "unsure": [checklist["id"]]})).stdout)["question"]
    assert one["kind"] == "yes_no" and one["keys"] == [checklist["keys"][0]]


def test_next_prints_the_result_when_the_interview_is_over():
    done = run("next", stdin=json.dumps({"answers": {"pain_location": "lower_back", "rf_saddle_numbness": True}}))
    assert done.returncode == 0
    result = json.loads(done.stdout)
    assert set(result) == {"disposition", "likelihood", "reasons"} and result["disposition"] == "emergency"
    assert result["reasons"][0]["key"] == "rf_saddle_numbness"


@pytest.mark.parametrize("stdin, message", [
    ('{"answers": {"pain_location": "kne"}}', "pain_location"),
    ('{"answers": {}, "unsure": ["where"]}', "not a checklist"),
    ('{"answers": {}, "unsure": "emergency_signs"}', "list of checklist ids"),
    ("[1, 2]", "JSON object"),
    ('{"answers": ', "invalid JSON"),
])
def test_next_refuses_bad_input_with_exit_2(stdin, message):
    done = run("next", stdin=stdin)
    assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr
    assert done.stdout == ""


def test_interview_stats_prints_the_figures():
    done = run("interview-stats", str(VIGNETTES))
    assert done.returncode == 0, done.stderr
    assert "Questions asked, by disposition" in done.stdout
    assert "Interview and assess() disagree: 0" in done.stdout
    assert "No red flag: median" in done.stdout
