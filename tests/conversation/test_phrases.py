"""The interview's sentences (phrases.yml): every one the code names exists, every question has a hint."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.conversation.phrases import first_phrase, phrases, say, understood_words
from bot.triage import MODEL

SOURCE = "\n".join(p.read_text() for p in Path("bot/conversation").glob("*.py"))


def test_every_phrase_named_in_the_code_exists():
    named = set(re.findall(r'say\("(\w+)"', SOURCE))
    assert named - set(phrases()) == set()


@pytest.mark.parametrize("spec", MODEL.questions, ids=lambda spec: spec.id)
def test_every_question_has_a_hint_for_an_unclear_reply(spec):
    assert say(first_phrase(f"hint_{spec.id}", f"hint_{spec.kind}"))


def test_the_summary_words_read_naturally():
    assert understood_words("duration_weeks", 26) == "for about 6 months"
    assert understood_words("pain_side", "both") == "both sides"
    assert understood_words("flat_feet", True) == "flat feet or feet that roll in"
    assert understood_words("rf_fever", True) is None  # red flags are never "checked" in a summary
