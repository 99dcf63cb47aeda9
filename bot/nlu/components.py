"""Rasa 3.6 NLU component: the project's rule entities and the red-flag intent override.

Why a component: a red flag mentioned at any turn, even in the very first message,
must reach the dialogue as intent `report_red_flag` with one `red_flag` entity per
flag, whatever the intent classifier guessed. A flag the patient explicitly denies
("no numbness") becomes one `denied_red_flag` entity (value = the flag), which never
changes the intent: the interview only notes it. Use it after the intent classifier:

    pipeline:
      - name: DIETClassifier
      - name: bot.nlu.components.ClinicalRulesExtractor
        entity_types: [body_part, side, duration, severity, activity]   # optional

It needs no training: the matchers are built from the pattern files when the
component is created. Message texts are never logged.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.constants import INTENT_MESSAGE_PREFIX
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.entities import ENTITY_TYPES, EntityExtractor, default_extractor
from bot.nlu.odd_input import NO_WORDS, TOO_LONG, odd_input_intent
from bot.nlu.redflags import RedFlagDetectors, default_detector

RED_FLAG_INTENT = "report_red_flag"
RED_FLAG_ENTITY = "red_flag"
DENIED_RED_FLAG_ENTITY = "denied_red_flag"
SAFETY_SCAN_CHARS = 5000


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class ClinicalRulesExtractor(GraphComponent, EntityExtractorMixin):
    """Adds rule-based entities and, for a reported red flag, forces `report_red_flag`."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """`entity_types`: which rule entities to add (red flags are always checked)."""
        return {"entity_types": list(ENTITY_TYPES)}

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "ClinicalRulesExtractor":
        """Builds the component; the pattern files are compiled once per process."""
        return cls(config, default_extractor(), default_detector())

    def __init__(
        self, config: Dict[Text, Any], extractor: EntityExtractor, detector: RedFlagDetectors
    ) -> None:
        entity_types = list(config.get("entity_types", ENTITY_TYPES))
        unknown = set(entity_types) - set(ENTITY_TYPES)
        if unknown:
            raise InvalidConfigException(
                f"{self.name}: unknown entity_types {sorted(unknown)}; choose from {list(ENTITY_TYPES)}"
            )
        self._entity_types = frozenset(entity_types)
        self._extractor = extractor
        self._detector = detector

    def process(self, messages: List[Message]) -> List[Message]:
        """Adds entities to each message and overrides the intent on a red flag."""
        for message in messages:
            text = message.get(TEXT)
            if text and text.startswith(INTENT_MESSAGE_PREFIX):
                continue  # a button payload that RegexMessageHandler unpacks
            odd = odd_input_intent(text or "")
            if odd == NO_WORDS:
                self._set_intent(message, odd)
                continue
            # An over-long message is still screened for red flags: safety before "too long".
            red_flags = self._red_flag_entities(text[:SAFETY_SCAN_CHARS])
            reported = any(entity["entity"] == RED_FLAG_ENTITY for entity in red_flags)
            if odd == TOO_LONG and not reported:
                self._set_intent(message, odd)
                continue
            entities = [] if odd else [e for e in self._extractor.extract(text) if e["entity"] in self._entity_types]
            if entities or red_flags:
                message.set(
                    ENTITIES,
                    message.get(ENTITIES, []) + self.add_extractor_name(entities + red_flags),
                    add_to_output=True,
                )
            if reported:
                self._report_red_flag(message)
        return messages

    def _red_flag_entities(self, text: Text) -> List[Dict[Text, Any]]:
        """One `red_flag` entity per reported flag and one `denied_red_flag` entity per
        flag denied and not also reported, each placed at the flag's first such mention."""
        mentions = self._detector.detect(text)
        reported = {mention.flag for mention in mentions if mention.positive}
        first: Dict[tuple, Dict[Text, Any]] = {}
        for mention in mentions:
            if mention.positive:
                entity = RED_FLAG_ENTITY
            elif mention.denied and mention.flag not in reported:
                entity = DENIED_RED_FLAG_ENTITY
            else:
                continue
            first.setdefault(
                (entity, mention.flag),
                {
                    "entity": entity,
                    "value": mention.flag,
                    "start": mention.start,
                    "end": mention.end,
                    "text": mention.text,
                },
            )
        return list(first.values())

    @staticmethod
    def _report_red_flag(message: Message) -> None:
        ClinicalRulesExtractor._set_intent(message, RED_FLAG_INTENT)

    @staticmethod
    def _set_intent(message: Message, intent: Text) -> None:
        """Make `intent` the message's intent with full confidence, whatever the classifier said."""
        top = {INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: 1.0}
        ranking = [
            item
            for item in message.get(INTENT_RANKING_KEY) or []
            if item.get(INTENT_NAME_KEY) != intent
        ]
        message.set(INTENT, dict(top), add_to_output=True)
        message.set(INTENT_RANKING_KEY, [dict(top)] + ranking, add_to_output=True)
