"""The answer keys: each key's type and range, and the check every answer passes.

Strict on purpose: a slot filled with the wrong type ("yes" instead of true)
must be caught where it enters, not turn silently into "not answered".
None is accepted for every key: it means asked but unknown.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Optional

from .yaml_nodes import Node

BOOL, CHOICE, INTEGER, NUMBER = "bool", "choice", "integer", "number"
KEY_TYPES = (BOOL, CHOICE, INTEGER, NUMBER)
_KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")


class InvalidAnswers(ValueError):
    """An answer key or value the engine cannot use; `key` names the culprit."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"answer '{key}': {problem}")
        self.key = key


@dataclass(frozen=True)
class KeySpec:
    key: str
    kind: str
    choices: tuple[str, ...] = ()
    minimum: Optional[float] = None
    maximum: Optional[float] = None
    retired: bool = False
    """Accepted for compatibility with version 1, but neither asked nor scored."""

    def literal(self, node: Node) -> object:
        """A value of this key written in the model file (a gate, an option or an item)."""
        raw = node.raw()
        if self.kind == BOOL:
            if raw not in ("true", "false"):
                node.fail(f"'{raw}' is not a value of {self.key} (expected true or false)")
            return raw == "true"
        if self.kind == CHOICE:
            if raw not in self.choices:
                node.fail(f"'{raw}' is not a value of {self.key} (expected one of: {', '.join(self.choices)})")
            return raw
        value = node.number(self.minimum, self.maximum)
        if self.kind == INTEGER and value != int(value):
            node.fail(f"{self.key} is a whole number")
        return int(value) if self.kind == INTEGER else value

    def check(self, value: object) -> object:
        """The value, checked (ages as int); raises InvalidAnswers."""
        if value is None:
            return None
        if self.kind == BOOL:
            if not isinstance(value, bool):
                raise InvalidAnswers(self.key, f"expected true or false, got {value!r}")
            return value
        if self.kind == CHOICE:
            if not isinstance(value, str) or value not in self.choices:
                raise InvalidAnswers(self.key, f"expected one of {', '.join(self.choices)}, got {value!r}")
            return value
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise InvalidAnswers(self.key, f"expected a number, got {value!r}")
        if self.kind == INTEGER:
            if value != int(value):
                raise InvalidAnswers(self.key, f"expected a whole number, got {value!r}")
            value = int(value)
        if not self.minimum <= value <= self.maximum:
            raise InvalidAnswers(self.key, f"{value!r} is outside {self.minimum:g}..{self.maximum:g}")
        return value


def read_key(key_node: Node, node: Node, retired: bool) -> KeySpec:
    key = key_node.raw()
    if not _KEY_PATTERN.match(key):
        key_node.fail(f"'{key}' is not a valid answer key (lower case, digits and _)")
    optional = ("choices", "min", "max", "why") if retired else ("choices", "min", "max")
    fields = node.mapping(required=("type", "why") if retired else ("type",), optional=optional)
    kind = fields["type"].raw()
    if kind not in KEY_TYPES:
        fields["type"].fail(f"unknown answer type '{kind}' (expected {', '.join(KEY_TYPES)})")
    if kind == CHOICE:
        if "choices" not in fields or "min" in fields or "max" in fields:
            node.fail(f"{key}: a choice needs 'choices' and no 'min'/'max'")
        choices = tuple(choice.text() for choice in fields["choices"].sequence())
        if len(set(choices)) != len(choices):
            fields["choices"].fail(f"{key}: duplicate choices")
        return KeySpec(key, kind, choices=choices, retired=retired)
    if kind in (INTEGER, NUMBER):
        if "min" not in fields or "max" not in fields or "choices" in fields:
            node.fail(f"{key}: a {kind} needs 'min' and 'max' and no 'choices'")
        minimum, maximum = fields["min"].number(-1e9, 1e9), fields["max"].number(-1e9, 1e9)
        if minimum >= maximum:
            fields["max"].fail(f"{key}: max must be greater than min")
        return KeySpec(key, kind, minimum=minimum, maximum=maximum, retired=retired)
    if "choices" in fields or "min" in fields or "max" in fields:
        node.fail(f"{key}: a bool takes no 'choices', 'min' or 'max'")
    return KeySpec(key, kind, retired=retired)
