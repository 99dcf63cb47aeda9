"""Rasa's calls to the action server, made cheaper: the current turn sent, the answer checked once.

Rasa 3.6's RemoteAction posts the tracker with every event of the conversation
(``EventVerbosity.ALL``) and the domain on every action call, so the call grew with
the conversation (docs/performance.md). Our actions read
the slots, the latest message, the active loop and the sender id, all of which Rasa
sends apart from the events, and from the events only what the current turn holds:
the latest user message's input channel (``get_latest_input_channel``) and the
slot candidates a form appends after it (``slots_to_validate``). So the events sent
start at the latest user message. The domain is sent only to the actions that
declare ``send_domain: true`` in domain.yml (Rasa's own selective domain, switched on
by ``enable_selective_domain`` in endpoints.yml): the form validators, which read
the form's required slots from it.

Rasa checks every answer of the action server with ``jsonschema.validate``, which first
checks Rasa's (large) event schema against JSON Schema's meta-schema, on every call:
that was about 40 ms of CPU per action call, more than the rest of the call. Here the
schema is checked once and its validator kept; each answer is still validated in full,
and a wrong one raises the same error with the same advice.

Rasa offers no hook for either, so ``install()`` replaces
``RemoteAction._action_call_format`` and ``RemoteAction._validate_action_result``; it runs
in the Rasa process (bot.rasa_server, and bot.tracker_store for Rasa's own commands).
"""
from __future__ import annotations

import functools
from typing import Any, Dict

import jsonschema
import rasa
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

from bot.tracker_store import events_of_latest_turn  # the same turn our tracker store checks for "forget me"


def action_call_format(self: RemoteAction, tracker: DialogueStateTracker, domain: Domain) -> Dict[str, Any]:
    """Rasa's request body for the action server, with the current turn's events only."""
    state = tracker.current_state(EventVerbosity.NONE)
    state["events"] = [event.as_dict() for event in events_of_latest_turn(tracker)]
    body: Dict[str, Any] = {
        "next_action": self.name(),
        "sender_id": tracker.sender_id,
        "tracker": state,
        "version": rasa.__version__,
    }
    if not self._is_selective_domain_enabled() or domain.does_custom_action_explicitly_need_domain(self.name()):
        body["domain"] = domain.as_dict()
    return body


@functools.lru_cache(maxsize=1)
def response_validator() -> Any:
    """The validator of Rasa's action-server response schema, the schema checked once."""
    schema = RemoteAction.action_response_format_spec()
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def validate_action_result(self: RemoteAction, result: Dict[str, Any]) -> bool:
    """What Rasa's check does (jsonschema.validate: the best-matching error), without re-checking the schema."""
    error = jsonschema.exceptions.best_match(response_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        f". Failed to validate Action server response from API, "
        f"make sure your response from the Action endpoint is valid. "
        f"For more information about the format visit {DOCS_BASE_URL}/custom-actions"
    )
    raise error


def install() -> None:
    """Replace Rasa's request body and response check for action calls (idempotent)."""
    RemoteAction._action_call_format = action_call_format  # type: ignore[method-assign]
    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]
