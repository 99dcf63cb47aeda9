"""ClinicalRulesExtractor called the way Rasa 3.6 calls it, and inside a real trained model."""
import asyncio

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.components import RED_FLAG_INTENT, ClinicalRulesExtractor
from bot.nlu.pipeline import build


def make(tmp_path, **config):
    """Create the component through its classmethod, as the Rasa graph does."""
    return ClinicalRulesExtractor.create(
        {**ClinicalRulesExtractor.get_default_config(), **config},
        LocalModelStorage(tmp_path),
        Resource("clinical_rules"),
        ExecutionContext(GraphSchema({}), "test"),
    )


def classified(text, intent="describe_pain", confidence=0.8):
    """A message as the intent classifier leaves it."""
    message = Message.build(text=text)
    message.set("intent", {"name": intent, "confidence": confidence})
    message.set("intent_ranking", [{"name": intent, "confidence": confidence}, {"name": "inform", "confidence": 0.1}])
    return message


def test_a_red_flag_overrides_the_intent_and_adds_red_flag_entities(tmp_path):
    message = classified("fell off my bike and now I can't walk on it, my left knee is killing me")
    [processed] = make(tmp_path).process([message])
    assert processed.get("intent") == {"name": RED_FLAG_INTENT, "confidence": 1.0}
    assert processed.get("intent_ranking") == [
        {"name": RED_FLAG_INTENT, "confidence": 1.0},
        {"name": "describe_pain", "confidence": 0.8},
        {"name": "inform", "confidence": 0.1},
    ]
    red_flags = [e for e in processed.get("entities") if e["entity"] == "red_flag"]
    assert [e["value"] for e in red_flags] == ["rf_trauma", "rf_cannot_bear_weight"]
    assert {e["extractor"] for e in processed.get("entities")} == {"ClinicalRulesExtractor"}
    rules = [(e["entity"], e["value"]) for e in processed.get("entities") if e["entity"] != "red_flag"]
    assert ("side", "left") in rules and ("body_part", "knee") in rules


def test_a_denied_red_flag_keeps_the_intent_and_adds_denied_red_flag_entities(tmp_path):
    text = "no numbness and I don't have a fever, my knee hurts"
    [processed] = make(tmp_path).process([classified(text)])
    assert processed.get("intent") == {"name": "describe_pain", "confidence": 0.8}
    entities = processed.get("entities")
    assert [(e["entity"], e["value"]) for e in entities] == [
        ("body_part", "knee"), ("denied_red_flag", "rf_saddle_numbness"), ("denied_red_flag", "rf_fever")]
    assert [text[e["start"] : e["end"]] for e in entities[1:]] == ["numbness", "fever"]


def test_reported_and_denied_flags_in_one_message(tmp_path):
    [processed] = make(tmp_path).process([classified("NO FEVER BUT I CANT FEEL MY BUM")])
    assert processed.get("intent")["name"] == RED_FLAG_INTENT
    assert [(e["entity"], e["value"]) for e in processed.get("entities") if "red_flag" in e["entity"]] == [
        ("denied_red_flag", "rf_fever"), ("red_flag", "rf_saddle_numbness")]


def test_rule_entities_are_appended_to_earlier_extractors(tmp_path):
    message = classified("it's been about 3 months, pretty bad when I run", intent="inform")
    message.set("entities", [{"entity": "duration", "value": "3 months", "extractor": "DIETClassifier"}])
    [processed] = make(tmp_path).process([message])
    assert [(e["entity"], e["value"], e["extractor"]) for e in processed.get("entities")] == [
        ("duration", "3 months", "DIETClassifier"),
        ("duration", "about 3 months", "ClinicalRulesExtractor"),
        ("severity", "pretty bad", "ClinicalRulesExtractor"),
        ("activity", "running", "ClinicalRulesExtractor"),
    ]


def test_entity_types_can_be_limited_but_red_flags_are_always_checked(tmp_path):
    component = make(tmp_path, entity_types=["side"])
    [processed] = component.process([classified("my left knee is hot red and swollen")])
    assert [(e["entity"], e["value"]) for e in processed.get("entities")] == [
        ("side", "left"), ("red_flag", "rf_hot_swollen_knee")]
    assert processed.get("intent")["name"] == RED_FLAG_INTENT


def test_an_unknown_entity_type_is_a_config_error(tmp_path):
    with pytest.raises(InvalidConfigException, match="colour"):
        make(tmp_path, entity_types=["side", "colour"])


def test_button_payloads_and_empty_messages_are_left_alone(tmp_path):
    payload = classified('/inform{"body_part": "knee"}', intent="inform", confidence=1.0)
    empty = Message.build(text="")
    component = make(tmp_path)
    component.process([payload, empty])
    assert payload.get("entities") in (None, [])
    assert payload.get("intent")["name"] == "inform"
    assert empty.get("entities") in (None, [])


CONFIG = """\
recipe: default.v1
language: en
assistant_id: nlu_component_test
pipeline:
  - name: SpacyNLP
    model: {spacy}
  - name: SpacyTokenizer
  - name: CountVectorsFeaturizer
  - name: DIETClassifier
    epochs: 5
  - name: bot.nlu.components.ClinicalRulesExtractor
"""
NLU = """\
version: "3.1"
nlu:
- intent: greet
  examples: |
    - hi
    - hello there
    - hey
    - good morning
- intent: describe_pain
  examples: |
    - my back hurts
    - my knee hurts when i walk
    - pain in my heel
    - my lower back aches
"""


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_a_trained_model_with_the_blank_spacy_pipeline_reports_red_flags(tmp_path, monkeypatch):
    from rasa.core.agent import Agent
    from rasa.model_training import train_nlu

    monkeypatch.setenv("RASA_CACHE_DIRECTORY", str(tmp_path / "cache"))
    spacy_path = build(tmp_path / "spacy_en")
    (tmp_path / "config.yml").write_text(CONFIG.format(spacy=spacy_path))
    (tmp_path / "nlu.yml").write_text(NLU)
    model = train_nlu(str(tmp_path / "config.yml"), str(tmp_path / "nlu.yml"), str(tmp_path / "models"))
    agent = Agent.load(model)

    flagged = asyncio.run(agent.parse_message("my back hurts and I can't feel my inner thighs"))
    assert flagged["intent"] == {"name": RED_FLAG_INTENT, "confidence": 1.0}
    assert flagged["intent_ranking"][0]["name"] == RED_FLAG_INTENT and len(flagged["intent_ranking"]) == 3
    assert {(e["entity"], e["value"]) for e in flagged["entities"]} >= {
        ("red_flag", "rf_saddle_numbness"), ("body_part", "lower_back")}

    plain = asyncio.run(agent.parse_message("my left knee hurts, no fever"))
    assert plain["intent"]["name"] != RED_FLAG_INTENT
    assert [(e["entity"], e["value"]) for e in plain["entities"]] == [
        ("side", "left"), ("body_part", "knee"), ("denied_red_flag", "rf_fever")]
