"""The triage model (keys, interview, rules, weights, thresholds, wording) read from model.yml.

Everything a clinic may tune lives in the YAML file; this module turns it into
frozen objects and refuses a file that is inconsistent, so a mistake stops
start-up with ``file:line: message`` instead of changing advice silently.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Mapping, Optional

from .conditions import Condition, read_conditions
from .dispositions import CAUTION, DISPOSITIONS
from .keys import BOOL, CHOICE, INTEGER, NUMBER, KeySpec, read_key
from bot.wording import Wording

from .yaml_nodes import ModelError, Node, read_root

__all__ = ["DEFAULT_MODEL_FILE", "MODEL", "Model", "ModelError", "load_model"]

DEFAULT_MODEL_FILE = Path(__file__).with_name("model.yml")
MODEL_FILE_ENV = "TRIAGE_MODEL_FILE"

YES_NO, MULTI = "yes_no", "multi"
QUESTION_KINDS = (YES_NO, CHOICE, MULTI, NUMBER)
MAX_CHECKLIST_ITEMS = 8
LABELS = ("yes", "no", "none_of_these")
PAIN_LOCATION, LOWER_BACK = "pain_location", "lower_back"
RED_FLAG_PREFIX = "rf_"
RED_FLAG_DISPOSITIONS = ("emergency", "urgent")
RULE_DISPOSITIONS = ("emergency", "urgent", "consult")
_MAX_POINTS = 50

Gate = tuple[tuple[str, frozenset], ...]
"""(key, values) pairs: open when each key's answer is one of its values, or is unknown."""


def gate_open(gate: Gate, answers: Mapping[str, object]) -> bool:
    """Open when every gate answer is one of its values or not known (when in doubt we ask)."""
    return all(answers.get(key) is None or answers[key] in values for key, values in gate)


@dataclass(frozen=True)
class Option:
    """A button or a ticked item: the keys it sets."""

    label: Wording
    sets: Mapping[str, object]


@dataclass(frozen=True)
class Item:
    """One line of a checklist: a yes/no key, its checklist label and its wording alone."""

    key: str
    label: Wording
    ask: Wording
    why: Wording
    gate: Gate = ()


@dataclass(frozen=True)
class QuestionSpec:
    """One question of the interview, as written in the model file."""

    id: str
    kind: str
    text: Wording
    why: Wording
    screen: bool
    gate: Gate
    options: tuple[Option, ...]
    items: tuple[Item, ...]
    key: Optional[str]
    """The one key of a yes_no or number question."""

    @property
    def keys(self) -> tuple[str, ...]:
        """Every key this question can fill, in order."""
        if self.kind == MULTI:
            return tuple(item.key for item in self.items)
        if self.key is not None:
            return (self.key,)
        seen: dict[str, None] = {}
        for option in self.options:
            seen.update(dict.fromkeys(option.sets))
        return tuple(seen)


@dataclass(frozen=True)
class Rule:
    """A red flag (emergency, urgent), or a condition pointing away from the feet (consult)."""

    id: str
    conditions: tuple[Condition, ...]
    disposition: str
    says: Wording
    source: str

    @property
    def keys(self) -> frozenset:
        return frozenset(condition.key for condition in self.conditions)


@dataclass(frozen=True)
class SelfCare:
    conditions: tuple[Condition, ...]
    says: Wording
    source: str


@dataclass(frozen=True)
class Contribution:
    points: int
    says: Wording


@dataclass(frozen=True)
class Band:
    start: float
    below: Optional[float]
    contribution: Contribution

    def contains(self, value: float) -> bool:
        return value >= self.start and (self.below is None or value < self.below)


@dataclass(frozen=True)
class ScoreItem:
    """One scored key: points per answer value, or per band of a number."""

    key: str
    by_value: Mapping[object, Contribution]
    bands: tuple[Band, ...]
    source: str

    def contribution(self, value: object) -> Contribution:
        if self.bands:
            return next(band.contribution for band in self.bands if band.contains(float(value)))
        return self.by_value[value]

    def contributions(self) -> tuple[Contribution, ...]:
        return tuple(band.contribution for band in self.bands) if self.bands else tuple(self.by_value.values())

    @property
    def highest(self) -> int:
        """The most points any answer adds; an unknown answer adds 0."""
        return max([0, *(c.points for c in self.contributions())])

    @property
    def lowest(self) -> int:
        return min([0, *(c.points for c in self.contributions())])


