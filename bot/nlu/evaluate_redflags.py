"""Measure the red-flag detector on a labelled sentence set: precision, recall, F1, misses.

Why: the detector interrupts the conversation, so both a missed red flag and a false
alarm matter; the labelled set makes every pattern change measurable.

    python -m bot.nlu.evaluate_redflags [--data tests/nlu/data/redflag_sentences.yml]

Scores are micro-averaged over flags: each (sentence, flag) pair is one decision.
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, List, Optional, Sequence, Set

import yaml

from bot.nlu.redflags import RED_FLAG_IDS, positive_red_flags

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "tests" / "nlu" / "data" / "redflag_sentences.yml"


@dataclass(frozen=True)
class LabelledSentence:
    """One sentence and the red flags it reports."""

    text: str
    flags: frozenset
    group: str = ""


@dataclass(frozen=True)
class Outcome:
    """What the detector said about one sentence."""

    sentence: LabelledSentence
    predicted: frozenset

    @property
    def missed(self) -> Set[str]:
        return set(self.sentence.flags - self.predicted)

    @property
    def false_alarms(self) -> Set[str]:
        return set(self.predicted - self.sentence.flags)


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
        return [o for o in self.outcomes if o.missed or o.false_alarms]


def load_sentences(path: Path = DEFAULT_DATA) -> List[LabelledSentence]:
    """Read the labelled set; unknown flag ids fail loudly with the sentence."""
    with open(path, encoding="utf-8") as handle:
        rows = yaml.safe_load(handle)["sentences"]
    sentences = []
    for row in rows:
        flags = frozenset(row.get("flags") or [])
        unknown = flags - set(RED_FLAG_IDS)
        if unknown:
            raise ValueError(f"unknown flag ids {sorted(unknown)} for {row['text']!r}")
        sentences.append(LabelledSentence(row["text"], flags, row.get("group", "")))
    return sentences


def evaluate(
    sentences: Iterable[LabelledSentence],
    detect: Callable[[str], Set[str]] = positive_red_flags,
) -> Report:
    """Run `detect` on every sentence and collect the outcomes."""
    return Report([Outcome(s, frozenset(detect(s.text))) for s in sentences])


def format_report(report: Report) -> str:
    """A plain-text summary with one line per wrong sentence."""
    lines = [
        f"sentences: {len(report.outcomes)}  expected flags: "
        f"{report.true_positives + report.false_negatives}",
        f"precision: {report.precision:.3f}  recall: {report.recall:.3f}  F1: {report.f1:.3f}",
        f"true positives: {report.true_positives}  false positives: {report.false_positives}"
        f"  false negatives: {report.false_negatives}",
    ]
    for outcome in report.errors:
        parts = []
        if outcome.missed:
            parts.append("missed " + ", ".join(sorted(outcome.missed)))
        if outcome.false_alarms:
            parts.append("false alarm " + ", ".join(sorted(outcome.false_alarms)))
        lines.append(f"  [{outcome.sentence.group}] {outcome.sentence.text!r}: {'; '.join(parts)}")
    return "\n".join(lines)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.nlu.evaluate_redflags", description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="labelled sentences (YAML)")
    args = parser.parse_args(argv)
    print(format_report(evaluate(load_sentences(args.data))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
