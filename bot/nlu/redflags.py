"""Red-flag detector for free text: spaCy Matcher patterns plus a NegEx-style context check.

Why: a patient may mention a red flag at any turn ("my back hurts and I can't feel my
inner thighs"); the conversation must stop and give the emergency or urgent advice at
once, but "no numbness", "I don't have a fever" or "never had cancer" must not fire.

The phrases live in `redflag_patterns.yml` (notation in `bot.nlu.patterns`), the
context rules (negation, hypothetical, past, someone else) in its `context` section
(`bot.nlu.context`). Decisions a clinician should know about:
- past events with a distant time marker ("I had a fever last year", "tore my ACL in
  college") are history, not a red flag now; a history of cancer counts whenever it was;
- questions and conditionals ("what if I can't walk?") and other people ("my mom had
  cancer") do not fire;
- the flags and their meanings are the triage model's (bot/triage/model.yml, v2):
  RED_FLAG_IDS is read from it, and the pattern file must cover exactly those keys;
- rf_leg_weakness is weakness or a dropping or dragging foot; numbness or tingling of
  a leg alone (sciatica, neuropathy) does not fire any flag;
- an ulcer, hole or open wound on a foot is rf_foot_wound; a blister, cut or sore only
  when it is not healing; a black area on a foot or toe is rf_foot_wound too;
- pain at night fires only when severe, waking, at rest or with no comfortable position;
- a hot, red or swollen foot fires only with diabetes mentioned (rf_diabetic_hot_foot);
- an injury counts as rf_trauma only when recent: "3 weeks ago", "last month" make it
  stale (`recent_only`), while a serious accident (rf_serious_trauma) counts whenever,
  unless it is distant history;
- a swollen calf is rf_calf_tender; with breathlessness or chest pain in the same
  message it is rf_calf_swelling as well.
Denials ("no numbness", "I don't have a fever") are reported by `denied_red_flags`, so
the interview can note "you said no" on a checklist item; a denial never answers it.
Matching is case-blind: the text is lower-cased before tokenizing, because the
tokenizer splits "don't"/"dont" but not "DONT", and negation depends on that split.
It is accent-blind too ("caí" is "cai", "año" is "ano"): patients often type Spanish
without accents, so the Spanish patterns are written without them.

Spanish: `redflag_patterns_es.yml` holds the same 19 flags in Spanish, with Spanish
negation ("no tengo fiebre", "sin entumecimiento"), on a blank Spanish tokenizer. The
project's detector runs both files on every message whatever the conversation's
language, so a Spanish red flag is caught before the language is known.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Set, Tuple

import unicodedata

import yaml
from spacy.language import Language

from bot.nlu.context import HISTORICAL, NEGATED, STALE, ContextRules
from bot.nlu.patterns import Match, PatternMatcher, compile_patterns
from bot.nlu.pipeline import blank_english, blank_spanish
from bot.triage.model import MODEL

# The triage model's red-flag answer keys, so the detector cannot drift from the model.
RED_FLAG_IDS = tuple(key for key, spec in MODEL.keys.items() if key.startswith("rf_") and not spec.retired)
PATTERN_FILE = Path(__file__).with_name("redflag_patterns.yml")
SPANISH_PATTERN_FILE = Path(__file__).with_name("redflag_patterns_es.yml")
_HELPER = "helper:"
_DENIAL = "deny:"
_FLAG_KEYS = {"patterns", "exclude", "requires", "history_ok", "recent_only", "denials"}


@dataclass(frozen=True)
class RedFlagMention:
    """A red-flag phrase found in the text, with character offsets and its context."""

    flag: str
    text: str
    start: int
    end: int
    negated: bool
    qualifier: Optional[str] = None  # "hypothetical", "historical" or "other_person"

    @property
    def positive(self) -> bool:
        """True when the patient reports this red flag for themself, now."""
        return not self.negated and self.qualifier is None

    @property
    def denied(self) -> bool:
        """True when the patient says they do not have it (not about others, not a question)."""
        return self.negated and self.qualifier is None


class RedFlagDetector:
    """Finds red-flag mentions and decides which ones the patient actually reports."""

    def __init__(self, nlp: Language, spec: Mapping[str, Any]) -> None:
        sets, macros = spec.get("sets", {}), spec.get("macros", {})
        flags = _validated_flags(spec)
        helpers = spec.get("helpers", {})
        patterns, exclusions = [], []
        for label, entry in [(f, flags[f]) for f in flags] + [
            (_HELPER + name, entry) for name, entry in helpers.items()
        ]:
            patterns += compile_patterns(label, None, entry["patterns"], sets, macros)
            exclusions += compile_patterns(label, None, entry.get("exclude", []), sets, macros)
            if not label.startswith(_HELPER):
                patterns += compile_patterns(_DENIAL + label, None, entry.get("denials", []), sets, macros)
        self._nlp = nlp
        self._matcher = PatternMatcher(nlp.vocab, patterns, exclusions)
        self._context = ContextRules(nlp.vocab, spec.get("context", {}), sets, macros)
        self._requires = {flag: entry.get("requires") for flag, entry in flags.items()}
        self._history_ok = {flag for flag, entry in flags.items() if entry.get("history_ok")}
        self._recent_only = {flag for flag, entry in flags.items() if entry.get("recent_only")}

    @classmethod
    def from_file(cls, path: Path = PATTERN_FILE, nlp: Optional[Language] = None) -> "RedFlagDetector":
        """Load the patterns from a YAML file; a bad file fails here, naming the problem."""
        with open(path, encoding="utf-8") as handle:
            spec = yaml.safe_load(handle)
        return cls(nlp or blank_english(), spec)

    def detect(self, text: str) -> List[RedFlagMention]:
        """Every red flag mentioned in `text`, one mention per flag and place.

        A denial-only phrase ("no numbness") is a mention only where it is negated.
        """
        doc = self._nlp.make_doc(_case_folded(text))
        candidates = self._matcher.all_matches(doc)
        context = self._context.analyse(doc)
        spans = sorted({(m.start, m.end) for m in candidates})
        judged = []
        for match in candidates:
            qualifiers = self._kept(match.label, context.qualifiers(match, spans))
            if match.label.startswith(_DENIAL):
                if NEGATED not in qualifiers:
                    continue
                match = replace(match, label=match.label[len(_DENIAL) :])
            judged.append((match, qualifiers))
        affirmed_helpers = {
            match.label[len(_HELPER) :]
            for match, qualifiers in judged
            if match.label.startswith(_HELPER) and not qualifiers
        }
        mentions = [
            _mention(text, doc, match, qualifiers)
            for match, qualifiers in _one_per_place(judged)
            if not match.label.startswith(_HELPER)
            and self._requires.get(match.label) in (None, *affirmed_helpers)
        ]
        return sorted(mentions, key=lambda m: (m.start, m.flag))

    def _kept(self, label: str, qualifiers: List[str]) -> List[str]:
        """Drop the qualifiers that do not cancel this flag (history for cancer, staleness)."""
        flag = label[len(_DENIAL) :] if label.startswith(_DENIAL) else label
        dropped = {HISTORICAL} if flag in self._history_ok else set()
        dropped |= set() if flag in self._recent_only else {STALE}
        return [q for q in qualifiers if q not in dropped]


def _case_folded(text: str) -> str:
    """Lower-case `text` and drop accents without changing its length, so character
    offsets still hold."""
    return "".join(_folded_char(char) for char in text)


def _folded_char(char: str) -> str:
    lower = char.lower()
    if len(lower) != 1:
        return char
    base = unicodedata.normalize("NFD", lower)[0]
    return base if base.isascii() else lower


class RedFlagDetectors:
    """Several detectors (one per language) run together: their mentions, merged.

    A word both languages share ("cancer", "incontinencia") can be read by one detector
    that does not know the other language's context words: in "mi madre tiene cáncer"
    the English patterns see "cancer" affirmed, the Spanish ones see it said of the
    mother. So a positive mention is dropped where another detector qualified the same
    flag at the same place (negated, someone else's, hypothetical, past).
    """

    def __init__(self, detectors: List[RedFlagDetector]) -> None:
        self._detectors = list(detectors)

    def detect(self, text: str) -> List[RedFlagMention]:
        """Every detector's mentions in `text`, sorted by place."""
        found = [detector.detect(text) for detector in self._detectors]
        merged = []
        for index, mentions in enumerate(found):
            others = [m for other, ms in enumerate(found) if other != index for m in ms if not m.positive]
            merged += [m for m in mentions if not (m.positive and any(_same_place(m, o) for o in others))]
        return sorted(merged, key=lambda m: (m.start, m.flag))


def _same_place(one: RedFlagMention, other: RedFlagMention) -> bool:
    return one.flag == other.flag and one.start < other.end and other.start < one.end


def _validated_flags(spec: Mapping[str, Any]) -> Dict[str, Mapping[str, Any]]:
    flags = spec.get("flags")
    if not isinstance(flags, Mapping):
        raise ValueError("red-flag pattern file: missing 'flags' mapping")
    if set(flags) != set(RED_FLAG_IDS):
        missing, unknown = set(RED_FLAG_IDS) - set(flags), set(flags) - set(RED_FLAG_IDS)
        raise ValueError(f"red-flag pattern file: missing flags {sorted(missing)}, unknown {sorted(unknown)}")
    helpers = spec.get("helpers", {})
    for flag, entry in flags.items():
        if not isinstance(entry, Mapping) or not entry.get("patterns"):
            raise ValueError(f"red-flag pattern file: {flag} needs a list of patterns")
        if set(entry) - _FLAG_KEYS:
            raise ValueError(f"red-flag pattern file: {flag} has unknown keys {sorted(set(entry) - _FLAG_KEYS)}")
        if entry.get("requires") not in (None, *helpers):
            raise ValueError(f"red-flag pattern file: {flag} requires unknown helper {entry['requires']!r}")
    return dict(flags)


def _one_per_place(judged: List[Tuple[Match, List[str]]]) -> List[Tuple[Match, List[str]]]:
    """Collapse overlapping hits of one label; an affirmed reading beats a qualified one."""
    by_label: Dict[str, List[Tuple[Match, List[str]]]] = {}
    for item in judged:
        by_label.setdefault(item[0].label, []).append(item)
    chosen: List[Tuple[Match, List[str]]] = []
    for items in by_label.values():
        clusters: List[List[Tuple[Match, List[str]]]] = []
        for item in sorted(items, key=lambda item: (item[0].start, item[0].end)):
            if clusters and item[0].start < max(match.end for match, _ in clusters[-1]):
                clusters[-1].append(item)
            else:
                clusters.append([item])
        # Affirmed first, then the longest phrase.
        chosen += [min(c, key=lambda item: (bool(item[1]), item[0].start - item[0].end)) for c in clusters]
    return chosen


def _mention(text: str, doc: Any, match: Match, qualifiers: List[str]) -> RedFlagMention:
    span = doc[match.start : match.end]
    others = [q for q in qualifiers if q != NEGATED]
    return RedFlagMention(
        flag=match.label,
        text=text[span.start_char : span.end_char],
        start=span.start_char,
        end=span.end_char,
        negated=NEGATED in qualifiers,
        qualifier=others[0] if others else None,
    )


@lru_cache(maxsize=1)
def default_detector() -> RedFlagDetectors:
    """The project's detector, built once per process: the English and the Spanish
    patterns, both run on every message."""
    return RedFlagDetectors(
        [RedFlagDetector.from_file(), RedFlagDetector.from_file(SPANISH_PATTERN_FILE, blank_spanish())]
    )


def detect_red_flags(text: str) -> List[RedFlagMention]:
    """All red-flag mentions in `text`, negated or qualified ones included."""
    return default_detector().detect(text)


def positive_red_flags(text: str) -> Set[str]:
    """The red-flag ids the patient reports in `text` (not negated, not hypothetical...)."""
    return {mention.flag for mention in detect_red_flags(text) if mention.positive}


def denied_red_flags(text: str) -> Set[str]:
    """The red-flag ids the patient explicitly denies for themself now ("no fever").

    A flag both denied and reported in one message ("no fever... well, a fever last
    night") counts as reported, never as denied.
    """
    mentions = detect_red_flags(text)
    reported = {m.flag for m in mentions if m.positive}
    return {m.flag for m in mentions if m.denied} - reported