@dataclass(frozen=True)
class SignRule:
    """Back pain alone reaches a gait analysis only with one of these yes/no signs."""

    conditions: tuple[Condition, ...]
    signs: tuple[str, ...]
    says: Wording
    source: str


@dataclass(frozen=True)
class ScoreModel:
    base: int
    moderate_at: int
    high_at: int
    max_reasons: int
    lower_back_cap_says: Wording
    back_pain_sign: SignRule
    items: Mapping[str, ScoreItem]


@dataclass(frozen=True)
class Model:
    keys: Mapping[str, KeySpec]
    """Every accepted answer key, retired ones included."""
    questions: tuple[QuestionSpec, ...]
    rules: tuple[Rule, ...]
    self_care: SelfCare
    score: ScoreModel
    advice: Mapping[str, Wording]
    labels: Mapping[str, Wording]
    """Button words: yes, no, none_of_these."""
    disclaimer: Wording
    you_said: Wording
    """A rule's `says` completes this sentence ("You said ...")."""
    gates: Mapping[str, Gate]
    """For every key the interview asks: the gates of its question and item together."""

    def applies(self, key: str, answers: Mapping[str, object]) -> bool:
        """True when the interview would ask `key` given these answers; otherwise its answer has no effect."""
        return key in self.gates and gate_open(self.gates[key], answers)


def load_model(path: Path) -> Model:
    """Read and check a model file; raise ModelError naming file and line."""
    root = read_root(Path(path)).mapping(required=(
        "answer_keys", "retired_keys", "questions", "rules", "self_care", "score", "advice", "labels",
        "disclaimer", "you_said"))
    key_nodes = {key_node.raw(): key_node for key_node, _ in root["answer_keys"].entries()}
    keys = {key_node.raw(): read_key(key_node, value, retired=False) for key_node, value in root["answer_keys"].entries()}
    for key_node, value in root["retired_keys"].entries():
        if key_node.raw() in keys:
            key_node.fail(f"'{key_node.raw()}' is already an answer key")
        keys[key_node.raw()] = read_key(key_node, value, retired=True)
    _require_key(root["answer_keys"], keys, PAIN_LOCATION, CHOICE)
    if LOWER_BACK not in keys[PAIN_LOCATION].choices:
        root["answer_keys"].fail(f"{PAIN_LOCATION} must offer the choice '{LOWER_BACK}'")
    questions, gates = _questions(root["questions"], keys)
    unasked = [key for key, spec in keys.items() if not spec.retired and key not in gates]
    if unasked:
        key_nodes[unasked[0]].fail(f"answer key '{unasked[0]}' is never asked: add it to a question or to 'retired_keys'")
    rules = _rules(root["rules"], keys)
    score = _score(root["score"], keys, rules)
    return Model(
        keys=MappingProxyType(keys),
        questions=questions,
        rules=rules,
        self_care=_self_care(root["self_care"], keys),
        score=score,
        advice=MappingProxyType({name: node.wording() for name, node in
                                 root["advice"].mapping(required=DISPOSITIONS).items()}),
        labels=MappingProxyType({name: node.wording() for name, node in
                                 root["labels"].mapping(required=LABELS).items()}),
        disclaimer=root["disclaimer"].wording(),
        you_said=root["you_said"].wording(),
        gates=MappingProxyType(gates),
    )


def _require_key(node: Node, keys: Mapping[str, KeySpec], key: str, kind: str) -> None:
    if key not in keys or keys[key].kind != kind:
        node.fail(f"the engine needs a {kind} answer key '{key}'")


