"""The saved blank pipeline is what Rasa's SpacyNLP loads by path."""
import subprocess
import sys
from pathlib import Path

import spacy

from bot.nlu.pipeline import build

REPO = Path(__file__).resolve().parents[2]


def test_build_writes_a_loadable_tokenizer_only_pipeline(tmp_path):
    path = build(tmp_path / "spacy_en")
    assert (path / "meta.json").is_file()
    nlp = spacy.load(path)
    assert nlp.lang == "en"
    assert nlp.pipe_names == []
    assert [t.text for t in nlp("I can't walk")] == ["I", "ca", "n't", "walk"]


def test_build_is_idempotent(tmp_path):
    first = build(tmp_path / "spacy_en")
    files = sorted(p.relative_to(first) for p in first.rglob("*"))
    second = build(tmp_path / "spacy_en")
    assert sorted(p.relative_to(second) for p in second.rglob("*")) == files
    assert spacy.load(second).meta["name"] == "podiatry_blank"


def test_command_line_builds_the_pipeline(tmp_path):
    target = tmp_path / "var" / "spacy_en"
    done = subprocess.run(
        [sys.executable, "-m", "bot.nlu.pipeline", "build", str(target)],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert str(target) in done.stdout
    assert (target / "meta.json").is_file()
