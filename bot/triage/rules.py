"""Red flags and "points away" conditions: fixed rules that decide before any score.

A red flag fires when its answer is exactly true; a skipped (None) or missing
answer fires nothing, which is why the screen asks every flag before the score.
The most cautious rule that fires decides the disposition.
"""
from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping, Optional

from .dispositions import CAUTION, most_cautious
from .model import MODEL, PAIN_SEVERITY, Rule
from .result import Reason


@dataclass(frozen=True)
class RuleOutcome:
    red_flags: tuple[str, ...]
    points_away: tuple[str, ...]
    disposition: Optional[str]
    """None when no rule fired, so the score decides."""
    reasons: tuple[Reason, ...]


def sentence(says: str) -> str:
    """The patient-facing sentence for a rule: "You said <says>."."""
    return f"You said {says}."


CONDITIONS: Mapping[str, str] = MappingProxyType({
    **{rule.id: sentence(rule.says) for rule in MODEL.red_flags.values()},
    **{rule.id: sentence(rule.says) for rule in MODEL.combinations},
    MODEL.age_red_flag.rule.id: sentence(MODEL.age_red_flag.rule.says),
    **{key: sentence(entry.rule.says) for key, entry in MODEL.points_away.items()},
})
"""Plain-English sentence for every red flag (answered or derived), combination and "points away" condition."""


def describe_condition(condition_id: str) -> str:
    """The outcome sentence for a red flag, combination or "points away" id."""
    try:
        return CONDITIONS[condition_id]
    except KeyError:
        raise KeyError(f"unknown condition id '{condition_id}'") from None


def apply_rules(answers: Mapping[str, object]) -> RuleOutcome:
    """Which red flags and "points away" conditions fire, and the disposition they force."""
    flags = tuple(key for key in MODEL.red_flags if answers.get(key) is True)
    combinations = [rule for rule in MODEL.combinations if all(flag in flags for flag in rule.when)]
    covered = {flag for rule in combinations for flag in rule.when}
    fired = combinations + [MODEL.red_flags[flag] for flag in flags if flag not in covered]
    if MODEL.age_red_flag.fires(answers):
        flags += (MODEL.age_red_flag.rule.id,)
        fired.append(MODEL.age_red_flag.rule)
    away = tuple(key for key in MODEL.points_away if answers.get(key) is True)
    fired += [_points_away_rule(key, answers) for key in away]
    fired.sort(key=lambda rule: -CAUTION[rule.disposition])
    return RuleOutcome(
        red_flags=flags,
        points_away=away,
        disposition=most_cautious(rule.disposition for rule in fired) if fired else None,
        reasons=tuple(Reason(rule.id, sentence(rule.says), 0) for rule in fired),
    )


def _points_away_rule(key: str, answers: Mapping[str, object]) -> Rule:
    entry = MODEL.points_away[key]
    escalation = entry.escalation
    severity = answers.get(PAIN_SEVERITY)
    if escalation is not None and severity is not None and severity >= escalation.severity_at_least:
        return Rule(key, entry.rule.when, escalation.disposition, escalation.says)
    return entry.rule
