"""The kept event-class lookup (bot/event_types.py) answers exactly as Rasa's search does."""
from __future__ import annotations

import pytest
import rasa.shared.utils.common
from hypothesis import given, strategies as st
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot import event_types

TYPE_NAMES = sorted({cls.type_name for cls in rasa.shared.utils.common.all_subclasses(Event)})


@pytest.fixture(autouse=True, scope="module")
def installed():
    event_types.install()


def test_every_event_type_resolves_to_rasas_class():
    assert len(TYPE_NAMES) > 15
    for name in TYPE_NAMES:
        assert Event.resolve_by_type(name) is event_types._RASA_RESOLVE(name), name


@given(st.text(max_size=20).filter(lambda name: name not in TYPE_NAMES and name != "topic"))
def test_an_unknown_name_is_refused_or_defaulted_as_rasa_does(name):
    with pytest.raises(ValueError):
        Event.resolve_by_type(name)
    assert Event.resolve_by_type(name, default=SlotSet) is SlotSet
    assert Event.resolve_by_type("topic") is None


def test_a_stored_conversation_loads_back_the_same():
    events = [ActionExecuted("action_session_start"), UserUttered("hi", {"name": "greet"}),
              SlotSet("language", "es"), ActionExecuted("action_listen")]
    dumped = [event.as_dict() for event in events]
    assert [type(e) for e in DialogueStateTracker.from_dict("p", dumped).events] == [type(e) for e in events]
