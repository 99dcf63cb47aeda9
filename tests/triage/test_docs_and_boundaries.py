"""The clinical document matches the model file, and the engine stays free of Rasa."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from bot.triage import ANSWER_KEYS, MODEL

REPO = Path(__file__).resolve().parents[2]
DOC = (REPO / "docs" / "clinical-model.md").read_text(encoding="utf-8")
PACKAGE = REPO / "bot" / "triage"


def _points(points: int) -> str:
    return "0" if points == 0 else f"{points:+d}"


def _weights(item) -> list[str]:
    """The weight cell as the document writes it, from the model file."""
    if item.bands:
        return [f"{band.start:g}-{band.below:g} {_points(band.contribution.points)}" if band.below is not None
                else f"{band.start:g}+ {_points(band.contribution.points)}" for band in item.bands]
    labels = {True: "yes", False: "no"}
    return [f"{labels.get(value, value)} {_points(c.points)}" for value, c in item.by_value.items()]


def test_the_documented_weights_are_the_model_weights():
    rows = {line.split("|")[1].strip(): line for line in DOC.splitlines() if line.startswith("| `")}
    for item in MODEL.score.items:
        row = rows[f"`{item.key}`"]
        weight_cell = row.split("|")[3].strip()
        assert weight_cell == ", ".join(_weights(item)), item.key
        assert MODEL.questions[item.key].ask in row


def test_the_documented_thresholds_are_the_model_thresholds():
    score = MODEL.score
    assert f"base **{score.base}**" in DOC
    assert f"**low** below {score.moderate_at}, **moderate** {score.moderate_at}–{score.high_at - 1}, " \
           f"**high** from {score.high_at}" in DOC
    assert f"capped at {score.high_at - 1}" in DOC
    care = MODEL.self_care
    assert f"`duration_weeks` < {care.duration_weeks_below:g} **and**\n`pain_severity` ≤ {care.severity_at_most:g}" in DOC


def test_every_answer_key_and_rule_is_documented():
    for key in [*ANSWER_KEYS, *(rule.id for rule in MODEL.combinations), MODEL.age_red_flag.rule.id]:
        assert f"`{key}`" in DOC, key


def test_no_rasa_import_in_the_engine():
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            assert not any(name.split(".")[0] in ("rasa", "rasa_sdk") for name in names), path


def test_importing_the_engine_loads_no_rasa():
    code = "import sys, bot.triage; print(any(m.split('.')[0] in ('rasa', 'rasa_sdk') for m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "False", done.stderr
