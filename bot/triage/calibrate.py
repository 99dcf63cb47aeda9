"""Calibration: does the score's likelihood match what podiatrists find, and which weights would?

Two tools, both for clinical review and neither changing the live model:

- `band_rates`: per likelihood band, how many attended patients had a
  foot-mechanics finding, with a Wilson 95% confidence interval.
- `fit_weights`: a logistic regression of the finding on the scored answers,
  one indicator per answer cell (a value, or a band of a number), with an
  unanswered item as the reference (0 points). Log-odds become points on a
  fixed scale: a score s is meant to mean log-odds (s - 50) / 10 of a finding,
  so a point is 0.1 logit and the base is 50 + 10 × intercept. `proposed_model`
  writes those points into a copy of model.yml (comments and wording kept).

The fit ignores the 0..100 clamp and the lower-back cap, and leaves a cell
alone (current points kept) when fewer than `min_cell` patients gave that
answer. With fewer events per fitted cell than `min_epv` (Peduzzi's rule of
thumb: 10) it refuses to conclude rather than propose noise.
"""
from __future__ import annotations

import difflib
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

import numpy as np

from .model import MODEL, Model, load_model
from .score import LIKELIHOODS

POINTS_PER_LOGIT = 10.0
SCORE_AT_EVEN_ODDS = 50.0
MAX_POINTS = 50  # the model file's own bound (model.py)
Cell = Tuple[str, object]  # (key, answer value) or (key, band index)


@dataclass(frozen=True)
class Record:
    """One attended patient: the assessment's answers, its likelihood band, and the finding."""

    answers: Mapping[str, object]
    finding: bool
    likelihood: Optional[str] = None


@dataclass(frozen=True)
class BandRate:
    band: str
    patients: int
    with_finding: int
    low: float
    high: float

    @property
    def rate(self) -> Optional[float]:
        return self.with_finding / self.patients if self.patients else None


def wilson_interval(successes: int, total: int, z: float = 1.959964) -> Tuple[float, float]:
    """The Wilson score interval (sound for small counts and for 0 % or 100 %)."""
    if total == 0:
        return 0.0, 1.0
    p = successes / total
    centre = (p + z * z / (2 * total)) / (1 + z * z / total)
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / (1 + z * z / total)
    low = 0.0 if successes == 0 else max(0.0, centre - half)  # exact at the edges, despite rounding
    high = 1.0 if successes == total else min(1.0, centre + half)
    return low, high


def band_rates(records: Sequence[Record]) -> List[BandRate]:
    """Per likelihood band (low, moderate, high): patients, findings and the 95 % interval."""
    rates = []
    for band in LIKELIHOODS:
        chosen = [r for r in records if r.likelihood == band]
        hits = sum(r.finding for r in chosen)
        rates.append(BandRate(band, len(chosen), hits, *wilson_interval(hits, len(chosen))))
    return rates


def cells(model: Model = MODEL) -> List[Cell]:
    """Every scored answer cell, in model order."""
    found: List[Cell] = []
    for key, item in model.score.items.items():
        found += [(key, index) for index in range(len(item.bands))] if item.bands else [(key, v) for v in item.by_value]
    return found


def cell_of(key: str, value: object, model: Model = MODEL) -> Optional[Cell]:
    item = model.score.items[key]
    if value is None:
        return None
    if item.bands:
        return key, next(i for i, band in enumerate(item.bands) if band.contains(float(value)))
    return (key, value) if value in item.by_value else None


def design(records: Sequence[Record], model: Model = MODEL) -> np.ndarray:
    """The indicator matrix: one row per record, one column per cell."""
    index = {cell: i for i, cell in enumerate(cells(model))}
    matrix = np.zeros((len(records), len(index)))
    for row, record in enumerate(records):
        for key in model.score.items:
            cell = cell_of(key, record.answers.get(key), model)
            if cell is not None:
                matrix[row, index[cell]] = 1.0
    return matrix


def current_points(model: Model = MODEL) -> Dict[Cell, int]:
    points: Dict[Cell, int] = {}
    for key, item in model.score.items.items():
        if item.bands:
            points.update({(key, i): band.contribution.points for i, band in enumerate(item.bands)})
        else:
            points.update({(key, value): c.points for value, c in item.by_value.items()})
    return points


@dataclass(frozen=True)
class Fit:
    conclusive: bool
    message: str
    patients: int
    with_finding: int
    base: Optional[int] = None
    points: Optional[Dict[Cell, int]] = None  # proposed points per cell (unfitted cells keep theirs)
    exact: Optional[Dict[Cell, float]] = None  # the fitted points before rounding, fitted cells only


