"""The first step of the two-stage fallback, in words a patient understands.

Rasa's default asks "Did you mean 'ask_hours'?"; this names what the assistant
understood instead, and offers Yes / No buttons (No leads to a request to rephrase).
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

MEANINGS = {
    "greet": "say hello",
    "goodbye": "say goodbye",
    "affirm": "say yes",
    "deny": "say no",
    "thank": "say thanks",
    "skip": "say you're not sure",
    "describe_pain": "describe your pain",
    "inform": "answer my question",
    "book_gait_analysis": "book a gait analysis",
    "cancel_booking": "cancel a booking",
    "change_booking": "move a booking to another time",
    "ask_gait_analysis": "ask what a gait analysis is",
    "ask_overpronation": "ask what overpronation is",
    "ask_orthotics": "ask about orthotics and insoles",
    "ask_locations": "ask where we are",
    "ask_hours": "ask about our opening hours",
    "ask_insurance": "ask about insurance or cost",
    "ask_why": "ask why I'm asking",
    "ask_human": "talk to a person",
    "bot_challenge": "ask whether I'm a bot",
    "restart": "start over",
    "forget_me": "have your data deleted",
    "out_of_scope": "ask about something else",
}


class ActionDefaultAskAffirmation(Action):
    """Overrides Rasa's default: "Did you want to <meaning>?" with Yes / No."""

    def name(self) -> Text:
        return "action_default_ask_affirmation"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        ranking = tracker.latest_message.get("intent_ranking") or []
        guess = next((i["name"] for i in ranking if i.get("name") not in ("nlu_fallback", None)), "out_of_scope")
        meaning = MEANINGS.get(guess, "ask about something else")
        dispatcher.utter_message(
            text=f"Sorry, I'm not sure I understood. Did you want to {meaning}?",
            buttons=[{"title": "Yes", "payload": f"/{guess}"}, {"title": "No", "payload": "/out_of_scope"}],
        )
        return []
