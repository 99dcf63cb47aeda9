"""One guard around every custom action: an unexpected error gets an apology, and a log line with ids only.

Without it, an exception in an action becomes an HTTP 500 from the action
server, Rasa logs it and the patient hears nothing. The guard is applied where
the SDK registers actions (`ActionExecutor.register_function`), so every action
in this package, forms' validation included, is covered without a copy per
action. A form's ActionExecutionRejection is the SDK's own flow and passes.
"""
from __future__ import annotations

import functools
import logging
from typing import Any, Callable, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import ActionExecutor, CollectingDispatcher
from rasa_sdk.interfaces import ActionExecutionRejection
from rasa_sdk.utils import call_potential_coroutine

from actions.clinic_facts import clinic
from bot.conversation.phrases import say

logger = logging.getLogger(__name__)

ActionRun = Callable[[CollectingDispatcher, Tracker, Dict[Text, Any]], Any]


def guarded(name: str, run: ActionRun) -> ActionRun:
    """`run` whose unexpected errors are logged by ids and type and answered with an apology."""

    @functools.wraps(run)
    async def guarded_run(dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        try:
            return await call_potential_coroutine(run(dispatcher, tracker, domain))
        except ActionExecutionRejection:
            raise
        except Exception as error:  # the guard's purpose: no failure reaches the patient as silence
            logger.error("action %s failed for conversation %s: %s", name, tracker.sender_id, type(error).__name__)
            dispatcher.messages.clear()  # half a step's replies would mislead
            dispatcher.utter_message(text=say("step_failed", clinic_phone=clinic().phone))
            return []

    guarded_run.guarded = True  # type: ignore[attr-defined]
    return guarded_run


def install() -> None:
    """Guard every action the SDK registers from now on (idempotent)."""
    register = ActionExecutor.register_function
    if getattr(register, "guards_actions", False):
        return

    @functools.wraps(register)
    def register_guarded(self: ActionExecutor, name: Text, f: Callable) -> None:
        register(self, name, f if getattr(f, "guarded", False) else guarded(name, f))

    register_guarded.guards_actions = True  # type: ignore[attr-defined]
    ActionExecutor.register_function = register_guarded  # type: ignore[method-assign]
