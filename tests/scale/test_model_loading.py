"""The model loaded for prediction without its training step (bot/model_loading.py) predicts exactly
what Rasa's own load predicts."""
from __future__ import annotations

import asyncio

import pytest
from rasa.core.agent import Agent
from rasa.utils.tensorflow.models import RasaModel

from bot import model_loading
from bot.training import train

MESSAGES = [
    "hi", "my right knee hurts when I run", "me duele la rodilla derecha cuando corro", "yes", "no",
    "about 6 out of 10", "for 3 months", "I can't feel my legs and I wet myself", "where are you located",
    "do you take insurance", "book a gait analysis", "talk to a person", "delete my data", "asdfgh",
    "my lower back has been killing me for months, worse when I stand at work", "why do you ask",
    "start over", "thanks", "bye", "el primero", "ninguno", "tengo fiebre y la espalda me duele",
]


def parses(model_path: str) -> list:
    agent = Agent.load(model_path)
    loop = asyncio.new_event_loop()
    try:
        return [loop.run_until_complete(agent.parse_message(text)) for text in MESSAGES]
    finally:
        loop.close()


def comparable(parse: dict) -> tuple:
    return (parse["intent"]["name"], [(r["name"], r["confidence"]) for r in parse.get("intent_ranking", [])],
            sorted((e["entity"], e["start"], e["end"], e.get("extractor"), e.get("confidence_entity"))
                   for e in parse["entities"]))


@pytest.fixture(scope="module")
def model_path(tmp_path_factory) -> str:
    return str(train(log=tmp_path_factory.mktemp("train") / "train.log"))


def test_both_loads_predict_the_same_intents_confidences_and_entities(model_path, monkeypatch):
    monkeypatch.setattr(RasaModel, "load", classmethod(model_loading._RASA_LOAD))
    rasas = [comparable(p) for p in parses(model_path)]
    model_loading.install()
    ours = [comparable(p) for p in parses(model_path)]
    assert RasaModel.load.__func__ is model_loading.load_for_prediction
    for text, theirs, mine in zip(MESSAGES, rasas, ours):
        assert mine[0] == theirs[0] and mine[2] == theirs[2], text
        assert [name for name, _ in mine[1]] == [name for name, _ in theirs[1]], text
        assert [c for _, c in mine[1]] == pytest.approx([c for _, c in theirs[1]], abs=1e-5), text