def _questions(node: Node, keys: Mapping[str, KeySpec]) -> tuple[tuple[QuestionSpec, ...], dict[str, Gate]]:
    questions: list[QuestionSpec] = []
    gates: dict[str, Gate] = {}
    ids: set[str] = set()
    screen_ended = False
    for entry in node.sequence():
        fields = entry.mapping(required=("id", "kind", "text", "why"),
                               optional=("screen", "ask_if", "options", "items", "key"))
        question_id = fields["id"].raw()
        if question_id in ids:
            fields["id"].fail(f"question id '{question_id}' is already used")
        kind = fields["kind"].raw()
        if kind not in QUESTION_KINDS:
            fields["kind"].fail(f"unknown question kind '{kind}' (expected {', '.join(QUESTION_KINDS)})")
        screen = fields["screen"].raw() == "true" if "screen" in fields else False
        if screen and screen_ended:
            fields["screen"].fail("the safety-screen questions must come first")
        screen_ended = screen_ended or not screen
        gate = _gate(fields["ask_if"], keys, gates) if "ask_if" in fields else ()
        question = _question(fields, question_id, kind, screen, gate, keys, gates)
        if question_id in keys and (kind == MULTI or question.keys != (question_id,)):
            fields["id"].fail(f"question id '{question_id}' is an answer key it does not fill alone")
        for item in question.items:
            gates[item.key] = gate + item.gate
        for key in question.keys:
            gates.setdefault(key, gate)
        ids.add(question_id)
        questions.append(question)
    clashing = [item.key for q in questions for item in q.items if item.key in ids]
    if clashing:
        node.fail(f"checklist item '{clashing[0]}' has the id of a question (an item asked alone takes its key as id)")
    return tuple(questions), gates


def _question(fields: Mapping[str, Node], question_id: str, kind: str, screen: bool, gate: Gate,
              keys: Mapping[str, KeySpec], gates: Mapping[str, Gate]) -> QuestionSpec:
    where = fields["kind"]
    allowed = {YES_NO: {"key"}, NUMBER: {"key", "options"}, CHOICE: {"options"}, MULTI: {"items"}}[kind]
    extra = {"options", "items", "key"} & set(fields) - allowed
    if extra:
        fields[sorted(extra)[0]].fail(f"a {kind} question takes no '{sorted(extra)[0]}'")
    key = None
    if "key" in fields:
        key = _unfilled(fields["key"], gates)
        expected = (BOOL,) if kind == YES_NO else (INTEGER, NUMBER)
        if key not in keys or keys[key].retired or keys[key].kind not in expected:
            fields["key"].fail(f"'{key}' is not a {'yes/no' if kind == YES_NO else 'number'} answer key")
    elif kind in (YES_NO, NUMBER):
        where.fail(f"a {kind} question needs a 'key'")
    options = tuple(_option(option, keys) for option in fields["options"].sequence()) if "options" in fields else ()
    if kind == CHOICE and len(options) < 2:
        where.fail("a choice question needs at least two options")
    if kind == NUMBER and any(set(option.sets) != {key} for option in options):
        fields["options"].fail(f"each option of a number question sets only '{key}'")
    if kind == CHOICE:
        for option_node, option in zip(fields["options"].sequence(), options):
            for filled in option.sets:
                if filled in gates:
                    option_node.fail(f"'{filled}' is already filled by another question: one question per answer key")
    items: tuple[Item, ...] = ()
    if kind == MULTI:
        if "items" not in fields:
            where.fail("a multi question needs 'items'")
        items = tuple(_item(item, keys, gates) for item in fields["items"].sequence())
        duplicates = [item.key for index, item in enumerate(items) if item.key in [i.key for i in items[:index]]]
        if duplicates:
            fields["items"].fail(f"'{duplicates[0]}' is listed twice")
        if len(items) > MAX_CHECKLIST_ITEMS:
            fields["items"].fail(f"a checklist has at most {MAX_CHECKLIST_ITEMS} items (found {len(items)})")
    return QuestionSpec(question_id, kind, fields["text"].wording(), fields["why"].wording(), screen, gate,
                        options, items, key)


def _option(node: Node, keys: Mapping[str, KeySpec]) -> Option:
    fields = node.mapping(required=("label", "sets"))
    sets = {}
    for key_node, value in fields["sets"].entries():
        key = key_node.raw()
        if key not in keys or keys[key].retired:
            key_node.fail(f"'{key}' is not an answer key")
        sets[key] = keys[key].literal(value)
    if not sets:
        fields["sets"].fail("an option must set at least one key")
    return Option(fields["label"].wording(), MappingProxyType(sets))


