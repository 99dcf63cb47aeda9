"""Starting over and "delete my data", each carried out only after the patient confirmed it.

bot.conversation asks "Start over?" / "Delete everything?" and, on yes, runs one
of these actions next (FollowupAction).
"""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, AllSlotsReset, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.interview import clinic_for_conversation, utter
from actions.storage_access import StorageUnavailable, stored
from bot.conversation import InterviewState, opening
from bot.storage.conversations import forget_conversation

logger = logging.getLogger(__name__)


class ActionStartOver(Action):
    """Forget this conversation's answers (not its stored records) and begin again with consent."""

    def name(self) -> Text:
        return "action_start_over"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        turn = opening(clinic_for_conversation())
        utter(dispatcher, list(turn.replies))
        fresh = [SlotSet(slot, value) for slot, value in turn.state.changed_slots(InterviewState()).items()]
        kept = [SlotSet("language", tracker.get_slot("language"))]  # starting over keeps the language
        return [ActiveLoop(None), AllSlotsReset(), *fresh, *kept]


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
            with stored(dispatcher, "erasing a sender's records") as session:
                forgotten = forget_conversation(session, tracker.sender_id)
        except StorageUnavailable:
            return [ActiveLoop(None)]
        logger.info("Forgot a sender: %s", forgotten)
        dispatcher.utter_message(response="utter_forget_done")
        return [ActiveLoop(None), AllSlotsReset()]
