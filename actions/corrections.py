"""Answers a patient volunteers outside the question being asked.

Red flags found by the NLU component are recorded whatever is being asked; a
mention of where the pain is, or which side, updates the earlier answer.
"""
from __future__ import annotations

from typing import List

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answer_reading import latest_entity
from bot.nlu import parsers


def red_flag_events(tracker: Tracker) -> List[EventType]:
    """SlotSet(rf_*, True) for every red flag the NLU found in the latest message."""
    flags = {e.get("value") for e in tracker.latest_message.get("entities", []) if e.get("entity") == "red_flag"}
    return [SlotSet(flag, True) for flag in sorted(flags) if flag]


CORRECTING_INTENTS = {"inform", "describe_pain"}
ENTITY_SLOTS = {"body_part": ("pain_location", parsers.parse_location), "side": ("pain_side", parsers.parse_side)}


def correction_events(tracker: Tracker, dispatcher: CollectingDispatcher) -> List[EventType]:
    """Fill or correct pain location/side when an informative message names them.

    Only for inform/describe_pain messages, so that "yes, my knee hurts when I walk"
    answering another question does not overwrite "both".
    """
    if tracker.latest_message.get("intent", {}).get("name") not in CORRECTING_INTENTS:
        return []
    requested = tracker.get_slot("requested_slot")
    events: List[EventType] = []
    corrected = False
    for entity, (slot, parse) in ENTITY_SLOTS.items():
        mentioned = latest_entity(tracker, entity)
        if mentioned is None or slot == requested:
            continue
        parsed = parse(str(mentioned))
        current = tracker.get_slot(slot)
        if parsed.status == "ok" and parsed.value != current:
            events.append(SlotSet(slot, parsed.value))
            corrected = corrected or current is not None
    if corrected:
        dispatcher.utter_message(response="utter_answer_updated")
    return events
