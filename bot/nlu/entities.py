"""Rule-based entity extraction: body part, side, duration, severity and activity.

Why rules: the values must be the triage engine's words (`lower_back`, `knee`, `both`,
...), the phrasings are a closed set, and rules need no training data. DIET may add
its own entities; these are reliable for the canonical values.

Each entity is a Rasa-style dict {entity, value, start, end, text} with character
offsets. body_part, side and activity carry canonical values; duration and severity
keep the matched text as their value ("about 3 months", "6/10") because Rasa stores
entity values as slots of free text; `bot.nlu.parsers` turns them into weeks or 0..10.
Special cases: "both knees" gives body_part knee and side both; "back and knee" gives
body_part both; "my left one" gives side left.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional

import yaml
from spacy.language import Language

from bot.nlu.patterns import PatternMatcher, compile_patterns
from bot.nlu.pipeline import blank_english

ENTITY_FILE = Path(__file__).with_name("entity_patterns.yml")
CANONICAL_VALUES: Mapping[str, Optional[frozenset]] = {
    "body_part": frozenset({"lower_back", "knee", "both", "foot", "hip", "ankle", "other"}),
    "side": frozenset({"left", "right", "both"}),
    "duration": None,  # keeps the text
    "severity": None,  # keeps the text
    "activity": frozenset({"walking", "standing", "running", "sitting", "stairs"}),
}
ENTITY_TYPES = tuple(CANONICAL_VALUES)


class EntityExtractor:
    """Applies the entity rules of a pattern file to text."""

    def __init__(self, nlp: Language, spec: Mapping[str, Any]) -> None:
        sets, macros = spec.get("sets", {}), spec.get("macros", {})
        entities = spec.get("entities")
        if not isinstance(entities, Mapping) or set(entities) != set(ENTITY_TYPES):
            raise ValueError(f"entity pattern file: 'entities' must define exactly {list(ENTITY_TYPES)}")
        patterns, exclusions = [], []
        for label, entry in entities.items():
            for value, value_patterns in _values(label, entry).items():
                patterns += compile_patterns(label, value, value_patterns, sets, macros)
            exclusions += compile_patterns(label, None, entry.get("exclude", []), sets, macros)
        self._nlp = nlp
        self._matcher = PatternMatcher(nlp.vocab, patterns, exclusions)

    @classmethod
    def from_file(cls, path: Path = ENTITY_FILE, nlp: Optional[Language] = None) -> "EntityExtractor":
        """Load the rules from a YAML file; a bad file fails here, naming the problem."""
        with open(path, encoding="utf-8") as handle:
            spec = yaml.safe_load(handle)
        return cls(nlp or blank_english(), spec)

    def extract(self, text: str) -> List[Dict[str, Any]]:
        """Entities in `text`, in order of position; one per place and entity type."""
        doc = self._nlp.make_doc(text)
        entities = []
        for match in self._matcher.best_matches(doc):
            span = doc[match.start : match.end]
            entities.append(
                {
                    "entity": match.label,
                    "value": match.value if match.value is not None else span.text,
                    "start": span.start_char,
                    "end": span.end_char,
                    "text": span.text,
                }
            )
        return entities


def _values(label: str, entry: Mapping[str, Any]) -> Dict[Optional[str], List[str]]:
    """The patterns of one entity type by canonical value (None: keep the text)."""
    allowed = CANONICAL_VALUES[label]
    if entry.get("keep_text"):
        if allowed is not None:
            raise ValueError(f"entity pattern file: {label} has canonical values, not keep_text")
        return {None: list(entry.get("patterns") or [])}
    values = entry.get("values") or {}
    if allowed is None or not set(values) <= allowed:
        raise ValueError(f"entity pattern file: {label} values {sorted(values)} not within {sorted(allowed or [])}")
    return {value: list(patterns) for value, patterns in values.items()}


@lru_cache(maxsize=1)
def default_extractor() -> EntityExtractor:
    """The project's extractor, built once per process from entity_patterns.yml."""
    return EntityExtractor.from_file()


def extract_entities(text: str) -> List[Dict[str, Any]]:
    """Rasa-style entity dicts found in `text` by the project's rules."""
    return default_extractor().extract(text)
