"""Rasa's lookup of an event's class by its type name, kept instead of searched for each event.

Loading a conversation, Rasa 3.6 turns every stored event back into an object with
``Event.resolve_by_type(type_name)``, which walks every subclass of ``Event`` and asks
``inspect.isabstract`` of each, for each event. That walk was most of a tracker load,
and it grows with the conversation: 13 of the 19 ms that turn 40 of a conversation
took more than turn 2 (bench/profile_turn.py --long, docs/performance.md).

``install()`` replaces it with the same search done once per type name: the first
subclass in Rasa's own order whose ``type_name`` matches, as before. Event classes are
all defined when their modules are imported, before any conversation is loaded; a type
name not found is searched again (and then answered exactly as Rasa does), so a class
imported later is still found.
"""
from __future__ import annotations

from typing import Dict, Optional, Type

import rasa.shared.utils.common
from rasa.shared.core.events import Event

_RASA_RESOLVE = Event.resolve_by_type
_FOUND: Dict[str, Type[Event]] = {}


def resolve_by_type(type_name: str, default: Optional[Type[Event]] = None) -> Optional[Type[Event]]:
    """Rasa's ``Event.resolve_by_type``, each type name searched for once."""
    found = _FOUND.get(type_name)
    if found is not None:
        return found
    for cls in rasa.shared.utils.common.all_subclasses(Event):
        if cls.type_name == type_name:
            _FOUND[type_name] = cls
            return cls
    return _RASA_RESOLVE(type_name, default)  # not an event type: Rasa's own answer (None, default or error)


def install() -> None:
    """Use the kept lookup in this process (idempotent)."""
    Event.resolve_by_type = staticmethod(resolve_by_type)  # type: ignore[method-assign]
