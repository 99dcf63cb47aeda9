"""Starting over and "delete my data"."""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, AllSlotsReset, EventType
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.clinic_facts import clinic
from actions.greeting import introduce
from actions.storage_access import unit_of_work
from bot.storage.conversations import forget_conversation

logger = logging.getLogger(__name__)


class ActionRestart(Action):
    """Start over: forget this conversation's answers (not its stored records) and begin again.

    Overrides Rasa's default action_restart, which the built-in rule runs for the
    `restart` intent. Activating the consent form makes Rasa ask for consent next,
    as after a greeting.
    """

    def name(self) -> Text:
        return "action_restart"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        dispatcher.utter_message(response="utter_restart_done")
        introduce(dispatcher)
        return [AllSlotsReset(), ActiveLoop("consent_form")]


class ActionForgetMe(Action):
    """Delete what the clinic database holds for this sender, then the conversation.

    The conversation's events are deleted by the tracker store (bot.tracker_store)
    when this action ends with AllSlotsReset, which it returns only once the clinic
    database was erased: a failure deletes nothing and says so.
    """

    def name(self) -> Text:
        return "action_forget_me"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        try:
            with unit_of_work() as session:
                forgotten = forget_conversation(session, tracker.sender_id)
        except SQLAlchemyError as error:
            logger.error("Could not erase a sender's records: %s", type(error).__name__)
            dispatcher.utter_message(response="utter_storage_unavailable", clinic_phone=clinic().phone)
            return [ActiveLoop(None)]
        logger.info("Forgot a sender: %s", forgotten)
        dispatcher.utter_message(response="utter_forget_done")
        return [ActiveLoop(None), AllSlotsReset()]
