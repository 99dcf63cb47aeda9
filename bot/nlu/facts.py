"""Answers read from the patient's own words at any turn, so those questions are not asked.

Why: "my knees ache when I walk to work and my feet are flat" already answers where,
which side, worse_walking and flat_feet; asking them again wastes the patient's time.
A prefilled answer is never asked again, so a wrong one costs more than a missing one:
the reader states a key only when the text clearly does, and leaves it out otherwise.

The phrases live in `fact_patterns.yml` (notation in `bot.nlu.patterns`), the context
rules (negation, hypothetical, past, someone else) in its `context` section
(`bot.nlu.context`). A negated yes/no phrase states the opposite ("my feet aren't flat"
-> flat_feet False); a question ("what if it's my arches?"), someone else ("my wife has
flat feet") or the past ("I used to be a nurse") states nothing. Conflicting readings of
one key state nothing. Numbers go through `bot.nlu.parsers`, the one place that reads
durations, severities and ages. Red-flag keys are `bot.nlu.redflags`' business.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Dict, FrozenSet, List, Mapping, Optional, Sequence, Set, Tuple

import yaml
from spacy.language import Language
from spacy.tokens import Doc

from bot.nlu.context import HISTORICAL, HYPOTHETICAL, NEGATED, ContextRules
from bot.nlu.parsers import Parsed, parse_age, parse_duration_weeks, parse_severity
from bot.nlu.patterns import CLAUSE_BREAKS, Match, PatternMatcher, compile_patterns
from bot.nlu.pipeline import blank_english
from bot.triage.keys import BOOL, CHOICE, InvalidAnswers
from bot.triage.model import MODEL, Model

FACT_FILE = Path(__file__).with_name("fact_patterns.yml")
PARSERS: Mapping[str, Callable[[str, Optional[date]], Parsed]] = {
    "duration": parse_duration_weeks,
    "severity": lambda text, _today: parse_severity(text),
    "age": parse_age,
}
# Keys another component reads (red flags and their companions) are never stated here.
_FOREIGN_PREFIXES = ("rf_",)
_FOREIGN_KEYS = frozenset({"steroids_or_osteoporosis", "immune_or_injecting"})
# A duration in the same clause as one of these is not the pain's ("a nurse for 20 years").
_DURATION_VETO = ("on_feet_job", "prior_injury", "age", "insoles_tried")
_IGNORABLE = frozenset({HISTORICAL, HYPOTHETICAL})
_ENTRY_KEYS = {"values", "patterns", "parser", "exclude", "ignores", "merge", "fallback", "anchors", "fillers"}
_ANCHOR = "anchor:"
_BREAKS = frozenset(CLAUSE_BREAKS) | {",", "and", "&"}
_BOOL_VALUES = {"true": True, "false": False}
_SENTENCE_ENDS = (".", "!", "?")
_QUESTION_WORDS = frozenset("is are does do did should would could can will what how why".split())
_NEGATIONS = frozenset({"n't", "nt", "not"})


@dataclass(frozen=True)
class FactRule:
    """How one key is read: its values' phrases are compiled; this says how to combine them."""

    key: str
    kind: str
    parser: Optional[str] = None
    ignores: FrozenSet[str] = frozenset()
    """Qualifiers that do not stop this key: prior_injury is past by nature, "maybe 4/10" still a score."""
    merge: Tuple[str, Tuple[str, ...]] = ("", ())
    """(value, parts): when all parts are read, or the value itself, the key is that value."""
    fallback: str = ""
    """A value that is dropped when any other value is read ("other" beside "knee")."""
    anchored: bool = False
    """The clause must also hold an anchor phrase, or nothing but `fillers` besides the mention."""
    fillers: FrozenSet[str] = frozenset()


@dataclass(frozen=True)
class _Reading:
    key: str
    value: object
    start: int
    end: int


