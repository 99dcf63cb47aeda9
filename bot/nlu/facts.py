"""PLACEHOLDER until the facts worker's version lands: location and side only."""
from __future__ import annotations

from bot.nlu.parsers import parse_location, parse_side
from bot.nlu.entities import extract_entities


def read_facts(text: str) -> dict[str, object]:
    facts: dict[str, object] = {}
    if not any(e["entity"] == "body_part" for e in extract_entities(text)):
        return facts
    location = parse_location(text)
    if location.ok:
        facts["pain_location"] = location.value
        side = parse_side(text)
        if location.value == "knee" and side.ok:
            facts["pain_side"] = side.value
    return facts