def fit_weights(records: Sequence[Record], model: Model = MODEL, min_cell: int = 10,
                min_epv: float = 10.0) -> Fit:
    """Fit the weights, or say why the data cannot support a conclusion."""
    hits = sum(r.finding for r in records)
    events = min(hits, len(records) - hits)
    matrix = design(records, model)
    all_cells = cells(model)
    used = [i for i in range(len(all_cells)) if matrix[:, i].sum() >= min_cell]
    references = _references(matrix, all_cells, used, min_cell)
    used = [i for i in used if i not in references]
    needed = math.ceil(min_epv * max(len(used), 1))
    if events < needed:
        return Fit(False, f"Too little data to conclude: {len(records)} patients with a recorded finding, "
                          f"{hits} with a foot-mechanics finding; fitting {len(used)} answer cells needs at least "
                          f"{needed} patients with and {needed} without a finding ({min_epv:g} per cell).",
                   len(records), hits)
    from sklearn.linear_model import LogisticRegression  # heavy; only the fit needs it

    y = np.array([r.finding for r in records], dtype=int)
    regression = LogisticRegression(C=1e6, max_iter=10000).fit(matrix[:, used], y)
    exact = {all_cells[i]: float(c) * POINTS_PER_LOGIT for i, c in zip(used, regression.coef_[0])}
    exact.update({all_cells[i]: 0.0 for i in references})
    points = dict(current_points(model))
    points.update({cell: max(-MAX_POINTS, min(MAX_POINTS, round(value))) for cell, value in exact.items()})
    base = round(SCORE_AT_EVEN_ODDS + POINTS_PER_LOGIT * float(regression.intercept_[0]))
    return Fit(True, f"Fitted on {len(records)} patients ({hits} with a foot-mechanics finding); "
                     f"{len(all_cells) - len(used)} answer cells had fewer than {min_cell} patients and keep "
                     f"their points; {len(references)} items answered by nearly everyone are measured from "
                     f"their most common answer (0 points).", len(records), hits, max(0, min(100, base)), points, exact)


def _references(matrix: np.ndarray, all_cells: List[Cell], used: List[int], min_cell: int) -> List[int]:
    """For an item nearly everyone answered, its most common answer becomes the 0-point reference:
    otherwise its cells and the base cannot be told apart (they always add up to one)."""
    references = []
    for key in dict.fromkeys(key for key, _ in all_cells):
        mine = [i for i in used if all_cells[i][0] == key]
        answered = matrix[:, [i for i, cell in enumerate(all_cells) if cell[0] == key]].sum()
        if mine and len(matrix) - answered < min_cell:
            references.append(max(mine, key=lambda i: matrix[:, i].sum()))
    return references


_ITEM = re.compile(r"^    ([a-z_]+):\s*$")
_VALUE = re.compile(r"^(\s{8})(\"?)([A-Za-z0-9_]+)\2: \{points: (-?\d+)")
_BAND = re.compile(r"^(\s{8}- \{.*\bpoints: )(-?\d+)")
_BASE = re.compile(r"^(  base: )(\d+)")


def proposed_model(live_text: str, fit: Fit, model: Model = MODEL) -> str:
    """The model file's text with the fitted base and points; everything else unchanged."""
    lines, key, band, section = [], None, 0, None
    for line in live_text.splitlines(keepends=True):
        if re.match(r"^[a-z_]+:", line):
            section = line.split(":")[0]
        if section == "score":
            line = _BASE.sub(lambda m: f"{m.group(1)}{fit.base}", line)
            item = _ITEM.match(line)
            if item and item.group(1) in model.score.items:
                key, band = item.group(1), 0
            elif key and _BAND.match(line):
                line = _BAND.sub(lambda m: f"{m.group(1)}{fit.points[(key, band)]}", line)
                band += 1
            elif key and _VALUE.match(line):
                match = _VALUE.match(line)
                value = next(v for v in model.score.items[key].by_value if str(v).lower() == match.group(3).lower())
                start, end = match.span(4)
                line = line[:start] + str(fit.points[(key, value)]) + line[end:]
        lines.append(line)
    return "".join(lines)


def model_diff(live_text: str, proposed_text: str) -> str:
    return "".join(difflib.unified_diff(live_text.splitlines(keepends=True), proposed_text.splitlines(keepends=True),
                                        "model.yml (live)", "model.proposed.yml"))


def read_records(path: Path) -> List[Record]:
    """JSON lines {"answers": {...}, "finding": true|false, "likelihood": "low"|...} (tests, exports)."""
    records = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        data = json.loads(line)
        if not isinstance(data, dict) or not isinstance(data.get("answers"), dict) \
                or not isinstance(data.get("finding"), bool):
            raise ValueError(f"{path}:{number}: expected {{\"answers\": {{...}}, \"finding\": true|false}}")
        records.append(Record(data["answers"], data["finding"], data.get("likelihood")))
    return records


def write_proposal(fit: Fit, out_dir: Path, live_file: Path, model: Model = MODEL) -> Tuple[Path, Path]:
    """model.proposed.yml and model.diff; the live file is not touched.

    The proposal is then loaded as a model: one the model's own rules refuse (e.g. a
    foot sign whose 'yes' no longer adds points) raises ModelError, files left for review."""
    live_text = live_file.read_text(encoding="utf-8")
    proposed = proposed_model(live_text, fit, model)
    out_dir.mkdir(parents=True, exist_ok=True)
    proposed_file, diff_file = out_dir / "model.proposed.yml", out_dir / "model.diff"
    proposed_file.write_text(proposed, encoding="utf-8")
    diff_file.write_text(model_diff(live_text, proposed), encoding="utf-8")
    load_model(proposed_file)
    return proposed_file, diff_file