class FactReader:
    """Reads answer keys from one message with the rules of a pattern file."""

    def __init__(self, nlp: Language, spec: Mapping[str, Any], model: Model = MODEL) -> None:
        sets, macros = spec.get("sets", {}), spec.get("macros", {})
        facts = spec.get("facts")
        if not isinstance(facts, Mapping) or not facts:
            raise ValueError("fact pattern file: missing 'facts' mapping")
        self._rules: Dict[str, FactRule] = {}
        patterns, exclusions = [], []
        for key, entry in facts.items():
            rule, values = _rule(key, entry, model)
            self._rules[key] = rule
            for value, value_patterns in values.items():
                patterns += compile_patterns(key, value, value_patterns, sets, macros)
            exclusions += compile_patterns(key, None, entry.get("exclude", []), sets, macros)
            patterns += compile_patterns(_ANCHOR + key, None, entry.get("anchors", []), sets, macros)
        self._nlp = nlp
        self._model = model
        self._matcher = PatternMatcher(nlp.vocab, patterns, exclusions)
        self._context = ContextRules(nlp.vocab, spec.get("context", {}), sets, macros)

    @classmethod
    def from_file(cls, path: Path = FACT_FILE, nlp: Optional[Language] = None) -> "FactReader":
        """Load the rules from a YAML file; a bad file fails here, naming the problem."""
        with open(path, encoding="utf-8") as handle:
            spec = yaml.safe_load(handle)
        return cls(nlp or blank_english(), spec)

    @property
    def keys(self) -> Tuple[str, ...]:
        """The answer keys this reader can state."""
        return tuple(self._rules)

    def read(self, text: str, today: Optional[date] = None) -> Dict[str, object]:
        """The answer keys `text` clearly states, with values the engine accepts."""
        doc = self._nlp.make_doc(text.replace("\u2019", "'").replace("\u2018", "'"))
        found = self._matcher.all_matches(doc)
        matches = [m for m in found if not m.label.startswith(_ANCHOR)]
        anchors = [m for m in found if m.label.startswith(_ANCHOR)]
        context = self._context.analyse(doc)
        spans = sorted({(m.start, m.end) for m in matches})
        readings = [
            reading
            for match in matches
            for reading in [self._judge(doc, match, context.qualifiers(match, spans))]
            if reading is not None
        ]
        by_key: Dict[str, List[_Reading]] = {}
        for reading in self._numbers(doc, readings, matches, anchors, today):
            by_key.setdefault(reading.key, []).append(reading)
        facts: Dict[str, object] = {}
        for key, found in by_key.items():
            value = _combine(self._rules[key], {r.value for r in found})
            if value is not None:
                facts[key] = self._model.keys[key].check(value)
        return {key: facts[key] for key in self._rules if key in facts}

    def _judge(self, doc: Doc, match: Match, qualifiers: List[str]) -> Optional[_Reading]:
        """The value a mention states for its key, or None when it states nothing."""
        rule = self._rules[match.label]
        qualifiers = [q for q in qualifiers if q not in rule.ignores]
        if _in_question(doc, match.start) or set(qualifiers) - {NEGATED}:
            return None
        negated = NEGATED in qualifiers
        if rule.kind == BOOL:
            value = _BOOL_VALUES[str(match.value)]
            if negated and not value:
                return None  # "walking isn't fine": too unclear to read
            return _Reading(rule.key, value != negated, match.start, match.end)
        if negated:
            return None
        return _Reading(rule.key, match.value, match.start, match.end)

    def _numbers(self, doc: Doc, readings: List[_Reading], matches: List[Match], anchors: List[Match],
                 today: Optional[date]) -> List[_Reading]:
        """Parse the number spans; drop durations of a job, an age, an injury or insoles.

        Any mention vetoes, even one that states nothing ("I was a nurse for 30 years").
        An anchored key needs an anchor in its clause or a clause of its own.
        """
        vetoes = [_Reading(m.label, None, m.start, m.end) for m in matches if m.label in _DURATION_VETO]
        kept = []
        for reading in readings:
            rule = self._rules[reading.key]
            if rule.parser is None:
                kept.append(reading)
                continue
            if rule.parser == "duration" and any(_same_clause(doc, reading, v) for v in vetoes):
                continue
            if rule.anchored and not self._anchored(doc, rule, reading, anchors):
                continue
            parsed = PARSERS[rule.parser](doc[reading.start : reading.end].text, today)
            if parsed.ok and _valid(self._model, reading.key, parsed.value):
                kept.append(_Reading(reading.key, parsed.value, reading.start, reading.end))
        return kept


    @staticmethod
    def _anchored(doc: Doc, rule: FactRule, reading: _Reading, anchors: List[Match]) -> bool:
        if any(a.label == _ANCHOR + rule.key and _same_clause(doc, reading, _Reading(a.label, None, a.start, a.end))
               for a in anchors):
            return True
        start, end = reading.start, reading.end
        while start > 0 and doc[start - 1].lower_ not in _BREAKS:
            start -= 1
        while end < len(doc) and doc[end].lower_ not in _BREAKS:
            end += 1
        outside = [t for t in doc[start:end] if not reading.start <= t.i < reading.end and not t.is_punct]
        return all(t.lower_ in rule.fillers for t in outside)


