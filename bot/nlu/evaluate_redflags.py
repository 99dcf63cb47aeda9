"""Measure the red-flag detector on a labelled sentence set: precision, recall, F1, misses.

Why: the detector interrupts the conversation, so both a missed red flag and a false
alarm matter; the labelled set makes every pattern change measurable.

    python -m bot.nlu.evaluate_redflags tests/nlu/data/redflag_sentences.yml [--batch v2b]

The data file is an argument, never a default: product code does not read tests/.
Scores are micro-averaged over flags: each (sentence, flag) pair is one decision.
Reported flags and denied flags ("no fever", the optional `denied` label) are scored
separately, and per language (the optional `lang` label, default "en"); `--batch` scores only the sentences of one batch (e.g. a held-out one).
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Set, Tuple

import yaml

from bot.nlu.redflags import RED_FLAG_IDS, denied_red_flags, positive_red_flags


@dataclass(frozen=True)
class LabelledSentence:
    """One sentence, the red flags it reports and the ones it denies."""

    text: str
    flags: frozenset
    group: str = ""
    denied: Optional[frozenset] = None  # None: denials not labelled, not scored
    batch: str = ""
    lang: str = "en"


@dataclass(frozen=True)
class Outcome:
    """What the detector said about one sentence."""

    sentence: LabelledSentence
    predicted: frozenset
    predicted_denied: frozenset = frozenset()

    @property
    def missed(self) -> Set[str]:
        return set(self.sentence.flags - self.predicted)

    @property
    def false_alarms(self) -> Set[str]:
        return set(self.predicted - self.sentence.flags)

    @property
    def missed_denials(self) -> Set[str]:
        denied = self.sentence.denied
        return set() if denied is None else set(denied - self.predicted_denied)

    @property
    def false_denials(self) -> Set[str]:
        denied = self.sentence.denied
        return set() if denied is None else set(self.predicted_denied - denied)


@dataclass
class Report:
    """Micro-averaged scores and the sentences that went wrong."""

    outcomes: List[Outcome] = field(default_factory=list)

    @property
    def true_positives(self) -> int:
        return sum(len(o.sentence.flags & o.predicted) for o in self.outcomes)

    @property
    def false_positives(self) -> int:
        return sum(len(o.false_alarms) for o in self.outcomes)

    @property
    def false_negatives(self) -> int:
        return sum(len(o.missed) for o in self.outcomes)

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    @property
    def errors(self) -> List[Outcome]:
        return [o for o in self.outcomes if o.missed or o.false_alarms or o.missed_denials or o.false_denials]

    @property
    def _denial_counts(self) -> Tuple[int, int, int]:
        """(right, said, expected) over the sentences whose denials are labelled."""
        labelled = [o for o in self.outcomes if o.sentence.denied is not None]
        right = sum(len(o.sentence.denied & o.predicted_denied) for o in labelled)
        return right, sum(len(o.predicted_denied) for o in labelled), sum(len(o.sentence.denied) for o in labelled)

    @property
    def denial_precision(self) -> float:
        right, said, _ = self._denial_counts
        return right / said if said else 1.0

    @property
    def denial_recall(self) -> float:
        right, _, expected = self._denial_counts
        return right / expected if expected else 1.0


def load_sentences(path: Path) -> List[LabelledSentence]:
    """Read the labelled set; unknown flag ids fail loudly with the sentence."""
    with open(path, encoding="utf-8") as handle:
        rows = yaml.safe_load(handle)["sentences"]
    sentences = []
    for row in rows:
        flags = frozenset(row.get("flags") or [])
        denied = frozenset(row["denied"] or []) if "denied" in row else None
        unknown = (flags | (denied or frozenset())) - set(RED_FLAG_IDS)
        if unknown:
            raise ValueError(f"unknown flag ids {sorted(unknown)} for {row['text']!r}")
        sentences.append(
            LabelledSentence(
                row["text"], flags, row.get("group", ""), denied, row.get("batch", ""), row.get("lang", "en")
            )
        )
    return sentences


def evaluate(
    sentences: Iterable[LabelledSentence],
    detect: Callable[[str], Set[str]] = positive_red_flags,
    deny: Callable[[str], Set[str]] = denied_red_flags,
) -> Report:
    """Run `detect` and `deny` on every sentence and collect the outcomes."""
    return Report([Outcome(s, frozenset(detect(s.text)), frozenset(deny(s.text))) for s in sentences])


def by_language(report: Report) -> Dict[str, Report]:
    """The report split by the sentences' language, so each language is scored alone."""
    split: Dict[str, Report] = {}
    for outcome in report.outcomes:
        split.setdefault(outcome.sentence.lang, Report()).outcomes.append(outcome)
    return split


def _score_line(report: Report) -> str:
    return (
        f"precision: {report.precision:.3f}  recall: {report.recall:.3f}  F1: {report.f1:.3f}"
        f"  denials precision: {report.denial_precision:.3f}  recall: {report.denial_recall:.3f}"
    )


def format_report(report: Report) -> str:
    """A plain-text summary, a score line per language, and one line per wrong sentence."""
    languages = by_language(report)
    lines = [
        f"sentences: {len(report.outcomes)}  expected flags: "
        f"{report.true_positives + report.false_negatives}",
        f"precision: {report.precision:.3f}  recall: {report.recall:.3f}  F1: {report.f1:.3f}",
        f"true positives: {report.true_positives}  false positives: {report.false_positives}"
        f"  false negatives: {report.false_negatives}",
        f"denials (labelled sentences): precision: {report.denial_precision:.3f}  recall: {report.denial_recall:.3f}",
    ]
    if len(languages) > 1:
        lines += [
            f"  {lang} ({len(part.outcomes)} sentences): {_score_line(part)}" for lang, part in sorted(languages.items())
        ]
    for outcome in report.errors:
        parts = []
        for words, flags in [
            ("missed", outcome.missed),
            ("false alarm", outcome.false_alarms),
            ("missed denial", outcome.missed_denials),
            ("false denial", outcome.false_denials),
        ]:
            if flags:
                parts.append(f"{words} " + ", ".join(sorted(flags)))
        lines.append(f"  [{outcome.sentence.lang} {outcome.sentence.group}] {outcome.sentence.text!r}: {'; '.join(parts)}")
    return "\n".join(lines)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.nlu.evaluate_redflags", description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="labelled sentences (YAML)")
    parser.add_argument("--batch", help="score only the sentences of this batch")
    args = parser.parse_args(argv)
    sentences = [s for s in load_sentences(args.data) if args.batch in (None, s.batch)]
    if not sentences:
        parser.error(f"no sentences in batch {args.batch!r}")
    print(format_report(evaluate(sentences)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
