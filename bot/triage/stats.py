"""`interview-stats`: every vignette through the interview, and how many questions it took.

The figures the v2 review set as targets: for patients with no red flag a
median of at most 10 questions and at most 12 for 90% of them; at most one
question after the red flag that decides the result; and no vignette where the
interview's disposition differs from assess() of the same answers.
"""
from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from typing import Sequence

from .dispositions import DISPOSITIONS, is_safe
from .engine import assess
from .model import MODEL, Model
from .simulate import questions_after_decision, run_interview
from .vignettes import Vignette

NO_RED_FLAG = ("consult", "gait_analysis", "self_care")
TARGET_MEDIAN, TARGET_P90, TARGET_AFTER_FLAG = 10, 12, 1


@dataclass(frozen=True)
class VignetteRun:
    vignette: Vignette
    asked: int
    disposition: str
    """What the interview ended with."""
    assessed: str
    """assess() of the vignette's full answers."""
    after_flag: int


@dataclass(frozen=True)
class Counts:
    n: int
    median: float
    p90: int
    max: int


def p90(values: Sequence[int]) -> int:
    """The nearest-rank 90th percentile: at most this many for 90% of the values."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]


def counts(values: Sequence[int]) -> Counts:
    return Counts(len(values), statistics.median(values), p90(values), max(values)) if values else Counts(0, 0, 0, 0)


def run_all(vignettes: Sequence[Vignette], model: Model = MODEL) -> list[VignetteRun]:
    runs = []
    for vignette in vignettes:
        run = run_interview(vignette.answers, model=model)
        runs.append(VignetteRun(vignette, len(run.asked), run.result.disposition,
                                assess(vignette.answers, model).disposition, questions_after_decision(run, model)))
    return runs


def report(runs: Sequence[VignetteRun]) -> tuple[str, bool]:
    """The figures as text, and whether the hard requirements hold (no disagreement, emergencies safe)."""
    lines = [f"Vignettes: {len(runs)}", "Questions asked, by disposition (n, median, p90, max):"]
    for disposition in DISPOSITIONS:
        c = counts([r.asked for r in runs if r.assessed == disposition])
        lines.append(f"  {disposition:<14}{c.n:>3}{c.median:>7g}{c.p90:>5}{c.max:>5}")
    benign = counts([r.asked for r in runs if r.assessed in NO_RED_FLAG])
    lines.append(f"No red flag: median {benign.median:g} (target <= {TARGET_MEDIAN}), "
                 f"p90 {benign.p90} (target <= {TARGET_P90}), max {benign.max}")
    flagged = [r.after_flag for r in runs if r.assessed not in NO_RED_FLAG]
    lines.append(f"Questions after the red flag that decided the result: max {max(flagged, default=0)} "
                 f"(target <= {TARGET_AFTER_FLAG}), zero in {sum(a == 0 for a in flagged)} of {len(flagged)}")
    disagree = [r.vignette.id for r in runs if r.disposition != r.assessed]
    lines.append(f"Interview and assess() disagree: {len(disagree)}" + (f" ({', '.join(disagree)})" if disagree else ""))
    emergencies = [r for r in runs if r.vignette.expected == "emergency"]
    safe = sum(is_safe(r.disposition, "emergency") for r in emergencies)
    lines.append(f"Emergency vignettes safe in the interview: {safe}/{len(emergencies)}")
    return "\n".join(lines), not disagree and safe == len(emergencies)
