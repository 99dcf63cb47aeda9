"""NegEx/ConText-style qualifiers for a mention: negated, hypothetical, historical, other person.

Why: "no numbness", "what if I get a fever", "I had a fever last year" and "my mom had
cancer" all contain a red-flag phrase but are not a red flag for this patient.

How it decides (after Chapman et al. 2001, NegEx, and Harkema et al. 2009, ConText):
- trigger phrases come from the pattern file; a longer trigger wins over a shorter one
  it overlaps, and "pseudo" triggers ("not only", "can't", "no matter") cancel a
  trigger without qualifying anything;
- a pre-trigger qualifies a mention that starts within `window` tokens after it, a
  post-trigger ("went away", "is gone") one that ends within `post_window` before it;
  historical markers ("years ago") and staleness markers ("3 weeks ago", which
  cancel only flags that must be recent) work in both directions;
- scope stops at a terminator ("but", ".", "and I", ...); a comma stops it too unless
  the next words continue a list of mentions ("no fever, chills or sweats"), and it
  does not run past another mention into a new statement ("no fever i can't walk");
- a trigger inside a mention's wildcard gap counts ("my knee isn't hot or swollen"),
  a trigger that is part of the phrase itself does not ("I can't feel my thighs").
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Mapping, Sequence, Set, Tuple

from spacy.tokens import Doc
from spacy.util import filter_spans
from spacy.vocab import Vocab

from bot.nlu.patterns import MacroTable, Match, PatternMatcher, SetTable, compile_patterns

NEGATED = "negated"
HYPOTHETICAL = "hypothetical"
HISTORICAL = "historical"
OTHER_PERSON = "other_person"
STALE = "not_recent"  # "3 weeks ago": cancels only the flags that must be recent

# trigger kind in the pattern file -> (qualifier, direction)
TRIGGER_KINDS: Mapping[str, tuple] = {
    "negation_pre": (NEGATED, "pre"),
    "negation_post": (NEGATED, "post"),
    "hypothetical_pre": (HYPOTHETICAL, "pre"),
    "historical": (HISTORICAL, "both"),
    "stale": (STALE, "both"),
    "other_person_pre": (OTHER_PERSON, "pre"),
    "other_person_post": (OTHER_PERSON, "post"),
    "pseudo": (None, None),
}
# Order in which a mention's qualifier is reported when several apply.
QUALIFIER_ORDER = (NEGATED, OTHER_PERSON, HYPOTHETICAL, HISTORICAL, STALE)
Span = Tuple[int, int]


@dataclass(frozen=True)
class Trigger:
    """A context trigger found in the text, as a token span."""

    kind: str
    start: int
    end: int


class ContextRules:
    """Finds triggers and terminators and says which qualifiers apply to a mention."""

    def __init__(
        self,
        vocab: Vocab,
        config: Mapping[str, object],
        sets: SetTable,
        macros: MacroTable,
    ) -> None:
        triggers = config.get("triggers")
        if not isinstance(triggers, Mapping) or set(triggers) - set(TRIGGER_KINDS):
            raise ValueError(f"context.triggers must map {sorted(TRIGGER_KINDS)} to patterns")
        compiled = []
        for kind, patterns in triggers.items():
            compiled += compile_patterns(kind, None, patterns, sets, macros)
        compiled += compile_patterns("terminator", None, config.get("terminators", []), sets, macros)
        self._matcher = PatternMatcher(vocab, compiled)
        self.window = int(config.get("window", 6))
        self.post_window = int(config.get("post_window", 3))
        self.historical_window = int(config.get("historical_window", 8))
        self.soft_terminators = _words(config, "soft_terminators", [","])
        self.list_joiners = _words(config, "list_joiners", ["or", "and", "nor", "no"])

    def analyse(self, doc: Doc) -> "DocContext":
        """Find the triggers and hard terminators of a document once."""
        hits = self._matcher.all_matches(doc)
        terminators = {hit.start for hit in hits if hit.label == "terminator"}
        trigger_hits = [hit for hit in hits if hit.label != "terminator"]
        # A longer trigger wins over a shorter one it overlaps ("not sure" over "not").
        by_span: Dict[tuple, Match] = {}
        for hit in sorted(trigger_hits, key=lambda h: list(TRIGGER_KINDS).index(h.label)):
            by_span.setdefault((hit.start, hit.end), hit)
        kept = filter_spans([doc[s:e] for s, e in by_span])
        triggers = [
            Trigger(by_span[(span.start, span.end)].label, span.start, span.end)
            for span in kept
            if by_span[(span.start, span.end)].label != "pseudo"
        ]
        return DocContext(doc, triggers, terminators, self)


def _words(config: Mapping[str, object], name: str, default: List[str]) -> frozenset:
    """A word list from the config; a non-string (YAML reads a bare `no` as false) fails."""
    words = config.get(name, default)
    bad = [word for word in words if not isinstance(word, str)] if isinstance(words, list) else [words]
    if bad:
        raise ValueError(f"context.{name} must be a list of quoted strings, got {bad!r}")
    return frozenset(words)


class DocContext:
    """The triggers of one document; qualifies mentions found in it."""

    def __init__(
        self, doc: Doc, triggers: List[Trigger], terminators: Set[int], rules: ContextRules
    ) -> None:
        self._doc = doc
        self._triggers = triggers
        self._terminators = terminators
        self._rules = rules

    def qualifiers(self, mention: Match, mentions: Sequence[Span]) -> List[str]:
        """Qualifiers that apply to `mention`, most important first.

        `mentions` are the (start, end) token spans of every mention in the text: a
        scope runs over another mention only when list words join them ("no fever or
        chills"), not into a new statement ("no fever i can't feel my legs").
        """
        found = set()
        gap = set(mention.gap_tokens)
        for trigger in self._triggers:
            qualifier, direction = TRIGGER_KINDS[trigger.kind]
            inside_gap = gap and set(range(trigger.start, trigger.end)) <= gap
            if (inside_gap and direction != "post") or self._applies(
                trigger, direction, mention, mentions
            ):
                found.add(qualifier)
        return [q for q in QUALIFIER_ORDER if q in found]

    def _applies(
        self, trigger: Trigger, direction: str, mention: Match, mentions: Sequence[Span]
    ) -> bool:
        rules = self._rules
        if direction in ("pre", "both") and trigger.end <= mention.start:
            window = rules.historical_window if direction == "both" else rules.window
            return mention.start - trigger.end <= window and self._open(
                trigger.end, mention.start, mentions
            )
        if direction in ("post", "both") and trigger.start >= mention.end:
            window = rules.historical_window if direction == "both" else rules.post_window
            return trigger.start - mention.end <= window and self._open(
                mention.end, trigger.start, mentions
            )
        return False

    def _open(self, start: int, end: int, mentions: Sequence[Span]) -> bool:
        """True when a scope can run over tokens [start, end)."""
        starts = {s for s, _ in mentions}
        for index in range(start, end):
            if index in self._terminators:
                return False
            if self._doc[index].text in self._rules.soft_terminators and (
                self._after_joiners(index + 1) not in starts
            ):
                return False
        inner = sorted({(s, e) for s, e in mentions if start <= s and e <= end})
        for s, e in inner:
            following = min([s2 for s2, _ in inner if s2 >= e] + [end])
            if self._after_joiners(e) < following:
                return False
        return True

    def _after_joiners(self, index: int) -> int:
        """The first position at or after `index` that is not a list word."""
        while index < len(self._doc) and self._doc[index].lower_ in self._rules.list_joiners:
            index += 1
        return index
