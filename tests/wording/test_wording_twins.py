"""Every text the assistant says has its Spanish twin (and every Spanish text its English one).

Two mechanisms hold the wording (docs/conversation.md, "Languages"): `{en, es}`
texts in the wording files, read through bot.wording.Wording, and domain.yml's
responses, each with one Spanish variation conditioned on the `language` slot.
These tests cover both.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml

from bot.paths import REPO_ROOT
from bot.wording import LANGUAGES, Wording, shared_wording

WORDING_FILES = [
    REPO_ROOT / "bot/triage/model.yml",
    REPO_ROOT / "bot/conversation/phrases.yml",
    REPO_ROOT / "bot/wording.yml",
    REPO_ROOT / "clinic.yml",
]
PATIENT_TEXT_FIELDS = {"text", "why", "label", "ask", "says", "disclaimer", "you_said", "advice", "labels",
                       "insurance", "description", "what_to_bring", "how_to_cancel", "faq"}
"""Fields of model.yml and clinic.yml that hold what a patient reads (never plain strings)."""
DEVELOPER_NOTES = {"retired_keys"}
"""model.yml's notes for the clinic's developers (why a key was retired): never shown to a patient."""
DOMAIN = yaml.safe_load((REPO_ROOT / "domain.yml").read_text(encoding="utf-8"))
SPANISH = [{"type": "slot", "name": "language", "value": "es"}]


def texts(node: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every mapping that has an `en` or an `es` key, with where it is."""
    if isinstance(node, dict):
        if set(node) & set(LANGUAGES):
            yield path, node
            return
        for key, value in node.items():
            yield from texts(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from texts(value, f"{path}[{index}]")


def patient_strings(node: Any, path: str = "", inside: bool = False) -> Iterator[str]:
    """Plain strings under a patient-text field: each is a text without its twins."""
    if isinstance(node, dict):
        if set(node) & set(LANGUAGES):
            return
        for key, value in node.items():
            if key not in DEVELOPER_NOTES:
                yield from patient_strings(value, f"{path}.{key}", inside or key in PATIENT_TEXT_FIELDS)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from patient_strings(value, f"{path}[{index}]", inside)
    elif isinstance(node, str) and inside:
        yield path


@pytest.mark.parametrize("path", WORDING_FILES, ids=lambda p: p.name)
def test_every_text_of_a_wording_file_is_in_both_languages(path: Path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    found = list(texts(data))
    assert len(found) >= 10, f"{path.name}: expected its texts as {{en, es}}"
    for where, text in found:
        Wording.read(text, f"{path.name}{where}")  # raises on a missing or empty twin, or another language
    lonely = list(patient_strings(data))
    assert lonely == [], f"{path.name}: texts without a Spanish twin at {lonely[:5]}"


def test_the_checker_finds_a_missing_twin_either_way():
    for broken in ({"en": "Hello"}, {"es": "Hola"}, {"en": "Hello", "es": " "}, {"en": "Hi", "es": "Hola", "fr": "Salut"}):
        with pytest.raises(ValueError):
            Wording.read(broken, "test")
    assert list(patient_strings({"says": "a text with no twin"})) == [".says"]


def test_the_loaded_tables_hold_both_languages():
    from bot.conversation.phrases import phrases
    from bot.triage import MODEL
    assert len(shared_wording()) > 30 and len(phrases()) > 50
    assert MODEL.advice["emergency"].es.startswith("Llame al 911")


def _variations(name: str) -> tuple[list[dict], list[dict]]:
    variations = DOMAIN["responses"][name]
    default = [v for v in variations if "condition" not in v]
    spanish = [v for v in variations if v.get("condition") == SPANISH]
    return default, spanish


@pytest.mark.parametrize("name", sorted(DOMAIN["responses"]))
def test_every_domain_response_has_one_english_and_one_spanish_variation(name: str):
    default, spanish = _variations(name)
    assert len(default) == 1 and len(spanish) == 1, name
    assert len(DOMAIN["responses"][name]) == 2, f"{name}: only the English default and the Spanish variation"
    english, twin = default[0], spanish[0]
    assert english["text"] != twin["text"]
    assert [b["payload"] for b in english.get("buttons", [])] == [b["payload"] for b in twin.get("buttons", [])]
    names = lambda text: sorted(part.split("}")[0] for part in text.split("{")[1:])  # noqa: E731
    assert names(english["text"]) == names(twin["text"]), f"{name}: the same {{names}} in both"


def test_a_wording_fills_its_values_in_its_own_language():
    advice = Wording("Call now.", "Llame ahora.")
    text = Wording("Please: {advice}", "Por favor: {advice}")
    assert text.say("es", advice=advice) == "Por favor: Llame ahora."
    assert text.fill(advice=advice) == Wording("Please: Call now.", "Por favor: Llame ahora.")
    assert text.say("es-MX", advice=advice) == "Por favor: Llame ahora." and text.say(None, advice=advice).startswith("Please")
