"""Measure the fact reader on a labelled sentence set: precision and recall per key and overall.

Why: a fact read wrongly is never asked again, so precision matters most; recall says
how many questions the patient is spared. The labelled set makes every change measurable.

    python -m bot.nlu.evaluate_facts tests/nlu/data/fact_sentences.yml [--batch heldout]

Each (sentence, key) pair the reader states or the label expects is one decision: a
stated key with the expected value is a true positive, a stated key with another value
or no label a false positive (and, when labelled, also a false negative), a labelled key
not stated a false negative. Durations are read against the set's `today`.
"""
from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable, Dict, List, Mapping, Optional, Sequence, Tuple

import yaml

from bot.nlu.facts import read_facts
from bot.triage.answers import validate_answers

Reader = Callable[[str, Optional[date]], Mapping[str, object]]


@dataclass(frozen=True)
class LabelledSentence:
    """One sentence and the facts a careful reader may take from it."""

    text: str
    facts: Mapping[str, object]
    style: str = ""
    batch: str = ""


@dataclass(frozen=True)
class Outcome:
    """What the reader said about one sentence."""

    sentence: LabelledSentence
    read: Mapping[str, object]

    def wrong(self) -> Dict[str, Tuple[object, object]]:
        """Keys read differently from the label: key -> (expected, read); missing is `...`."""
        keys = set(self.sentence.facts) | set(self.read)
        return {
            key: (self.sentence.facts.get(key, ...), self.read.get(key, ...))
            for key in sorted(keys)
            if self.sentence.facts.get(key, ...) != self.read.get(key, ...)
        }


@dataclass
class Counts:
    """True positives, false positives and false negatives of one key or of all."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass
class Report:
    """Scores per key and overall, the sentences that went wrong and the time per message."""

    outcomes: List[Outcome] = field(default_factory=list)
    seconds_per_message: float = 0.0

    def counts(self) -> Dict[str, Counts]:
        per_key: Dict[str, Counts] = {}
        for outcome in self.outcomes:
            expected, read = outcome.sentence.facts, outcome.read
            for key in set(expected) | set(read):
                counts = per_key.setdefault(key, Counts())
                if key in read and key in expected and read[key] == expected[key]:
                    counts.tp += 1
                    continue
                counts.fp += key in read
                counts.fn += key in expected
        return dict(sorted(per_key.items()))

    @property
    def overall(self) -> Counts:
        total = Counts()
        for counts in self.counts().values():
            total.tp, total.fp, total.fn = total.tp + counts.tp, total.fp + counts.fp, total.fn + counts.fn
        return total

    @property
    def precision(self) -> float:
        return self.overall.precision

    @property
    def recall(self) -> float:
        return self.overall.recall

    @property
    def errors(self) -> List[Outcome]:
        return [o for o in self.outcomes if o.wrong()]


def load_sentences(path: Path) -> Tuple[List[LabelledSentence], date]:
    """Read the labelled set and its `today`; labels the engine would reject fail loudly."""
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    today = data["today"]
    sentences = []
    for row in data["sentences"]:
        facts = dict(row.get("facts") or {})
        try:
            validate_answers(facts)
        except ValueError as error:
            raise ValueError(f"bad label for {row['text']!r}: {error}") from error
        sentences.append(LabelledSentence(row["text"], facts, row.get("style", ""), row.get("batch", "")))
    return sentences, today


def evaluate(sentences: Sequence[LabelledSentence], today: Optional[date] = None,
             reader: Reader = read_facts) -> Report:
    """Run the reader on every sentence; time only the reading, not the first load."""
    reader("warm up", today)
    started = time.perf_counter()
    outcomes = [Outcome(s, dict(reader(s.text, today))) for s in sentences]
    elapsed = time.perf_counter() - started
    return Report(outcomes, elapsed / len(sentences) if sentences else 0.0)


def format_report(report: Report) -> str:
    """A plain-text table per key, the overall line and one line per wrong sentence."""
    lines = [f"{'key':<18} {'tp':>4} {'fp':>4} {'fn':>4} {'precision':>9} {'recall':>7}"]
    for key, c in report.counts().items():
        lines.append(f"{key:<18} {c.tp:>4} {c.fp:>4} {c.fn:>4} {c.precision:>9.3f} {c.recall:>7.3f}")
    total = report.overall
    lines += [
        f"{'overall':<18} {total.tp:>4} {total.fp:>4} {total.fn:>4} {total.precision:>9.3f} {total.recall:>7.3f}",
        f"sentences: {len(report.outcomes)}  time per message: {report.seconds_per_message * 1000:.1f} ms",
    ]
    for outcome in report.errors:
        wrong = ", ".join(
            f"{key} expected {_shown(expected)} read {_shown(read)}" for key, (expected, read) in outcome.wrong().items()
        )
        lines.append(f"  [{outcome.sentence.style}] {outcome.sentence.text!r}: {wrong}")
    return "\n".join(lines)


def _shown(value: object) -> str:
    return "nothing" if value is ... else repr(value)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.nlu.evaluate_facts", description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="labelled sentences (YAML)")
    parser.add_argument("--batch", help="only the sentences of this batch (e.g. heldout)")
    args = parser.parse_args(argv)
    sentences, today = load_sentences(args.data)
    if args.batch:
        sentences = [s for s in sentences if s.batch == args.batch]
    print(format_report(evaluate(sentences, today)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
