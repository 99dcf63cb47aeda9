"""Which dispositions are still possible, over every way the open questions could be answered.

This is what makes the interview's early stop sound: it stops only when one
disposition is left, so answering the rest could never change the result.

Why it is exact and fast:
- Every rule is a set of conditions, and a missing or unknown answer makes no
  condition hold, so leaving an open question unanswered ("don't know") is
  always possible and never fires anything.
- Rules test yes/no answers only for `true` (checked when the model loads), so
  each rule is monotone in them: the cheapest way to make rule R decide is to
  say yes to R's own open items and nothing else. R's level is reachable
  exactly when that assignment fires no more cautious rule.
- The few keys that gates, number bands and non-yes/no conditions read (where
  the pain is, how long, how old, how bad) are "context" keys: the analysis
  tries one value from every band their conditions draw, plus "unknown".
- The score is a sum, so its lowest and highest still-possible values bound it
  exactly; yes/no items read by rules are never scored (checked at load), so
  the two parts are independent.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import product
from typing import Mapping, Optional

from .conditions import Condition, all_hold
from .dispositions import CAUTION, DISPOSITIONS
from .keys import BOOL, CHOICE
from .model import MODEL, Model, Rule, gate_open

LEVELS = ("emergency", "urgent", "consult")


@dataclass(frozen=True)
class _Rule:
    rule: Rule
    context: tuple[Condition, ...]
    flags: int
    """Bitmask of the yes/no keys the rule needs answered yes."""


@dataclass(frozen=True)
class Analysis:
    """What is still possible given some answers."""

    reachable: frozenset
    """The dispositions some way of answering the open questions still gives."""
    can_fire: frozenset
    """Ids of the rules some way of answering the open questions still fires."""
    score_low: Optional[int]
    score_high: Optional[int]
    """The lowest and highest score still possible where the score can decide (None where it cannot)."""


class Reachability:
    """The analysis for one model; built once, then asked for any answers."""

    def __init__(self, model: Model) -> None:
        self.model = model
        conditions = [c for rule in model.rules for c in rule.conditions]
        conditions += list(model.self_care.conditions) + list(model.score.back_pain_sign.conditions)
        gate_keys = {key for gate in model.gates.values() for key, _ in gate}
        numeric_items = {key for key, item in model.score.items.items() if item.bands}
        context = gate_keys | numeric_items | {c.key for c in conditions if model.keys[c.key].kind != BOOL}
        self.context_keys: tuple[str, ...] = tuple(sorted(context, key=lambda k: (k not in gate_keys, k)))
        self.candidates = {key: self._candidates(key, [c for c in conditions if c.key == key])
                           for key in self.context_keys}
        flag_keys = sorted({c.key for c in conditions if c.key not in context})
        self.bit = {key: 1 << index for index, key in enumerate(flag_keys)}
        self.rules = tuple(_Rule(rule, tuple(c for c in rule.conditions if c.key in context),
                                 sum(self.bit[c.key] for c in rule.conditions if c.key not in context))
                           for rule in model.rules)
        self.by_level = {level: tuple(r for r in self.rules if r.rule.disposition == level) for level in LEVELS}
        self.free_items = {key: item for key, item in model.score.items.items() if key not in context}
        self.context_items = tuple(key for key in model.score.items if key in context)
        self.gate_keys = frozenset(gate_keys)
        self._analyse = lru_cache(maxsize=4096)(self._analyse_frozen)

    def _candidates(self, key: str, conditions: list[Condition]) -> tuple:
        """One value from every region the conditions and score bands cut the key's range into, then None."""
        spec = self.model.keys[key]
        if spec.kind == CHOICE:
            return (*spec.choices, None)
        if spec.kind == BOOL:
            return (True, False, None)
        item = self.model.score.items.get(key)
        points = {spec.minimum, spec.maximum}
        points |= {b for c in conditions for b in c.breakpoints if spec.minimum <= b <= spec.maximum}
        points |= {band.start for band in item.bands} if item else set()
        ordered = sorted(points)
        tried = ordered + [(low + high) / 2 for low, high in zip(ordered, ordered[1:])]
        chosen: dict[tuple, float] = {}
        for value in sorted(tried):
            signature = (tuple(c.holds(value) for c in conditions),
                         item.contribution(value) if item else None)
            chosen.setdefault(signature, value)
        return (*chosen.values(), None)

    def analyse(self, answers: Mapping[str, object]) -> Analysis:
        """The analysis of checked answers (see answers.validate_answers)."""
        return self._analyse(frozenset(answers.items()))

    def _analyse_frozen(self, frozen: frozenset) -> Analysis:
        answers = dict(frozen)
        reachable: set[str] = set()
        can_fire: set[str] = set()
        lows, highs = [], []
        open_keys = [key for key in self.context_keys if key not in answers]
        gates = [key for key in open_keys if key in self.gate_keys]
        others = [key for key in open_keys if key not in self.gate_keys]
        for gate_values in product(*(self.candidates[key] for key in gates)):
            gated = {**answers, **dict(zip(gates, gate_values))}
            masks = self._masks(answers, gated)
            free = self._free_score(answers, gated)
            for values in product(*(self.candidates[key] for key in others)):
                known = {**gated, **dict(zip(others, values))}
                holds = {r.rule.id: all_hold(r.context, known) for r in self.rules if r.context}
                can_fire |= {r.rule.id for r in self.rules if holds.get(r.rule.id, True)
                             and r.flags & ~(masks[0] | masks[1]) == 0}
                reachable |= self._levels(holds, *masks)
                if self._fires(holds, masks[0], ()):
                    continue
                if all_hold(self.model.self_care.conditions, known):
                    reachable.add("self_care")
                    continue
                low, high, paths = self._score_path(answers, known, free)
                reachable |= paths
                lows.append(low)
                highs.append(high)
        return Analysis(frozenset(d for d in DISPOSITIONS if d in reachable), frozenset(can_fire),
                        min(lows) if lows else None, max(highs) if highs else None)

    def _masks(self, answers: Mapping[str, object], gated: Mapping[str, object]) -> tuple[int, int]:
        """(yes, open): the rule items answered yes, and those still open, that apply."""
        true_mask = open_mask = 0
        for key, bit in self.bit.items():
            if self.model.applies(key, gated):
                if key not in answers:
                    open_mask |= bit
                elif answers[key] is True:
                    true_mask |= bit
        return true_mask, open_mask

    def _free_score(self, answers: Mapping[str, object], gated: Mapping[str, object]) -> tuple:
        """The scored items outside the context: (fixed points, lowest and highest of the open ones,
        open signs, whether a sign is answered yes)."""
        fixed = low = high = 0
        open_signs = []
        signs = self.model.score.back_pain_sign.signs
        for key, item in self.free_items.items():
            if not self.model.applies(key, gated):
                continue
            if key not in answers:
                low, high = low + item.lowest, high + item.highest
                if key in signs:
                    open_signs.append(key)
            elif answers[key] is not None:
                fixed += item.contribution(answers[key]).points
        has_sign = any(answers.get(sign) is True and self.model.applies(sign, gated) for sign in signs)
        return fixed, low, high, bool(open_signs), has_sign

    def _fires(self, holds: Mapping[str, bool], true_mask: int, levels: tuple, extra: int = 0) -> bool:
        """Does any rule (of `levels`, or of any level) fire with only these yes answers?"""
        rules = [r for level in levels for r in self.by_level[level]] if levels else self.rules
        return any(holds.get(r.rule.id, True) and r.flags & ~(true_mask | extra) == 0 for r in rules)

    def _levels(self, holds: Mapping[str, bool], true_mask: int, open_mask: int) -> set[str]:
        """The rule dispositions some answers still give: R's level, when saying yes to R alone fires nothing higher."""
        found = set()
        for index, level in enumerate(LEVELS):
            higher = LEVELS[:index]
            for r in self.by_level[level]:
                if holds.get(r.rule.id, True) and r.flags & ~(true_mask | open_mask) == 0 and \
                        not (higher and self._fires(holds, true_mask, higher, r.flags)):
                    found.add(level)
                    break
        return found

    def _score_path(self, answers: Mapping[str, object], known: Mapping[str, object],
                    free: tuple) -> tuple[int, int, set]:
        """With no rule and no self-care: the score's range, and whether it can give gait analysis or consult."""
        scoring = self.model.score
        fixed, low, high, sign_open, has_sign = free
        fixed += scoring.base
        for key in self.context_items:
            value = known.get(key)
            if value is not None and self.model.applies(key, known):
                fixed += scoring.items[key].contribution(value).points
        low, high = fixed + low, fixed + high
        threshold = scoring.moderate_at
        if all_hold(scoring.back_pain_sign.conditions, known):
            gait = (has_sign or sign_open) and high >= threshold
            consult = low < threshold or not has_sign
        else:
            gait, consult = high >= threshold, low < threshold
        return low, high, {name for name, possible in (("gait_analysis", gait), ("consult", consult)) if possible}


_DEFAULT = Reachability(MODEL)


def reachability(model: Model = MODEL) -> Reachability:
    return _DEFAULT if model is MODEL else Reachability(model)


def reachable(answers: Mapping[str, object], model: Model = MODEL) -> frozenset:
    """The dispositions still possible for checked answers (see answers.validate_answers)."""
    return reachability(model).analyse(answers).reachable


__all__ = ["Analysis", "Reachability", "reachability", "reachable", "CAUTION"]
