"""The triage model (questions, rules, weights, thresholds, wording) read from model.yml.

Everything a clinic may tune lives in the YAML file; this module turns it into
frozen objects and refuses a file that is inconsistent, so a mistake stops
start-up with ``file:line: message`` instead of changing advice silently.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Mapping, Optional

from .dispositions import CAUTION, DISPOSITIONS
from .yaml_nodes import ModelError, Node, read_root

DEFAULT_MODEL_FILE = Path(__file__).with_name("model.yml")
MODEL_FILE_ENV = "TRIAGE_MODEL_FILE"

BOOL, CHOICE, INTEGER, NUMBER = "bool", "choice", "integer", "number"
UNKNOWN_CHOICE = "unknown"
"""A choice value meaning "asked, but the patient does not know": never scored."""

# Keys the engine's own rules read, so the model file must define them.
PAIN_LOCATION, LOWER_BACK = "pain_location", "lower_back"
PAIN_SEVERITY, DURATION_WEEKS, AGE = "pain_severity", "duration_weeks", "age"
RED_FLAG_PREFIX = "rf_"

_KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
_MAX_POINTS = 50


@dataclass(frozen=True)
class Question:
    key: str
    kind: str
    choices: tuple[str, ...]
    minimum: Optional[float]
    maximum: Optional[float]
    ask: str
    why: str

    def literal(self, node: Node) -> object:
        """A value for this question written in the model file (a gate or an item key)."""
        raw = node.raw()
        if self.kind == BOOL:
            if raw not in ("true", "false"):
                node.fail(f"'{raw}' is not a value of {self.key} (expected true or false)")
            return raw == "true"
        if self.kind == CHOICE:
            if raw not in self.choices:
                node.fail(f"'{raw}' is not a value of {self.key} (expected one of: {', '.join(self.choices)})")
            return raw
        node.fail(f"{self.key} is a number: use bands, not single values")


@dataclass(frozen=True)
class Step:
    """One question in an order, with the answers that open or close it."""

    key: str
    ask_if: tuple[tuple[str, frozenset], ...] = ()
    skip_if: tuple[tuple[str, frozenset], ...] = ()


@dataclass(frozen=True)
class Rule:
    """A red flag, a combination of red flags, or a "points away" condition."""

    id: str
    when: tuple[str, ...]
    disposition: str
    says: str


@dataclass(frozen=True)
class AgeRedFlag:
    """New pain at a flagged age: fires when location, duration and age are all known."""

    rule: Rule
    pain_locations: frozenset
    duration_weeks_below: float
    age_below: int
    age_from: int

    def fires(self, answers: Mapping[str, object]) -> bool:
        location, duration, age = (answers.get(key) for key in (PAIN_LOCATION, DURATION_WEEKS, AGE))
        if location not in self.pain_locations or duration is None or age is None:
            return False
        return duration < self.duration_weeks_below and (age < self.age_below or age >= self.age_from)


@dataclass(frozen=True)
class Escalation:
    severity_at_least: float
    disposition: str
    says: str


@dataclass(frozen=True)
class PointsAwayRule:
    rule: Rule
    escalation: Optional[Escalation]


@dataclass(frozen=True)
class Contribution:
    points: int
    says: str


@dataclass(frozen=True)
class Band:
    start: float
    below: Optional[float]
    contribution: Contribution

    def contains(self, value: float) -> bool:
        return value >= self.start and (self.below is None or value < self.below)


@dataclass(frozen=True)
class Item:
    """One scored question: points per answer value, or per band of a number."""

    key: str
    by_value: Mapping[object, Contribution]
    bands: tuple[Band, ...]

    def contribution(self, value: object) -> Contribution:
        if self.bands:
            return next(band.contribution for band in self.bands if band.contains(float(value)))
        return self.by_value[value]


@dataclass(frozen=True)
class ScoreModel:
    base: int
    moderate_at: int
    high_at: int
    max_reasons: int
    lower_back_cap_says: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class SelfCare:
    duration_weeks_below: float
    severity_at_most: float


@dataclass(frozen=True)
class Model:
    questions: Mapping[str, Question]
    screen: tuple[Step, ...]
    pattern: tuple[Step, ...]
    red_flags: Mapping[str, Rule]
    combinations: tuple[Rule, ...]
    age_red_flag: AgeRedFlag
    points_away: Mapping[str, PointsAwayRule]
    score: ScoreModel
    self_care: SelfCare
    advice: Mapping[str, str]
    disclaimer: str


def load_model(path: Path) -> Model:
    """Read and check a model file; raise ModelError naming file and line."""
    root = read_root(Path(path)).mapping(required=(
        "questions", "screen", "pattern", "red_flags", "red_flag_combinations", "age_red_flag",
        "points_away", "score", "self_care", "advice", "disclaimer"))
    questions = _questions(root["questions"])
    red_flags = _red_flags(root["red_flags"], questions)
    combinations = _combinations(root["red_flag_combinations"], questions, red_flags)
    points_away = _points_away(root["points_away"], questions)
    screen = _steps(root["screen"], questions, asked_before=set())
    pattern = _steps(root["pattern"], questions, asked_before={step.key for step in screen})
    _check_coverage(root, questions, screen, pattern, red_flags, points_away)
    return Model(
        questions=MappingProxyType(questions),
        screen=screen,
        pattern=pattern,
        red_flags=MappingProxyType(red_flags),
        combinations=combinations,
        age_red_flag=_age_red_flag(root["age_red_flag"], questions, {rule.id for rule in combinations}),
        points_away=MappingProxyType(points_away),
        score=_score(root["score"], questions, set(red_flags) | set(points_away)),
        self_care=_self_care(root["self_care"], questions),
        advice=MappingProxyType({name: node.text() for name, node in
                                 root["advice"].mapping(required=DISPOSITIONS).items()}),
        disclaimer=root["disclaimer"].text(),
    )


def _questions(node: Node) -> dict[str, Question]:
    questions: dict[str, Question] = {}
    for key_node, value in node.entries():
        key = key_node.raw()
        if not _KEY_PATTERN.match(key):
            key_node.fail(f"'{key}' is not a valid answer key (lower case, digits and _)")
        fields = value.mapping(required=("type", "ask", "why"), optional=("choices", "min", "max"))
        kind = fields["type"].raw()
        choices: tuple[str, ...] = ()
        minimum = maximum = None
        if kind == CHOICE:
            if "choices" not in fields or "min" in fields or "max" in fields:
                value.fail(f"{key}: a choice question needs 'choices' and no 'min'/'max'")
            choices = tuple(choice.text() for choice in fields["choices"].sequence())
            if len(set(choices)) != len(choices):
                fields["choices"].fail(f"{key}: duplicate choices")
        elif kind in (INTEGER, NUMBER):
            if "min" not in fields or "max" not in fields or "choices" in fields:
                value.fail(f"{key}: a {kind} question needs 'min' and 'max' and no 'choices'")
            minimum = fields["min"].number(-1e9, 1e9)
            maximum = fields["max"].number(-1e9, 1e9)
            if minimum >= maximum:
                fields["max"].fail(f"{key}: max must be greater than min")
        elif kind == BOOL:
            if set(fields) - {"type", "ask", "why"}:
                value.fail(f"{key}: a bool question takes no 'choices', 'min' or 'max'")
        else:
            fields["type"].fail(f"unknown question type '{kind}' (expected bool, choice, integer or number)")
        questions[key] = Question(key, kind, choices, minimum, maximum,
                                  fields["ask"].text(), fields["why"].text())
    _require(node, questions, PAIN_LOCATION, CHOICE)
    if LOWER_BACK not in questions[PAIN_LOCATION].choices:
        node.fail(f"{PAIN_LOCATION} must offer the choice '{LOWER_BACK}'")
    _require(node, questions, PAIN_SEVERITY, NUMBER)
    _require(node, questions, DURATION_WEEKS, NUMBER)
    _require(node, questions, AGE, INTEGER)
    return questions


def _require(node: Node, questions: Mapping[str, Question], key: str, kind: str) -> None:
    if key not in questions or questions[key].kind != kind:
        node.fail(f"the engine needs a {kind} question '{key}'")


def _disposition(node: Node, allowed: tuple[str, ...]) -> str:
    value = node.raw()
    if value not in allowed:
        node.fail(f"disposition '{value}' is not allowed here (expected one of: {', '.join(allowed)})")
    return value


def _bool_question(node: Node, key: str, questions: Mapping[str, Question]) -> None:
    if key not in questions or questions[key].kind != BOOL:
        node.fail(f"'{key}' is not a true/false question in 'questions'")


def _red_flags(node: Node, questions: Mapping[str, Question]) -> dict[str, Rule]:
    rules: dict[str, Rule] = {}
    for key_node, value in node.entries():
        key = key_node.raw()
        _bool_question(key_node, key, questions)
        if not key.startswith(RED_FLAG_PREFIX):
            key_node.fail(f"red flag '{key}' must start with '{RED_FLAG_PREFIX}'")
        fields = value.mapping(required=("disposition", "says"))
        rules[key] = Rule(key, (key,), _disposition(fields["disposition"], ("emergency", "urgent")),
                          fields["says"].text())
    unruled = [key for key in questions if key.startswith(RED_FLAG_PREFIX) and key not in rules]
    if unruled:
        node.fail(f"question '{unruled[0]}' looks like a red flag but has no rule here")
    return rules


def _combinations(node: Node, questions: Mapping[str, Question],
                  red_flags: Mapping[str, Rule]) -> tuple[Rule, ...]:
    rules: list[Rule] = []
    for entry in node.sequence(non_empty=False):
        fields = entry.mapping(required=("id", "when", "disposition", "says"))
        rule_id = fields["id"].text()
        if rule_id in questions or rule_id in {rule.id for rule in rules}:
            fields["id"].fail(f"combination id '{rule_id}' is already used")
        when = tuple(flag.raw() for flag in fields["when"].sequence())
        if len(set(when)) < 2 or any(flag not in red_flags for flag in when):
            fields["when"].fail("a combination needs two or more different red flags")
        disposition = _disposition(fields["disposition"], ("emergency", "urgent"))
        if any(CAUTION[disposition] < CAUTION[red_flags[flag].disposition] for flag in when):
            fields["disposition"].fail("a combination must be at least as cautious as each of its red flags")
        rules.append(Rule(rule_id, when, disposition, fields["says"].text()))
    return tuple(rules)


def _age_red_flag(node: Node, questions: Mapping[str, Question], used_ids: set[str]) -> AgeRedFlag:
    fields = node.mapping(required=("id", "pain_location", "duration_weeks_below", "age_below", "age_from",
                                    "disposition", "says"))
    rule_id = fields["id"].text()
    if rule_id in questions or rule_id in used_ids:
        fields["id"].fail(f"id '{rule_id}' is already used")
    duration, age = questions[DURATION_WEEKS], questions[AGE]
    age_below = fields["age_below"].integer(int(age.minimum), int(age.maximum))
    return AgeRedFlag(
        rule=Rule(rule_id, (PAIN_LOCATION, DURATION_WEEKS, AGE),
                  _disposition(fields["disposition"], ("emergency", "urgent")), fields["says"].text()),
        pain_locations=frozenset(questions[PAIN_LOCATION].literal(value)
                                 for value in fields["pain_location"].sequence()),
        duration_weeks_below=fields["duration_weeks_below"].number(duration.minimum, duration.maximum),
        age_below=age_below,
        age_from=fields["age_from"].integer(age_below, int(age.maximum)),
    )


def _points_away(node: Node, questions: Mapping[str, Question]) -> dict[str, PointsAwayRule]:
    pain_severity = questions[PAIN_SEVERITY]
    rules: dict[str, PointsAwayRule] = {}
    allowed = ("emergency", "urgent", "consult")
    for key_node, value in node.entries():
        key = key_node.raw()
        _bool_question(key_node, key, questions)
        if key.startswith(RED_FLAG_PREFIX):
            key_node.fail(f"'{key}' is a red flag, not a 'points away' condition")
        fields = value.mapping(required=("disposition", "says"), optional=("escalate",))
        rule = Rule(key, (key,), _disposition(fields["disposition"], allowed), fields["says"].text())
        escalation = None
        if "escalate" in fields:
            esc = fields["escalate"].mapping(required=("severity_at_least", "disposition", "says"))
            escalation = Escalation(
                esc["severity_at_least"].number(pain_severity.minimum, pain_severity.maximum),
                _disposition(esc["disposition"], allowed), esc["says"].text())
            if CAUTION[escalation.disposition] <= CAUTION[rule.disposition]:
                esc["disposition"].fail("an escalation must be more cautious than the rule's disposition")
        rules[key] = PointsAwayRule(rule, escalation)
    return rules


def _steps(node: Node, questions: Mapping[str, Question], asked_before: set[str]) -> tuple[Step, ...]:
    steps: list[Step] = []
    asked = set(asked_before)
    in_this_list: set[str] = set()
    for entry in node.sequence():
        if entry.is_mapping():
            fields = entry.mapping(required=("key",), optional=("ask_if", "skip_if"))
            key_node = fields["key"]
        else:
            fields, key_node = {}, entry
        key = key_node.raw()
        if key not in questions:
            key_node.fail(f"'{key}' is not a question in 'questions'")
        if key in in_this_list:
            key_node.fail(f"'{key}' is already in this order")
        gates = {name: _gates(fields[name], questions, asked) for name in ("ask_if", "skip_if") if name in fields}
        steps.append(Step(key, **gates))
        asked.add(key)
        in_this_list.add(key)
    return tuple(steps)


def _gates(node: Node, questions: Mapping[str, Question], asked: set[str]) -> tuple[tuple[str, frozenset], ...]:
    gates = []
    for key_node, values in node.entries():
        gate = key_node.raw()
        if gate not in asked:
            key_node.fail(f"gate '{gate}' must be a question asked before this one")
        question = questions[gate]
        gates.append((gate, frozenset(question.literal(value) for value in values.sequence())))
    return tuple(gates)


def _check_coverage(root: Mapping[str, Node], questions: Mapping[str, Question], screen: tuple[Step, ...],
                    pattern: tuple[Step, ...], red_flags: Mapping[str, Rule],
                    points_away: Mapping[str, PointsAwayRule]) -> None:
    screened = {step.key for step in screen}
    for key in [*red_flags, *points_away]:
        if key not in screened:
            root["screen"].fail(f"'{key}' is a rule, so it must be asked in the screen")
    ordered = screened | {step.key for step in pattern}
    for key in questions:
        if key not in ordered:
            root["pattern"].fail(f"question '{key}' is never asked: add it to 'screen' or 'pattern'")


def _score(node: Node, questions: Mapping[str, Question], rule_keys: set[str]) -> ScoreModel:
    fields = node.mapping(required=("base", "moderate_at", "high_at", "max_reasons", "lower_back_cap", "items"))
    moderate_at = fields["moderate_at"].integer(1, 99)
    items = []
    for key_node, value in fields["items"].entries():
        key = key_node.raw()
        if key not in questions:
            key_node.fail(f"'{key}' is not a question in 'questions'")
        if key in rule_keys:
            key_node.fail(f"'{key}' is a red flag or 'points away' rule and cannot also be scored")
        items.append(_item(questions[key], value))
    return ScoreModel(
        base=fields["base"].integer(0, 100),
        moderate_at=moderate_at,
        high_at=fields["high_at"].integer(moderate_at + 1, 100),
        max_reasons=fields["max_reasons"].integer(1, 50),
        lower_back_cap_says=fields["lower_back_cap"].mapping(required=("says",))["says"].text(),
        items=tuple(items),
    )


def _contribution(node: Node) -> Contribution:
    fields = node.mapping(required=("points", "says"))
    return Contribution(_points(fields["points"]), fields["says"].text())


def _points(node: Node) -> int:
    return node.integer(-_MAX_POINTS, _MAX_POINTS)


def _item(question: Question, node: Node) -> Item:
    if question.kind in (INTEGER, NUMBER):
        return Item(question.key, MappingProxyType({}), _bands(question, node))
    by_value = {question.literal(key): _contribution(value) for key, value in node.entries()}
    expected = [True, False] if question.kind == BOOL else [c for c in question.choices if c != UNKNOWN_CHOICE]
    if UNKNOWN_CHOICE in by_value:
        node.fail(f"{question.key}: '{UNKNOWN_CHOICE}' means not known and is never scored")
    missing = [value for value in expected if value not in by_value]
    if missing:
        shown = str(missing[0]).lower() if question.kind == BOOL else missing[0]
        node.fail(f"{question.key}: no points for the answer '{shown}' (write 0 points if it should not count)")
    return Item(question.key, MappingProxyType(by_value), ())


def _bands(question: Question, node: Node) -> tuple[Band, ...]:
    bands: list[Band] = []
    expected_start = question.minimum
    entries = node.sequence()
    for index, entry in enumerate(entries):
        fields = entry.mapping(required=("from", "points", "says"), optional=("below",))
        start = fields["from"].number(question.minimum, question.maximum)
        if start != expected_start:
            fields["from"].fail(f"{question.key}: this band must start at {expected_start:g} "
                                "(bands run without gaps from the question's min)")
        last = index == len(entries) - 1
        below = None
        if "below" in fields:
            below = fields["below"].number(start, question.maximum)
            if below <= start:
                fields["below"].fail(f"{question.key}: 'below' must be greater than 'from'")
        if last != (below is None):
            entry.fail(f"{question.key}: only the last band has no 'below' (it runs to the question's max)")
        bands.append(Band(start, below, Contribution(_points(fields["points"]), fields["says"].text())))
        expected_start = below
    return tuple(bands)


def _self_care(node: Node, questions: Mapping[str, Question]) -> SelfCare:
    fields = node.mapping(required=("duration_weeks_below", "severity_at_most"))
    duration, severity = questions[DURATION_WEEKS], questions[PAIN_SEVERITY]
    return SelfCare(fields["duration_weeks_below"].number(duration.minimum, duration.maximum),
                    fields["severity_at_most"].number(severity.minimum, severity.maximum))


MODEL: Model = load_model(Path(os.environ.get(MODEL_FILE_ENV) or DEFAULT_MODEL_FILE))
"""The model in use, loaded at import; TRIAGE_MODEL_FILE points at a clinic's own copy."""
