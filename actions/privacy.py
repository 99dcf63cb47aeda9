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
from bot.channels.telegram.callback_data import CallbackDataStore
from bot.channels.telegram.settings import TelegramSettings
from bot.conversation import InterviewState, opening
from bot.security.senders import SESSION_ENDED, telegram_chat, widget_session_of
from bot.storage.conversations import forget_conversation
from bot.storage.tracker_events import delete_sender_events
from bot.storage.widget_sessions import revoke

logger = logging.getLogger(__name__)


class ActionStartOver(Action):
    """Forget this conversation's answers (not its stored records) and begin again with consent."""

    def name(self) -> Text:
        return "action_start_over"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        turn = opening(clinic_for_conversation(), InterviewState.from_slots(tracker.get_slot).language)
        utter(dispatcher, list(turn.replies), turn.state.language)
        fresh = [SlotSet(slot, value) for slot, value in turn.state.changed_slots(InterviewState()).items()]
        kept = [SlotSet("language", tracker.get_slot("language"))]  # starting over keeps the language
        return [ActiveLoop(None), AllSlotsReset(), *fresh, *kept]


class ActionForgetMe(Action):
    """Delete what the clinic database holds for this sender, the Telegram button records, then the conversation.

    "Done" is said only once everything is gone: the clinic's records, the
    stored conversation events (bot.storage.tracker_events) and the chat's
    Telegram button records. The turn itself is then deleted by the tracker store
    (bot.tracker_store) because this action ends with AllSlotsReset. Any failure
    stops before "Done", rolls the clinic database back and says so.
    """

    def name(self) -> Text:
        return "action_forget_me"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        try:
            with stored(dispatcher, "erasing a sender's records") as session:
                forgotten = forget_conversation(session, tracker.sender_id)
                events = delete_sender_events(tracker.sender_id)
                buttons = forget_telegram_buttons(tracker)
                website_session = widget_session_of(tracker.sender_id)
                if website_session:
                    revoke(session, website_session)
        except StorageUnavailable:
            return [ActiveLoop(None)]
        logger.info("Forgot a sender: %s, %d conversation events, %d Telegram button records",
                    forgotten, events, buttons)
        dispatcher.utter_message(response="utter_forget_done")
        if website_session:  # the widget clears its stored transcript and session on this
            dispatcher.utter_message(json_message={SESSION_ENDED: True})
        return [ActiveLoop(None), AllSlotsReset()]


def forget_telegram_buttons(tracker: Tracker) -> int:
    """Delete the chat's stored button records, if this conversation is a Telegram chat."""
    chat_id = telegram_chat(tracker.sender_id)
    if chat_id is None:
        return 0
    path = TelegramSettings.load().callback_db
    if not path.exists():
        return 0
    return CallbackDataStore(path).forget_chat(chat_id)
