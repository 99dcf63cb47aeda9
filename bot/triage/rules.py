"""Red flags and "points away" conditions: fixed rules that decide before any score.

A rule fires when all its conditions hold; a missing or unknown answer never
makes a condition hold. The most cautious rule that fires decides the
disposition. When two rules fire and one contains all the conditions of the
other (an injury + cannot take four steps, beside the injury alone), only the
fuller one is given as a reason.
"""
from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping, Optional

from .conditions import all_hold
from .dispositions import CAUTION, most_cautious
from bot.wording import Wording

from .model import MODEL, RED_FLAG_DISPOSITIONS, Model, Rule
from .result import Reason


@dataclass(frozen=True)
class RuleOutcome:
    red_flags: tuple[str, ...]
    """Ids of the emergency and urgent rules that fired."""
    points_away: tuple[str, ...]
    """Ids of the consult rules that fired."""
    disposition: Optional[str]
    """None when no rule fired, so self-care or the score decides."""
    reasons: tuple[Reason, ...]


def sentence(rule: Rule, model: Model = MODEL) -> Wording:
    """The patient-facing sentence for a rule: "You said <says>." (model.yml's `you_said`)."""
    return model.you_said.fill(says=rule.says)


def conditions_of(model: Model = MODEL) -> Mapping[str, Wording]:
    """The sentence for every rule id, in every language."""
    return MappingProxyType({rule.id: sentence(rule, model) for rule in model.rules})


CONDITIONS: Mapping[str, Wording] = conditions_of()
"""The sentence for every red flag, combination and "points away" rule of the model in use."""


def describe_condition(condition_id: str) -> Wording:
    """The outcome sentence for a rule id."""
    try:
        return CONDITIONS[condition_id]
    except KeyError:
        raise KeyError(f"unknown condition id '{condition_id}'") from None


def fired_rules(answers: Mapping[str, object], model: Model = MODEL) -> list[Rule]:
    """The rules whose conditions all hold, most cautious first (file order within a level)."""
    fired = [rule for rule in model.rules if all_hold(rule.conditions, answers)]
    return sorted(fired, key=lambda rule: -CAUTION[rule.disposition])


def apply_rules(answers: Mapping[str, object], model: Model = MODEL) -> RuleOutcome:
    """Which rules fire on the effective answers, and the disposition they force."""
    fired = fired_rules(answers, model)
    shown = [rule for rule in fired
             if not any(set(rule.conditions) < set(other.conditions) for other in fired)]
    return RuleOutcome(
        red_flags=tuple(rule.id for rule in fired if rule.disposition in RED_FLAG_DISPOSITIONS),
        points_away=tuple(rule.id for rule in fired if rule.disposition not in RED_FLAG_DISPOSITIONS),
        disposition=most_cautious(rule.disposition for rule in fired) if fired else None,
        reasons=tuple(Reason(rule.id, sentence(rule, model), 0) for rule in shown),
    )
