"""The short adaptive interview: which question to ask next, or none when the result is settled.

    next_question(answers, unsure=()) -> Question | None

After every answer the engine works out which dispositions are still possible
(bot.triage.reach) and returns None as soon as only one is, so answering the
rest could never change the result. Otherwise:
1. the safety screen (questions marked `screen` in model.yml) in file order,
   skipping a question only when nothing in it could make the result more
   cautious than the least cautious outcome still possible; then
2. the question worth most: first one that can still fire the most cautious
   rule, then the one whose answers can move the score most (ties keep the
   file's order). A question that cannot change the result is never asked.
A key already in `answers` (prefilled from the patient's own words, or
answered) is never asked again; a checklist shows only its open items.
`unsure` names checklists the patient could not answer as a whole: their
open items are then asked one by one, as yes/no questions. "Not sure" is
never a skip.
"""
from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Iterable, Mapping, Optional

from bot.wording import Wording

from .answers import validate_answers
from .dispositions import CAUTION
from .keys import InvalidAnswers
from .model import MODEL, MULTI, YES_NO, Item, Model, Option, QuestionSpec, gate_open
from .reach import Analysis, reachability


@dataclass(frozen=True)
class Question:
    """A question to put to the patient, ready for any channel."""

    id: str
    kind: str
    """yes_no, choice, multi or number."""
    keys: tuple[str, ...]
    """The answer keys it fills (for a checklist: its open items)."""
    text: Wording
    why: Wording
    options: tuple[Option, ...]
    """Buttons: each sets some keys. A checklist's last option is "None of these" (all false);
    its other options are the items, and an item not ticked is false."""
    screen: bool

    def to_dict(self, language: str = "en") -> dict:
        """JSON-ready, its texts in `language` (the CLI and external tools)."""
        return {"id": self.id, "kind": self.kind, "keys": list(self.keys), "text": self.text.say(language),
                "why": self.why.say(language),
                "options": [{"label": option.label.say(language), "sets": dict(option.sets)} for option in self.options]}


@dataclass(frozen=True)
class _Candidate:
    spec: QuestionSpec
    keys: tuple[str, ...]
    item: Optional[Item]
    """Set when a checklist the patient was unsure of is asked one item at a time."""
    order: int


def next_question(answers: Mapping[str, object], unsure: Iterable[str] = (),
                  model: Model = MODEL) -> Optional[Question]:
    """The next question to ask, or None when the interview is over; raises InvalidAnswers."""
    checked = validate_answers(answers, model)
    unsure_ids = _checked_unsure(unsure, model)
    analysis = reachability(model).analyse(checked)
    if len(analysis.reachable) <= 1:
        return None
    candidates = _candidates(checked, unsure_ids, model)
    useful = [(c, value) for c in candidates if (value := _value(c.keys, analysis, model)) > (0, 0)]
    screen = [c for c, _ in useful if c.spec.screen]
    if screen:
        return _question(screen[0], model)
    if useful:
        best, _ = max(useful, key=lambda pair: (*pair[1], -pair[0].order))
        return _question(best, model)
    # Unreachable while the analysis is exact; kept so that a model edit can never end a triage early.
    read = _read_keys(model)
    fallback = [c for c in candidates if set(c.keys) & read]
    return _question(fallback[0], model) if fallback else None


def question_by_id(question_id: str, answers: Mapping[str, object] = MappingProxyType({}),
                   model: Model = MODEL) -> Question:
    """A question by its id (a question's, or an item's key for one item asked alone), with its open keys."""
    checked = validate_answers(answers, model)
    for spec in model.questions:
        if spec.id == question_id:
            return _question(_Candidate(spec, _open_keys(spec, checked, model) or spec.keys, None, 0), model)
        for item in spec.items:
            if item.key == question_id:
                return _question(_Candidate(spec, (item.key,), item, 0), model)
    raise KeyError(f"unknown question id '{question_id}'")


def _checked_unsure(unsure: Iterable[str], model: Model) -> frozenset:
    if isinstance(unsure, (str, bytes)):
        raise InvalidAnswers("<unsure>", "expected a list of checklist ids")
    checklists = {q.id for q in model.questions if q.kind == MULTI}
    ids = frozenset(unsure)
    wrong = sorted(str(i) for i in ids if i not in checklists)
    if wrong:
        raise InvalidAnswers("<unsure>", f"'{wrong[0]}' is not a checklist (expected one of {', '.join(sorted(checklists))})")
    return ids


def _open_keys(spec: QuestionSpec, answers: Mapping[str, object], model: Model) -> tuple[str, ...]:
    return tuple(key for key in spec.keys if key not in answers and model.applies(key, answers))


def _candidates(answers: Mapping[str, object], unsure: frozenset, model: Model) -> list[_Candidate]:
    candidates: list[_Candidate] = []
    for spec in model.questions:
        if not gate_open(spec.gate, answers):
            continue
        keys = _open_keys(spec, answers, model)
        if not keys:
            continue
        if spec.kind == MULTI and spec.id in unsure:
            items = [item for item in spec.items if item.key in keys]
            candidates += [_Candidate(spec, (item.key,), item, len(candidates) + i) for i, item in enumerate(items)]
        else:
            candidates.append(_Candidate(spec, keys, None, len(candidates)))
    return candidates


def _value(keys: tuple[str, ...], analysis: Analysis, model: Model) -> tuple[int, int]:
    """(rule, swing): the most cautious rule these keys can still fire above the least cautious
    outcome still possible (self-care counts 1), and how far they can move a score that still decides."""
    reachable = analysis.reachable
    floor = min(CAUTION[d] for d in reachable)
    wanted = set(keys)
    rule = max((CAUTION[r.disposition] for r in model.rules
                if r.id in analysis.can_fire and CAUTION[r.disposition] > floor and r.keys & wanted), default=0)
    if "self_care" in reachable and wanted & {c.key for c in model.self_care.conditions}:
        rule = max(rule, 1)
    swing = 0
    if {"gait_analysis", "consult"} <= reachable:
        items = model.score.items
        swing = sum(items[key].highest - items[key].lowest for key in keys if key in items)
    return rule, swing


def _read_keys(model: Model) -> set[str]:
    """Keys that some rule, the self-care check or the score reads."""
    read = {c.key for rule in model.rules for c in rule.conditions}
    return read | {c.key for c in model.self_care.conditions} | set(model.score.items)


def _question(candidate: _Candidate, model: Model) -> Question:
    spec, keys, item = candidate.spec, candidate.keys, candidate.item
    labels = model.labels
    if item is not None or spec.kind == YES_NO:
        key = keys[0]
        yes_no = (Option(labels["yes"], MappingProxyType({key: True})), Option(labels["no"], MappingProxyType({key: False})))
        if item is not None:
            return Question(item.key, YES_NO, keys, item.ask, item.why, yes_no, spec.screen)
        return Question(spec.id, YES_NO, keys, spec.text, spec.why, yes_no, spec.screen)
    if spec.kind == MULTI:
        items = [i for i in spec.items if i.key in keys]
        options = tuple(Option(i.label, MappingProxyType({i.key: True})) for i in items)
        none = Option(labels["none_of_these"], MappingProxyType({i.key: False for i in items}))
        return Question(spec.id, MULTI, keys, spec.text, spec.why, options + (none,), spec.screen)
    return Question(spec.id, spec.kind, keys, spec.text, spec.why, spec.options, spec.screen)
