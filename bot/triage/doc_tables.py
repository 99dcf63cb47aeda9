"""The tables of docs/clinical-model.md, derived from the model so the document can be checked.

`python -m bot.triage doc-tables` prints them; a test fails when the document
lacks a row, so a change to model.yml that is not documented is noticed.
"""
from __future__ import annotations

from .model import MODEL, Model, ScoreItem
from .questions import wording


def _points(points: int) -> str:
    return "0" if points == 0 else f"{points:+d}"


def weights(item: ScoreItem) -> str:
    """The weight cell: bands as `from-below points`, values as `value points`."""
    if item.bands:
        return ", ".join(f"{b.start:g}-{b.below:g} {_points(b.contribution.points)}" if b.below is not None
                         else f"{b.start:g}+ {_points(b.contribution.points)}" for b in item.bands)
    labels = {True: "yes", False: "no"}
    return ", ".join(f"{labels.get(value, value)} {_points(c.points)}" for value, c in item.by_value.items())


def question_rows(model: Model = MODEL) -> list[str]:
    rows = []
    for q in model.questions:
        keys = [f"`{i.key}`" + (f" ({' or '.join(sorted(map(str, i.gate[0][1])))})" if i.gate else "")
                for i in q.items] or [f"`{key}`" for key in q.keys]
        rows.append(f"| `{q.id}` | {q.kind} | {'yes' if q.screen else 'no'} | {q.text.en} | {', '.join(keys)} |")
    return rows


def rule_rows(model: Model = MODEL) -> list[str]:
    return [f"| `{r.id}` | {' + '.join(c.describe() for c in r.conditions)} | {r.disposition} | {r.source} |"
            for r in model.rules]


def score_rows(model: Model = MODEL) -> list[str]:
    texts, _ = wording(model)
    return [f"| `{key}` | {texts[key].en} | {weights(item)} | {item.source} |" for key, item in model.score.items.items()]


def all_rows(model: Model = MODEL) -> str:
    return "\n\n".join("\n".join(rows) for rows in (question_rows(model), rule_rows(model), score_rows(model)))
