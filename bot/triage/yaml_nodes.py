"""Typed reading of a composed YAML tree, so every error names file and line.

The model file is read node by node instead of through ``yaml.safe_load``:
each node keeps its position, and a wrong type, a missing or an unexpected
key fails with ``path:line: message``.
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import NoReturn

import yaml

from bot.wording import LANGUAGES, Wording

_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"
_STR_TAG = "tag:yaml.org,2002:str"
_SCALARS = yaml.constructor.SafeConstructor()


class ModelError(ValueError):
    """The triage model file is invalid; the message starts with ``file:line:``."""


class Node:
    """One YAML node with its file, for typed access with located errors."""

    def __init__(self, node: yaml.Node, path: Path) -> None:
        self._node = node
        self._path = path

    @property
    def line(self) -> int:
        return self._node.start_mark.line + 1

    def fail(self, message: str) -> NoReturn:
        raise ModelError(f"{self._path}:{self.line}: {message}")

    def entries(self) -> list[tuple["Node", "Node"]]:
        """The mapping's (key, value) pairs in file order; duplicate keys fail."""
        if not isinstance(self._node, yaml.MappingNode):
            self.fail(f"expected a mapping, found {self._kind()}")
        pairs: list[tuple[Node, Node]] = []
        seen: set[str] = set()
        for key_node, value_node in self._node.value:
            key = Node(key_node, self._path)
            name = key.raw()
            if name in seen:
                key.fail(f"duplicate key '{name}'")
            seen.add(name)
            pairs.append((key, Node(value_node, self._path)))
        return pairs

    def mapping(self, required: tuple[str, ...] = (), optional: tuple[str, ...] = ()) -> dict[str, "Node"]:
        """The mapping's values by key; a missing or an unexpected key fails."""
        values: dict[str, Node] = {}
        for key, value in self.entries():
            if key.raw() not in required and key.raw() not in optional:
                key.fail(f"unknown key '{key.raw()}' (expected one of: {', '.join(required + optional)})")
            values[key.raw()] = value
        missing = [name for name in required if name not in values]
        if missing:
            self.fail(f"missing key '{missing[0]}'")
        return values

    def sequence(self, non_empty: bool = True) -> list["Node"]:
        if not isinstance(self._node, yaml.SequenceNode):
            self.fail(f"expected a list, found {self._kind()}")
        if non_empty and not self._node.value:
            self.fail("expected a non-empty list")
        return [Node(item, self._path) for item in self._node.value]

    def is_mapping(self) -> bool:
        return isinstance(self._node, yaml.MappingNode)

    def text(self) -> str:
        """A non-empty string scalar."""
        if not isinstance(self._node, yaml.ScalarNode) or self._node.tag != _STR_TAG:
            self.fail(f"expected text, found {self._kind()}")
        if not self._node.value.strip():
            self.fail("expected non-empty text")
        return self._node.value

    def wording(self) -> Wording:
        """A text in every language, `{en: ..., es: ...}` (bot.wording): a missing twin fails here."""
        fields = self.mapping(required=LANGUAGES)
        return Wording(**{language: fields[language].text() for language in LANGUAGES})

    def raw(self) -> str:
        """The scalar exactly as written, whatever YAML would make of it."""
        if not isinstance(self._node, yaml.ScalarNode):
            self.fail(f"expected a single value, found {self._kind()}")
        return self._node.value

    def integer(self, low: int, high: int) -> int:
        if not isinstance(self._node, yaml.ScalarNode) or self._node.tag != _INT_TAG:
            self.fail(f"expected a whole number, found {self._kind()}")
        value = _SCALARS.construct_yaml_int(self._node)
        if not low <= value <= high:
            self.fail(f"{value} is outside {low}..{high}")
        return value

    def number(self, low: float, high: float) -> float:
        if not isinstance(self._node, yaml.ScalarNode) or self._node.tag not in (_INT_TAG, _FLOAT_TAG):
            self.fail(f"expected a number, found {self._kind()}")
        if self._node.tag == _INT_TAG:
            value = float(_SCALARS.construct_yaml_int(self._node))
        else:
            value = _SCALARS.construct_yaml_float(self._node)
        if not math.isfinite(value):
            self.fail(f"expected a finite number, found '{self._node.value}'")
        if not low <= value <= high:
            self.fail(f"{self._node.value} is outside {low:g}..{high:g}")
        return value

    def _kind(self) -> str:
        if isinstance(self._node, yaml.MappingNode):
            return "a mapping"
        if isinstance(self._node, yaml.SequenceNode):
            return "a list"
        return f"'{self._node.value}'"


def read_root(path: Path) -> Node:
    """Parse the file into a located tree; YAML syntax errors keep their line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ModelError(f"{path}: cannot read the triage model: {error.strerror}") from error
    try:
        tree = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 0
        raise ModelError(f"{path}:{line}: invalid YAML: {error.problem or error.context}") from error
    if tree is None:
        raise ModelError(f"{path}:1: the triage model file is empty")
    return Node(tree, path)
