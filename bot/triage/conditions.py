"""One condition on one answer, as the rules, gates and self-care check write them.

A condition never holds for a missing or unknown (None) answer: an answer the
patient did not give can neither fire a rule nor count as "mild". Conditions on
yes/no answers may only ask for `true`, which keeps every rule monotone (a "yes"
can only add urgency), the property the interview's early stop relies on.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Optional

from .keys import BOOL, CHOICE, KeySpec
from .yaml_nodes import Node

NUMERIC_BOUNDS = ("at_least", "below", "at_most")


@dataclass(frozen=True)
class Condition:
    """`key` is true, is one of `values`, or lies within the numeric bounds."""

    key: str
    values: Optional[frozenset] = None
    at_least: Optional[float] = None
    below: Optional[float] = None
    at_most: Optional[float] = None

    def holds(self, value: object) -> bool:
        if value is None:
            return False
        if self.values is not None:
            return value in self.values
        if self.at_least is not None and value < self.at_least:
            return False
        if self.below is not None and value >= self.below:
            return False
        return self.at_most is None or value <= self.at_most

    @property
    def breakpoints(self) -> tuple[float, ...]:
        """The numbers where this condition can change from holding to not holding."""
        return tuple(bound for bound in (self.at_least, self.below, self.at_most) if bound is not None)

    def describe(self) -> str:
        """The condition as the clinical document writes it, e.g. `age` ≥ 70."""
        if self.values is not None:
            if self.values == frozenset({True}):
                return f"`{self.key}`"
            return f"`{self.key}` is {' or '.join(sorted(map(str, self.values)))}"
        parts = []
        if self.at_least is not None:
            parts.append(f"≥ {self.at_least:g}")
        if self.below is not None:
            parts.append(f"< {self.below:g}")
        if self.at_most is not None:
            parts.append(f"≤ {self.at_most:g}")
        return f"`{self.key}` {' and '.join(parts)}"


def read_conditions(node: Node, keys: dict[str, KeySpec]) -> tuple[Condition, ...]:
    """A `when:` mapping of key -> condition; every key must exist and every value fit it."""
    conditions = []
    for key_node, value in node.entries():
        key = key_node.raw()
        if key not in keys or keys[key].retired:
            key_node.fail(f"'{key}' is not an answer key")
        conditions.append(_condition(keys[key], value))
    if not conditions:
        node.fail("expected at least one condition")
    return tuple(conditions)


def _condition(spec: KeySpec, node: Node) -> Condition:
    if spec.kind == BOOL:
        if node.raw() != "true":
            node.fail(f"{spec.key}: a condition on a yes/no answer can only be 'true' "
                      "(a missing answer must never fire a rule)")
        return Condition(spec.key, values=frozenset({True}))
    if spec.kind == CHOICE:
        values = frozenset(spec.literal(item) for item in node.sequence())
        return Condition(spec.key, values=values)
    bounds = node.mapping(optional=NUMERIC_BOUNDS)
    if not bounds:
        node.fail(f"{spec.key}: give at least one of {', '.join(NUMERIC_BOUNDS)}")
    if "below" in bounds and "at_most" in bounds:
        node.fail(f"{spec.key}: use 'below' or 'at_most', not both")
    numbers = {name: bound.number(spec.minimum, spec.maximum) for name, bound in bounds.items()}
    upper = numbers.get("below", numbers.get("at_most"))
    if "at_least" in numbers and upper is not None and upper <= numbers["at_least"]:
        node.fail(f"{spec.key}: the range is empty")
    return Condition(spec.key, **numbers)


def all_hold(conditions: Iterable[Condition], answers: dict) -> bool:
    return all(condition.holds(answers.get(condition.key)) for condition in conditions)
