"""The clinical document matches the model file, and the engine stays free of Rasa."""
from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

from bot.triage import ANSWER_KEYS, MODEL
from bot.triage.doc_tables import question_rows, rule_rows, score_rows
from bot.triage.stats import NO_RED_FLAG, counts, run_all
from bot.triage.vignettes import load_vignettes

REPO = Path(__file__).resolve().parents[2]
DOC = (REPO / "docs" / "clinical-model.md").read_text(encoding="utf-8")
PACKAGE = REPO / "bot" / "triage"
HINT = "update docs/clinical-model.md: `python -m bot.triage doc-tables` prints the current rows"


def test_the_documented_questions_rules_and_weights_are_the_models():
    for row in question_rows() + rule_rows() + score_rows():
        assert row in DOC, f"{HINT}; missing:\n{row}"


def test_the_documented_thresholds_are_the_model_thresholds():
    score = MODEL.score
    assert f"base **{score.base}**" in DOC
    assert f"**low** below {score.moderate_at}, **moderate** {score.moderate_at}–{score.high_at - 1}, " \
           f"**high** from {score.high_at}" in DOC
    assert f"capped at {score.high_at - 1}" in DOC
    duration, severity = (c for c in MODEL.self_care.conditions)
    assert f"`{duration.key}` < {duration.below:g} **and**\n`{severity.key}` ≤ {severity.at_most:g}" in DOC
    assert all(f"`{sign}`" in DOC for sign in score.back_pain_sign.signs)


def test_every_answer_key_question_and_rule_is_documented():
    for name in [*ANSWER_KEYS, *(q.id for q in MODEL.questions), *(r.id for r in MODEL.rules)]:
        assert f"`{name}`" in DOC, name


def test_the_diagram_names_every_question():
    diagram = DOC[DOC.index("```mermaid"):DOC.index("```", DOC.index("```mermaid") + 3)]
    for question in MODEL.questions:
        assert question.id in diagram, question.id


def test_the_documented_interview_figures_are_current():
    runs = run_all(load_vignettes(REPO / "tests" / "triage" / "vignettes.yml"))
    rows = dict(re.findall(r"^\| ([a-z_ ]+) \| [^|]+ \| ([^|]+) \|$", DOC, flags=re.M))
    for name in ("emergency", "urgent", "consult", "gait_analysis", "self_care"):
        c = counts([r.asked for r in runs if r.assessed == name])
        assert rows[name].strip() == f"{c.median:g} / {c.p90} / {c.max}", name
    c = counts([r.asked for r in runs if r.assessed in NO_RED_FLAG])
    assert rows["no red flag"].strip() == f"{c.median:g} / {c.p90} / {c.max}"


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