def _rule(key: str, entry: Mapping[str, Any], model: Model) -> Tuple[FactRule, Dict[Optional[str], List[str]]]:
    """Check one key's entry against the model; its rule and its patterns by value."""
    if key not in model.keys or key.startswith(_FOREIGN_PREFIXES) or key in _FOREIGN_KEYS:
        raise ValueError(f"fact pattern file: {key} is not an answer key this reader may state")
    if not isinstance(entry, Mapping) or set(entry) - _ENTRY_KEYS:
        raise ValueError(f"fact pattern file: {key} must be a mapping of {sorted(_ENTRY_KEYS)}")
    spec = model.keys[key]
    ignores = frozenset(entry.get("ignores") or ())
    if not ignores <= _IGNORABLE:
        raise ValueError(f"fact pattern file: {key} may ignore only {sorted(_IGNORABLE)}")
    parser = entry.get("parser")
    if parser is not None:
        if parser not in PARSERS or not entry.get("patterns"):
            raise ValueError(f"fact pattern file: {key} needs a parser of {sorted(PARSERS)} and patterns")
        rule = FactRule(key, spec.kind, parser=parser, ignores=ignores, anchored=bool(entry.get("anchors")),
                        fillers=frozenset(str(word) for word in entry.get("fillers") or ()))
        return rule, {None: list(entry["patterns"])}
    values = {str(v): list(p or []) for v, p in (entry.get("values") or {}).items()}
    allowed = set(_BOOL_VALUES) if spec.kind == BOOL else set(spec.choices) if spec.kind == CHOICE else set()
    if not values or not set(values) <= allowed:
        raise ValueError(f"fact pattern file: {key} values {sorted(values)} not within {sorted(allowed)}")
    merge = entry.get("merge") or {}
    merged = next(iter(merge.items()), ("", ()))
    if len(merge) > 1 or not {merged[0], *merged[1]} <= allowed | {""}:
        raise ValueError(f"fact pattern file: {key} merge must name one value and its parts")
    fallback = str(entry.get("fallback") or "")
    if fallback and fallback not in allowed:
        raise ValueError(f"fact pattern file: {key} fallback {fallback!r} is not a value")
    rule = FactRule(key, spec.kind, ignores=ignores,
                    merge=(merged[0], tuple(merged[1])), fallback=fallback)
    return rule, values


def _combine(rule: FactRule, values: Set[object]) -> object:
    """One value from all readings of a key; None when they disagree."""
    whole, parts = rule.merge
    if whole and (whole in values or (parts and set(parts) <= values)):
        return whole
    if rule.fallback and len(values) > 1:
        values = values - {rule.fallback}
    return next(iter(values)) if len(values) == 1 else None


def _valid(model: Model, key: str, value: object) -> bool:
    try:
        model.keys[key].check(value)
    except InvalidAnswers:
        return False
    return True


def _in_question(doc: Doc, index: int) -> bool:
    """True when the sentence holding token `index` is a question.

    A question ends with "?" or, typed without one, starts with a question word
    ("do flat feet cause knee pain"); "don't have flat feet" is a statement.
    """
    start = max([t.i + 1 for t in doc[:index] if t.text in _SENTENCE_ENDS] + [0])
    first, second = doc[start], doc[start + 1] if start + 1 < len(doc) else None
    if first.lower_ in _QUESTION_WORDS and (second is None or second.lower_ not in _NEGATIONS):
        return True
    for token in doc[index:]:
        if token.text in _SENTENCE_ENDS:
            return "?" in token.text
    return doc[-1].text.endswith("?")


def _same_clause(doc: Doc, one: _Reading, other: _Reading) -> bool:
    """True when no clause break (",", "and", "but", ".") stands between two mentions."""
    first, second = sorted((one, other), key=lambda reading: reading.start)
    return not any(token.lower_ in _BREAKS for token in doc[first.end : second.start])


@lru_cache(maxsize=1)
def default_reader() -> FactReader:
    """The project's reader, built once per process from fact_patterns.yml."""
    return FactReader.from_file()


def read_facts(text: str, today: Optional[date] = None) -> Dict[str, object]:
    """Answer keys stated in one message ("my feet are flat" -> {"flat_feet": True})."""
    return default_reader().read(text, today)


__all__: Sequence[str] = ("FACT_FILE", "FactReader", "default_reader", "read_facts")
