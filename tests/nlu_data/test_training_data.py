"""Checks on the NLU training data in data/nlu, read with Rasa's own loader.

They guard the NLU contract of docs/architecture.md: every trained intent has
enough examples, no text teaches two intents, entity values land on the triage
engine's canonical values, report_red_flag is never trained, and no example would
be caught by the red-flag detector (those sentences belong to the rule component).
"""
import re
from pathlib import Path
from typing import Dict, List, Set, Tuple

import pytest
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.redflags import positive_red_flags

REPO = Path(__file__).resolve().parents[2]
NLU_DIR = REPO / "data" / "nlu"

CONTRACT_INTENTS = {
    "greet", "goodbye", "affirm", "deny", "thank", "describe_pain", "inform",
    "skip", "book_gait_analysis", "ask_gait_analysis", "ask_overpronation",
    "ask_orthotics", "ask_locations", "ask_hours", "ask_insurance", "ask_why",
    "ask_human", "bot_challenge", "start_over", "forget_me", "cancel_booking",
    "change_booking", "out_of_scope",
}
NEVER_TRAINED = "report_red_flag"
MIN_EXAMPLES = 25

CANONICAL: Dict[str, Set[str]] = {
    "body_part": {"lower_back", "knee", "both", "foot", "hip", "ankle", "other"},
    "side": {"left", "right", "both"},
    "activity": {"walking", "standing", "running", "sitting", "stairs"},
}
LITERAL_ENTITIES = {"duration", "severity"}
# Foot types, not pain locations: their words are deliberately left unannotated.
UNANNOTATED_PHRASES = ("flat feet", "high arches")
FULLY_ANNOTATED_INTENTS = ("describe_pain", "inform")


@pytest.fixture(scope="module")
def training_data() -> TrainingData:
    return load_data(str(NLU_DIR))


def _examples(data: TrainingData) -> List[Message]:
    return list(data.intent_examples)


def _canonical_value(value: str, synonyms: Dict[str, str]) -> str:
    return synonyms.get(value, synonyms.get(value.lower(), value))


def _surface_forms(data: TrainingData) -> Set[str]:
    """Every text known to mean a body part, side or activity."""
    canonical = set().union(*CANONICAL.values())
    forms = {value.replace("_", " ") for value in canonical}
    forms |= {text.lower() for text, value in data.entity_synonyms.items() if value in canonical}
    return forms


def _uncovered_mentions(message: Message, forms: Set[str]) -> List[str]:
    text = message.get("text")
    lowered = text.lower()
    spans: List[Tuple[int, int]] = [(e["start"], e["end"]) for e in message.get("entities") or []]
    for phrase in UNANNOTATED_PHRASES:
        spans += [(m.start(), m.end()) for m in re.finditer(re.escape(phrase), lowered)]
    missing = []
    for form in forms:
        for match in re.finditer(rf"(?<![\w'-]){re.escape(form)}(?![\w'-])", lowered):
            if not any(start < match.end() and match.start() < end for start, end in spans):
                missing.append(text[match.start():match.end()])
    return missing


def test_every_contract_intent_has_enough_examples(training_data: TrainingData) -> None:
    counts = training_data.number_of_examples_per_intent
    too_few = {i: counts.get(i, 0) for i in CONTRACT_INTENTS if counts.get(i, 0) < MIN_EXAMPLES}
    assert not too_few, f"intents below {MIN_EXAMPLES} examples: {too_few}"


def test_only_contract_intents_and_never_report_red_flag(training_data: TrainingData) -> None:
    assert NEVER_TRAINED not in training_data.intents
    assert training_data.intents <= CONTRACT_INTENTS, training_data.intents - CONTRACT_INTENTS


def test_no_text_appears_twice(training_data: TrainingData) -> None:
    seen: Dict[str, str] = {}
    clashes = []
    for message in _examples(training_data):
        key = message.get("text").strip().lower()
        if key in seen:
            clashes.append((message.get("text"), seen[key], message.get("intent")))
        seen[key] = message.get("intent")
    assert not clashes, clashes


def test_entity_values_map_to_canonical_values(training_data: TrainingData) -> None:
    synonyms = training_data.entity_synonyms
    wrong = []
    for message in _examples(training_data):
        for entity in message.get("entities") or []:
            name, value = entity["entity"], entity["value"]
            text = message.get("text")[entity["start"]:entity["end"]]
            if name in LITERAL_ENTITIES:
                ok = value == text
            else:
                ok = _canonical_value(value, synonyms) in CANONICAL.get(name, set())
            if not ok:
                wrong.append((message.get("text"), name, value))
    assert not wrong, wrong


def test_synonyms_target_canonical_values(training_data: TrainingData) -> None:
    canonical = set().union(*CANONICAL.values())
    stray = {text: value for text, value in training_data.entity_synonyms.items() if value not in canonical}
    assert not stray, stray


def test_pain_answers_annotate_every_mention(training_data: TrainingData) -> None:
    """Unannotated mentions teach DIET that a body part is sometimes not an entity."""
    forms = _surface_forms(training_data)
    missing = []
    for message in _examples(training_data):
        if message.get("intent") in FULLY_ANNOTATED_INTENTS:
            found = _uncovered_mentions(message, forms)
            if found:
                missing.append((message.get("text"), found))
    assert not missing, missing


def test_annotation_check_sees_a_missing_entity() -> None:
    """The mention check itself must flag an unannotated knee."""
    message = Message(data={"text": "my knee hurts when I run", "intent": "describe_pain",
                            "entities": [{"entity": "activity", "value": "running", "start": 21, "end": 24}]})
    assert _uncovered_mentions(message, {"knee", "run"}) == ["knee"]


def test_no_example_is_a_red_flag(training_data: TrainingData) -> None:
    """Red-flag sentences are the rule component's job; training them would blur it."""
    assert positive_red_flags("my back hurts and I can't feel my inner thighs"), "detector is live"
    fired = []
    for message in _examples(training_data):
        flags = positive_red_flags(message.get("text"))
        if flags:
            fired.append((message.get("text"), message.get("intent"), sorted(flags)))
    assert not fired, fired
