"""The wording of every question and answer key: what the patient is asked, and why.

Derived from model.yml, the one place where a question's wording lives. A
checklist item's wording alone is its `ask` (used when the patient is not sure
about the list as a whole); a question that fills one key words that key; a
question that fills several keys at once (where: location and side) words the
first of them.
"""
from __future__ import annotations

from types import MappingProxyType
from typing import Mapping

from bot.wording import Wording

from .model import MODEL, Model


def wording(model: Model = MODEL) -> tuple[Mapping[str, Wording], Mapping[str, Wording]]:
    """(text by answer key, why by answer key and by question id), in every language."""
    texts: dict[str, Wording] = {}
    whys: dict[str, Wording] = {}
    for spec in model.questions:
        whys[spec.id] = spec.why
        for item in spec.items:
            texts[item.key], whys[item.key] = item.ask, item.why
        if not spec.items:
            texts[spec.keys[0]] = spec.text
            whys.update(dict.fromkeys(spec.keys, spec.why))
    return MappingProxyType(texts), MappingProxyType(whys)


QUESTIONS, EXPLANATIONS = wording()
"""The wording of each answer key asked on its own, and why each key and question id is asked."""


def why_we_ask(key: str) -> Wording:
    """One or two plain sentences on why a question (by id) or an answer key is asked."""
    try:
        return EXPLANATIONS[key]
    except KeyError:
        raise KeyError(f"unknown question or answer key '{key}'") from None
