"""The Rasa server's failures told to the patient, and never hidden behind an in-memory store.

Rasa wraps every tracker store in FailSafeTrackerStore, which logs a database
error and carries on in memory: the patient's conversation silently starts over
(or is silently not saved) and the logged error can quote the events. Here the
wrapper raises instead, and the message handler answers the patient with
"I can't save right now, please try again or call <clinic phone>". A custom
action that cannot run (action server down, or answering with an error) gets
the same honesty: an apology with the clinic's phone instead of silence.

A turn whose conversation lock cannot be had (the Redis lock store is down) is
answered the same way at once, instead of Rasa's empty reply.

Rasa offers no hook for any of these, so `install()` replaces four of its names
(the FailSafe wrapper the agent builds, `MessageProcessor.handle_message`,
`RemoteAction.run` and `Agent.handle_message`); it must run in the Rasa process before the agent loads,
which our tracker store guarantees (bot.tracker_store calls it).
"""
from __future__ import annotations

import functools
import logging
from typing import Any, Awaitable, Callable, List, NoReturn, Optional

import rasa.core.agent
from rasa.core.agent import Agent
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel, UserMessage
from rasa.core.lock_store import LockError
from rasa.core.processor import MessageProcessor
from rasa.core.tracker_store import FailSafeTrackerStore
from rasa.shared.core.events import BotUttered, Event
from rasa.shared.exceptions import RasaException

from bot.clinic import default_clinic
from bot.conversation.phrases import say

logger = logging.getLogger(__name__)


class ConversationStoreUnavailable(RasaException):
    """The tracker store failed: the turn is abandoned and the patient is told."""


class StrictTrackerStore(FailSafeTrackerStore):
    """The agent's tracker-store wrapper without the in-memory fallback: errors are raised."""

    def on_tracker_store_error(self, error: Exception) -> NoReturn:
        logger.error("Conversation store failed: %s", type(error).__name__)
        raise ConversationStoreUnavailable(type(error).__name__) from None

    def on_tracker_store_retrieve_error(self, error: Exception) -> NoReturn:
        self.on_tracker_store_error(error)


def apology(phrase: str) -> str:
    return say(phrase, clinic_phone=default_clinic().phone)


def answering_store_failures(
    handle_message: Callable[[MessageProcessor, UserMessage], Awaitable[Optional[List[Any]]]],
) -> Callable[[MessageProcessor, UserMessage], Awaitable[Optional[List[Any]]]]:
    """MessageProcessor.handle_message that tells the patient when their turn failed or could not be stored."""

    @functools.wraps(handle_message)
    async def handle(self: MessageProcessor, message: UserMessage) -> Optional[List[Any]]:
        try:
            return await handle_message(self, message)
        except ConversationStoreUnavailable:
            logger.error("Turn of conversation %s not stored; the patient was told", message.sender_id)
            phrase = "store_unavailable"
        except Exception as error:  # any other failure of the turn: an apology instead of silence
            logger.error("Turn of conversation %s failed (%s); the patient was told",
                         message.sender_id, type(error).__name__)
            phrase = "step_failed"
        return await tell(message, phrase)

    return handle


async def tell(message: UserMessage, phrase: str) -> Optional[List[Any]]:
    """Send the apology to the patient; a collecting channel (REST) gets it as the turn's replies."""
    await message.output_channel.send_text_message(message.sender_id, apology(phrase))
    if isinstance(message.output_channel, CollectingOutputChannel):
        return message.output_channel.messages
    return None


def answering_lock_failures(
    handle_message: Callable[[Agent, UserMessage], Awaitable[Optional[List[Any]]]],
) -> Callable[[Agent, UserMessage], Awaitable[Optional[List[Any]]]]:
    """Agent.handle_message that tells the patient when the conversation's lock could not be had
    (the Redis lock store is down, or the turn waited past the lock's lifetime): the turn was
    not taken in, so they hear that at once instead of an empty answer."""

    @functools.wraps(handle_message)
    async def handle(self: Agent, message: UserMessage) -> Optional[List[Any]]:
        try:
            return await handle_message(self, message)
        except LockError:
            logger.error("Turn of conversation %s not taken: its lock could not be had; the patient was told",
                         message.sender_id)
            return await tell(message, "store_unavailable")

    return handle


def apologising_for_actions(
    run: Callable[..., Awaitable[List[Event]]],
) -> Callable[..., Awaitable[List[Event]]]:
    """RemoteAction.run that apologises when the action server cannot run the action."""

    @functools.wraps(run)
    async def run_or_apologise(
        self: RemoteAction, output_channel: OutputChannel, nlg: Any, tracker: Any, domain: Any,
    ) -> List[Event]:
        try:
            return await run(self, output_channel, nlg, tracker, domain)
        except ActionExecutionRejection:
            raise  # a form's "not this one": Rasa's own flow, not a failure
        except RasaException:
            logger.error("Action %s could not run for conversation %s; the patient was told",
                         self.name(), tracker.sender_id)
            text = apology("step_failed")
            await output_channel.send_text_message(tracker.sender_id, text)
            return [BotUttered(text)]

    return run_or_apologise


def install() -> None:
    """Apply the four replacements once per process (see the module docstring)."""
    if getattr(MessageProcessor.handle_message, "_answers_store_failures", False):
        return
    rasa.core.agent.FailSafeTrackerStore = StrictTrackerStore  # type: ignore[misc]
    MessageProcessor.handle_message = answering_store_failures(MessageProcessor.handle_message)  # type: ignore
    MessageProcessor.handle_message._answers_store_failures = True  # type: ignore[attr-defined]
    RemoteAction.run = apologising_for_actions(RemoteAction.run)  # type: ignore[method-assign]
    Agent.handle_message = answering_lock_failures(Agent.handle_message)  # type: ignore[method-assign]
