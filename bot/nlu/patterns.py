"""A compact notation for spaCy Matcher token patterns, and a matcher that applies it.

Why: the clinical phrase lists are long; raw spaCy pattern dicts in YAML would bury
the words a clinician needs to review. One pattern is one string of space-separated
token specs:

    word        a token whose lowercase form is `word`
    a|b|c       any of these words
    /regex/     a token whose lowercase form fully matches the regex
    @set        any word of a named set (a list), or the set's regex (a "/.../" string)
    !a|b        any token except these words
    _           any token except a clause break (. ! ? ; but however though ...)
    NUM         a number-like token ("3", "three", "2.5")
    suffix      ?  *  +  {m,n}   (spaCy operators: optional, repeated)
    [ ... ]     the reported span (the other tokens are context); default: all tokens
    START END   anchors: the match must begin / end the text (trailing punctuation ok)
    $macro      replaced by each of the macro's alternatives (one pattern each);
                `$macro?` also allows the empty alternative
    (p q, r)    an inline group of phrase alternatives, expanded like a macro;
                `(...)?` also allows the empty alternative

Matching runs on a blank English or Spanish tokenizer, so no model is needed.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from spacy.matcher import Matcher
from spacy.tokens import Doc
from spacy.util import filter_spans
from spacy.vocab import Vocab

SetTable = Mapping[str, Union[str, Sequence[str]]]
MacroTable = Mapping[str, Sequence[str]]

# English and Spanish ("pero", "aunque", "sino"): the Spanish patterns use the same notation.
CLAUSE_BREAKS = [".", "!", "?", ";", "but", "however", "though", "although", "except", "yet", "whereas",
                 "pero", "aunque", "sino"]
_OP = re.compile(r"(\?|\*|\+|\{\d*,\d*\})$")
_MACRO = re.compile(r"\$(\w+)(\?)?")
_CLOSE = re.compile(r"\](\?|\*|\+|\{\d*,\d*\})?$")
_PLAIN_WORD = re.compile(r"^[\w'&-]+(\|[\w'&-]+)*$")
_GROUP = re.compile(r"(?:(?<=\s)|^)\(([^()]*)\)(\?)?(?=\s|$)")


class PatternError(ValueError):
    """A pattern string that cannot be compiled; the message names the pattern."""


@dataclass(frozen=True)
class CompiledPattern:
    """One Matcher pattern with what it reports: label, value and which tokens count."""

    label: str
    value: Optional[str]
    tokens: Tuple[dict, ...]
    core: Tuple[int, ...]
    gaps: Tuple[int, ...]
    at_start: bool
    at_end: bool
    source: str


@dataclass(frozen=True)
class Match:
    """A pattern hit: token span [start, end) of the reported part, plus its gap tokens."""

    label: str
    value: Optional[str]
    start: int
    end: int
    gap_tokens: Tuple[int, ...] = field(default=())


def _inline_groups(pattern: str, macros: MacroTable) -> Tuple[str, Dict[str, List[str]]]:
    """Turn each "(a b, c)" group into an anonymous macro so one expansion handles both."""
    table: Dict[str, List[str]] = dict(macros)

    def name_group(found: "re.Match[str]") -> str:
        name = f"group{len(table)}"
        table[name] = _merged_words([phrase.strip() for phrase in found.group(1).split(",")])
        return f"${name}{found.group(2) or ''}"

    return _GROUP.sub(name_group, pattern), table


def _merged_words(phrases: List[str]) -> List[str]:
    """One-word alternatives as one "a|b|c" token, so a long group of verbs compiles to a
    few Matcher patterns instead of one per word (same matches, much faster matching)."""
    words = [phrase for phrase in phrases if _PLAIN_WORD.match(phrase) and phrase not in ("START", "END", "NUM")]
    if len(words) < 2:
        return phrases
    first = phrases.index(words[0])
    rest = [phrase for phrase in phrases if phrase not in words]
    return rest[:first] + ["|".join(words)] + rest[first:]


def expand_macros(pattern: str, macros: MacroTable) -> List[str]:
    """Return every pattern string obtained by substituting each macro alternative."""
    pattern, macros = _inline_groups(pattern, macros)
    parts = _MACRO.split(pattern)
    # split() yields: text, name, optional-mark, text, name, optional-mark, ..., text
    choices: List[List[str]] = []
    for index in range(0, len(parts), 3):
        choices.append([parts[index]])
        if index + 1 < len(parts):
            name, optional = parts[index + 1], parts[index + 2]
            if name not in macros:
                raise PatternError(f"unknown macro ${name} in pattern {pattern!r}")
            if any(not isinstance(alt, str) for alt in macros[name]):
                raise PatternError(f"macro ${name} has a non-string alternative (quote it in YAML)")
            alternatives = list(macros[name]) + ([""] if optional else [])
            choices.append(alternatives)
    expanded = []
    for combo in itertools.product(*choices):
        text = " ".join("".join(combo).split())
        # A macro alternative may itself contain macros or inline groups.
        nested = "$" in text or _GROUP.search(text)
        expanded.extend(expand_macros(text, macros) if nested else [text])
    return expanded


def _word_list(spec: str) -> List[str]:
    return [word for word in spec.split("|") if word]


def _token_spec(body: str, sets: SetTable, pattern: str) -> dict:
    if body == "_":
        return {"LOWER": {"NOT_IN": CLAUSE_BREAKS}}
    if body == "NUM":
        return {"LIKE_NUM": True}
    if body.startswith("/") and body.endswith("/") and len(body) > 2:
        return {"LOWER": {"REGEX": f"^(?:{body[1:-1]})$"}}
    if body.startswith("@"):
        name = body[1:]
        if name not in sets:
            raise PatternError(f"unknown set @{name} in pattern {pattern!r}")
        value = sets[name]
        if isinstance(value, str):
            return _token_spec(value, sets, pattern)
        if any(not isinstance(word, str) for word in value):
            # YAML reads a bare no/yes/on/off as a boolean: quote such words in the file.
            raise PatternError(f"set @{name} has a non-string word {[w for w in value if not isinstance(w, str)]!r}")
        return {"LOWER": {"IN": [word.lower() for word in value]}}
    if body.startswith("!"):
        return {"LOWER": {"NOT_IN": _word_list(body[1:])}}
    words = _word_list(body)
    if any(word.startswith("@") for word in words):
        raise PatternError(f"a set cannot be mixed into a word list ({body!r}) in pattern {pattern!r}")
    if not words:
        raise PatternError(f"empty token spec in pattern {pattern!r}")
    return {"LOWER": words[0]} if len(words) == 1 else {"LOWER": {"IN": words}}


def _split_op(raw: str) -> Tuple[str, Optional[str]]:
    if raw.startswith("/"):
        closing = raw.rfind("/")
        if closing > 0:
            return raw[: closing + 1], raw[closing + 1 :] or None
    found = _OP.search(raw)
    if found and found.start() > 0:
        return raw[: found.start()], found.group(1)
    return raw, None


def compile_pattern(
    label: str, value: Optional[str], pattern: str, sets: SetTable
) -> CompiledPattern:
    """Compile one macro-free pattern string into a CompiledPattern."""
    tokens: List[dict] = []
    core: List[int] = []
    gaps: List[int] = []
    in_core = False
    at_start = at_end = False
    for raw in pattern.split():
        if raw == "START" and not tokens:
            at_start = True
            continue
        if raw == "END":
            at_end = True
            continue
        opens = raw.startswith("[")
        raw = raw[1:] if opens else raw
        closes = bool(_CLOSE.search(raw))
        raw = _CLOSE.sub(r"\1", raw) if closes else raw
        if (opens and in_core) or (closes and not (opens or in_core)):
            raise PatternError(f"unbalanced [ ] in pattern {pattern!r}")
        in_core = in_core or opens
        if raw:
            body, op = _split_op(raw)
            spec = dict(_token_spec(body, sets, pattern))
            if op:
                spec["OP"] = op
            if body == "_":
                gaps.append(len(tokens))
            if in_core:
                core.append(len(tokens))
            tokens.append(spec)
        in_core = in_core and not closes
    if in_core:
        raise PatternError(f"unbalanced [ ] in pattern {pattern!r}")
    if not tokens:
        raise PatternError(f"pattern {pattern!r} has no tokens")
    return CompiledPattern(
        label=label,
        value=value,
        tokens=tuple(tokens),
        core=tuple(core),
        gaps=tuple(gaps),
        at_start=at_start,
        at_end=at_end,
        source=pattern,
    )


def compile_patterns(
    label: str,
    value: Optional[str],
    patterns: Iterable[str],
    sets: SetTable,
    macros: MacroTable,
) -> List[CompiledPattern]:
    """Expand macros in each pattern string and compile every result."""
    compiled = []
    for pattern in patterns:
        if not isinstance(pattern, str):
            raise PatternError(f"pattern for {label} must be a string, got {pattern!r}")
        for text in expand_macros(pattern, macros):
            compiled.append(compile_pattern(label, value, text, sets))
    return compiled


class PatternMatcher:
    """Runs compiled patterns over a Doc and reports label/value spans.

    `exclusions` are patterns that veto their label: a match overlapping an
    exclusion match of the same label is dropped ("hay fever" vetoes "fever").
    """

    def __init__(
        self,
        vocab: Vocab,
        patterns: Sequence[CompiledPattern],
        exclusions: Sequence[CompiledPattern] = (),
    ) -> None:
        self._patterns = list(patterns)
        self._exclusions = list(exclusions)
        self._matcher = Matcher(vocab, validate=True)
        for index, pattern in enumerate(self._patterns):
            self._add(f"p{index}", pattern)
        for index, pattern in enumerate(self._exclusions):
            self._add(f"x{index}", pattern)

    def _add(self, key: str, pattern: CompiledPattern) -> None:
        try:
            self._matcher.add(key, [list(pattern.tokens)])
        except ValueError as error:
            raise PatternError(f"bad pattern {pattern.source!r}: {error}") from error

    def all_matches(self, doc: Doc) -> List[Match]:
        """Every pattern hit (overlaps included), after anchors and exclusions."""
        hits: List[Match] = []
        vetoes: Dict[str, List[Tuple[int, int]]] = {}
        strings = doc.vocab.strings
        for match_id, start, end, alignment in self._matcher(doc, with_alignments=True):
            key = strings[match_id]
            table = self._patterns if key[0] == "p" else self._exclusions
            pattern = table[int(key[1:])]
            if not _anchors_hold(doc, pattern, start, end):
                continue
            if key[0] == "x":
                vetoes.setdefault(pattern.label, []).append((start, end))
                continue
            hits.append(_reported(pattern, start, alignment))
        return [
            hit
            for hit in hits
            if not any(s < hit.end and hit.start < e for s, e in vetoes.get(hit.label, []))
        ]

    def best_matches(self, doc: Doc) -> List[Match]:
        """Non-overlapping matches per label, longest first; sorted by position."""
        by_label: Dict[str, List[Match]] = {}
        for hit in self.all_matches(doc):
            by_label.setdefault(hit.label, []).append(hit)
        chosen: List[Match] = []
        for hits in by_label.values():
            by_span: Dict[Tuple[int, int], Match] = {}
            for hit in hits:
                by_span.setdefault((hit.start, hit.end), hit)
            kept = filter_spans([doc[start:end] for start, end in by_span])
            chosen.extend(by_span[(span.start, span.end)] for span in kept)
        return sorted(chosen, key=lambda hit: (hit.start, hit.end, hit.label))


def _anchors_hold(doc: Doc, pattern: CompiledPattern, start: int, end: int) -> bool:
    if pattern.at_start and any(not token.is_punct for token in doc[:start]):
        return False
    if pattern.at_end and any(not token.is_punct for token in doc[end:]):
        return False
    return True


def _reported(pattern: CompiledPattern, start: int, alignment: Sequence[int]) -> Match:
    core = set(pattern.core)
    positions = [start + i for i, spec_index in enumerate(alignment) if spec_index in core]
    if not positions:
        positions = [start, start + len(alignment) - 1]
    gaps = set(pattern.gaps)
    gap_tokens = tuple(start + i for i, spec_index in enumerate(alignment) if spec_index in gaps)
    return Match(
        label=pattern.label,
        value=pattern.value,
        start=min(positions),
        end=max(positions) + 1,
        gap_tokens=gap_tokens,
    )
