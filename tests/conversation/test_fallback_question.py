"""The fallback question names what was understood in plain words, with Yes / No."""
from __future__ import annotations

import asyncio

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.fallback import ActionDefaultAskAffirmation


def _tracker(ranking: list) -> Tracker:
    message = {"text": "opening times maybe", "intent": {"name": "nlu_fallback", "confidence": 0.45},
               "intent_ranking": ranking, "entities": []}
    return Tracker("t1", {}, message, [], False, None, {}, "action_listen")


def test_asks_about_the_best_guess_in_words():
    dispatcher = CollectingDispatcher()
    ranking = [{"name": "nlu_fallback", "confidence": 0.45}, {"name": "ask_hours", "confidence": 0.41},
               {"name": "ask_locations", "confidence": 0.38}]
    asyncio.run(ActionDefaultAskAffirmation().run(dispatcher, _tracker(ranking), {}))
    [message] = dispatcher.messages
    assert message["text"] == "Sorry, I'm not sure I understood. Did you want to ask about our opening hours?"
    assert [b["payload"] for b in message["buttons"]] == ["/ask_hours", "/out_of_scope"]


def test_without_a_guess_it_offers_something_else():
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionDefaultAskAffirmation().run(dispatcher, _tracker([]), {}))
    assert "something else" in dispatcher.messages[0]["text"]