def _item(node: Node, keys: Mapping[str, KeySpec], gates: Mapping[str, Gate]) -> Item:
    fields = node.mapping(required=("key", "label", "ask", "why"), optional=("ask_if",))
    key = _unfilled(fields["key"], gates)
    if key not in keys or keys[key].retired or keys[key].kind != BOOL:
        fields["key"].fail(f"'{key}' is not a yes/no answer key (checklist items are yes/no)")
    gate = _gate(fields["ask_if"], keys, gates) if "ask_if" in fields else ()
    return Item(key, fields["label"].wording(), fields["ask"].wording(), fields["why"].wording(), gate)


def _unfilled(node: Node, gates: Mapping[str, Gate]) -> str:
    key = node.raw()
    if key in gates:
        node.fail(f"'{key}' is already filled by another question: one question per answer key")
    return key


def _gate(node: Node, keys: Mapping[str, KeySpec], gates: Mapping[str, Gate]) -> Gate:
    entries = []
    for key_node, values in node.entries():
        key = key_node.raw()
        if key not in gates:
            key_node.fail(f"gate '{key}' must be an answer asked by an earlier question")
        if gates[key]:
            key_node.fail(f"gate '{key}' is itself gated: gate on an answer every patient is asked")
        entries.append((key, frozenset(keys[key].literal(value) for value in values.sequence())))
    return tuple(entries)


def _rules(node: Node, keys: Mapping[str, KeySpec]) -> tuple[Rule, ...]:
    rules: list[Rule] = []
    entries = node.sequence()
    for entry in entries:
        fields = entry.mapping(required=("id", "when", "disposition", "says", "source"))
        rule_id = fields["id"].raw()
        if rule_id in {rule.id for rule in rules}:
            fields["id"].fail(f"rule id '{rule_id}' is already used")
        disposition = fields["disposition"].raw()
        if disposition not in RULE_DISPOSITIONS:
            fields["disposition"].fail(f"disposition '{disposition}' is not allowed here "
                                       f"(expected one of: {', '.join(RULE_DISPOSITIONS)})")
        rule = Rule(rule_id, read_conditions(fields["when"], dict(keys)), disposition,
                    fields["says"].wording(), fields["source"].text())
        if rule_id in keys and rule.keys != {rule_id}:
            fields["id"].fail(f"a rule named after the answer key '{rule_id}' must test exactly that key")
        for key in rule.keys:
            if key.startswith(RED_FLAG_PREFIX) and disposition not in RED_FLAG_DISPOSITIONS:
                fields["disposition"].fail(f"'{key}' is a red flag: a rule on it must be emergency or urgent")
        rules.append(rule)
    singles = {rule.id: rule for rule in rules if rule.id in keys}
    for rule, entry in zip(rules, entries):
        for key in rule.keys:
            single = singles.get(key)
            if single is not None and CAUTION[rule.disposition] < CAUTION[single.disposition]:
                entry.fail(f"rule '{rule.id}' must be at least as cautious as the red flag '{key}' it contains")
    unruled = [key for key in keys if key.startswith(RED_FLAG_PREFIX) and key not in singles]
    if unruled:
        node.fail(f"answer key '{unruled[0]}' looks like a red flag but has no rule of its own "
                  "(a rule with that id that tests only it)")
    return tuple(rules)


def _self_care(node: Node, keys: Mapping[str, KeySpec]) -> SelfCare:
    fields = node.mapping(required=("when", "says", "source"))
    conditions = read_conditions(fields["when"], dict(keys))
    if any(keys[c.key].kind == BOOL for c in conditions):
        fields["when"].fail("self-care conditions are on numbers or choices only")
    return SelfCare(conditions, fields["says"].wording(), fields["source"].text())


