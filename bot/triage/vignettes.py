"""Running clinical vignettes through the engine and scoring them as Gilbert et al. do.

Gilbert et al., BMJ Open 2020;10:e040269 report, out of all vignettes, the
advice at the gold-standard level (exact) and the "safe" advice. This project
counts as safe only the right level or a more cautious one (see
dispositions.py); Gilbert et al. also accept one level less cautious, and that
looser figure is printed beside it for comparison.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional

import yaml

from .answers import InvalidAnswers, validate_answers
from .dispositions import DISPOSITIONS, is_safe, levels_below
from .engine import assess


@dataclass(frozen=True)
class Vignette:
    id: str
    answers: Mapping[str, object]
    expected: str
    """The right disposition for this patient, as a clinician would judge it."""
    rationale: str
    engine_gives: Optional[str] = None
    """A known disagreement: the engine gives this instead (never allowed on an emergency)."""


@dataclass(frozen=True)
class Figures:
    total: int
    exact: int
    safe: int
    safe_gilbert: int
    emergency_total: int
    emergency_safe: int
    unsafe: tuple[str, ...]
    by_expected: Mapping[str, tuple[int, int, int]]
    """expected disposition -> (vignettes, exact, safe)."""


def load_vignettes(path: Path) -> list[Vignette]:
    """Read a vignette file; a malformed vignette raises ValueError naming it.

    The file holds `vignettes` and optional `anchors`: named answer sets that
    vignettes merge in with YAML's `<<: *name`, so a full negative screen is
    written once.
    """
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict) or set(data) - {"anchors", "vignettes"} or not data.get("vignettes"):
        raise ValueError(f"{path}: expected 'vignettes' (a list) and optionally 'anchors' (shared answers)")
    vignettes, seen = [], set()
    for index, entry in enumerate(data["vignettes"], start=1):
        name = entry.get("id") if isinstance(entry, dict) else None
        where = f"{path}: vignette {name or index}"
        if not isinstance(entry, dict) or set(entry) - {"id", "answers", "expected", "rationale", "engine_gives"}:
            raise ValueError(f"{where}: expected keys id, answers, expected, rationale and optionally engine_gives")
        if not isinstance(name, str) or name in seen:
            raise ValueError(f"{where}: needs a unique text id")
        try:
            validate_answers(entry.get("answers"))
        except InvalidAnswers as error:
            raise ValueError(f"{where}: {error}") from error
        if entry.get("expected") not in DISPOSITIONS:
            raise ValueError(f"{where}: expected must be one of {', '.join(DISPOSITIONS)}")
        if not isinstance(entry.get("rationale"), str) or not entry["rationale"].strip():
            raise ValueError(f"{where}: needs a one-line rationale")
        engine_gives = entry.get("engine_gives")
        if engine_gives is not None and (engine_gives not in DISPOSITIONS or engine_gives == entry["expected"]
                                       or entry["expected"] == "emergency"):
            raise ValueError(f"{where}: engine_gives must be another disposition, and never on an emergency")
        seen.add(name)
        vignettes.append(Vignette(name, entry["answers"], entry["expected"], entry["rationale"], engine_gives))
    return vignettes


def evaluate(vignettes: list[Vignette]) -> tuple[dict[str, str], Figures]:
    """Each vignette's disposition from the engine, and the figures over all of them."""
    given = {vignette.id: assess(vignette.answers).disposition for vignette in vignettes}
    by_expected: dict[str, tuple[int, int, int]] = {}
    for disposition in DISPOSITIONS:
        group = [v for v in vignettes if v.expected == disposition]
        by_expected[disposition] = (len(group), sum(given[v.id] == disposition for v in group),
                                    sum(is_safe(given[v.id], disposition) for v in group))
    emergencies = [v for v in vignettes if v.expected == "emergency"]
    figures = Figures(
        total=len(vignettes),
        exact=sum(given[v.id] == v.expected for v in vignettes),
        safe=sum(is_safe(given[v.id], v.expected) for v in vignettes),
        safe_gilbert=sum(levels_below(given[v.id], v.expected) <= 1 for v in vignettes),
        emergency_total=len(emergencies),
        emergency_safe=sum(is_safe(given[v.id], "emergency") for v in emergencies),
        unsafe=tuple(v.id for v in vignettes if not is_safe(given[v.id], v.expected)),
        by_expected=by_expected,
    )
    return given, figures


def report(figures: Figures) -> str:
    """The figures as Gilbert et al. (BMJ Open 2020) report them."""
    def share(part: int, whole: int) -> str:
        return f"{part}/{whole} ({100 * part / whole:.1f}%)" if whole else "0/0"

    lines = [
        f"Vignettes: {figures.total}",
        f"Exact disposition: {share(figures.exact, figures.total)}",
        f"Safe advice (right level or more cautious): {share(figures.safe, figures.total)}",
        f"Safe as Gilbert et al. define it (also one level less cautious): "
        f"{share(figures.safe_gilbert, figures.total)}",
        f"Emergency vignettes safe: {share(figures.emergency_safe, figures.emergency_total)}",
        f"Unsafe: {', '.join(figures.unsafe) or 'none'}",
        "By expected disposition (vignettes, exact, safe):",
        *(f"  {name:<14}{n:>3}{exact:>4}{safe:>4}" for name, (n, exact, safe) in figures.by_expected.items()),
    ]
    return "\n".join(lines)