def _score(node: Node, keys: Mapping[str, KeySpec], rules: tuple[Rule, ...]) -> ScoreModel:
    fields = node.mapping(required=("base", "moderate_at", "high_at", "max_reasons", "lower_back_cap",
                                    "back_pain_needs_a_sign", "items"))
    moderate_at = fields["moderate_at"].integer(1, 99)
    rule_flags = {key for rule in rules for key in rule.keys if keys[key].kind == BOOL}
    items: dict[str, ScoreItem] = {}
    for key_node, value in fields["items"].entries():
        key = key_node.raw()
        if key not in keys or keys[key].retired:
            key_node.fail(f"'{key}' is not an answer key")
        if key in rule_flags:
            key_node.fail(f"'{key}' is used by a rule and cannot also be scored")
        items[key] = _item_points(keys[key], value)
    sign = _sign_rule(fields["back_pain_needs_a_sign"], keys, items)
    return ScoreModel(
        base=fields["base"].integer(0, 100),
        moderate_at=moderate_at,
        high_at=fields["high_at"].integer(moderate_at + 1, 100),
        max_reasons=fields["max_reasons"].integer(1, 50),
        lower_back_cap_says=fields["lower_back_cap"].mapping(required=("says",))["says"].wording(),
        back_pain_sign=sign,
        items=MappingProxyType(items),
    )


def _sign_rule(node: Node, keys: Mapping[str, KeySpec], items: Mapping[str, ScoreItem]) -> SignRule:
    fields = node.mapping(required=("when", "signs", "says", "source"))
    signs = tuple(sign.raw() for sign in fields["signs"].sequence())
    for sign in signs:
        if sign not in items or keys[sign].kind != BOOL or items[sign].by_value[True].points <= 0:
            fields["signs"].fail(f"'{sign}' must be a scored yes/no answer whose 'yes' adds points")
    return SignRule(read_conditions(fields["when"], dict(keys)), signs, fields["says"].wording(),
                    fields["source"].text())


def _item_points(spec: KeySpec, node: Node) -> ScoreItem:
    if spec.kind in (INTEGER, NUMBER):
        fields = node.mapping(required=("source", "bands"))
        return ScoreItem(spec.key, MappingProxyType({}), _bands(spec, fields["bands"]), fields["source"].text())
    fields = node.mapping(required=("source", "values"))
    by_value = {spec.literal(key): _contribution(value) for key, value in fields["values"].entries()}
    expected = [True, False] if spec.kind == BOOL else list(spec.choices)
    missing = [value for value in expected if value not in by_value]
    if missing:
        shown = str(missing[0]).lower() if spec.kind == BOOL else missing[0]
        fields["values"].fail(f"{spec.key}: no points for the answer '{shown}' (write 0 points if it should not count)")
    return ScoreItem(spec.key, MappingProxyType(by_value), (), fields["source"].text())


def _contribution(node: Node) -> Contribution:
    fields = node.mapping(required=("points", "says"))
    return Contribution(fields["points"].integer(-_MAX_POINTS, _MAX_POINTS), fields["says"].wording())


def _bands(spec: KeySpec, node: Node) -> tuple[Band, ...]:
    bands: list[Band] = []
    expected_start = spec.minimum
    entries = node.sequence()
    for index, entry in enumerate(entries):
        fields = entry.mapping(required=("from", "points", "says"), optional=("below",))
        start = fields["from"].number(spec.minimum, spec.maximum)
        if start != expected_start:
            fields["from"].fail(f"{spec.key}: this band must start at {expected_start:g} "
                                "(bands run without gaps from the key's min)")
        last = index == len(entries) - 1
        below = None
        if "below" in fields:
            below = fields["below"].number(start, spec.maximum)
            if below <= start:
                fields["below"].fail(f"{spec.key}: 'below' must be greater than 'from'")
        if last != (below is None):
            entry.fail(f"{spec.key}: only the last band has no 'below' (it runs to the key's max)")
        bands.append(Band(start, below, Contribution(fields["points"].integer(-_MAX_POINTS, _MAX_POINTS),
                                                     fields["says"].wording())))
        expected_start = below
    return tuple(bands)


def live_model_file() -> Path:
    """The model file in use: TRIAGE_MODEL_FILE, else model.yml next to this module."""
    return Path(os.environ.get(MODEL_FILE_ENV) or DEFAULT_MODEL_FILE)


MODEL: Model = load_model(live_model_file())
"""The model in use, loaded at import; TRIAGE_MODEL_FILE points at a clinic's own copy."""
