"""The domain, the training data, the rules, the action server and bot.conversation agree.

`rasa data validate` cannot know which responses the custom actions utter, so it
warns about them; this test checks those links itself, and fails on real gaps.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from rasa_sdk.executor import ActionExecutor

from bot.conversation.state import SLOTS
from bot.triage import MODEL

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text())
DIALOGUE = "\n".join(p.read_text() for p in sorted((ROOT / "data" / "rules").glob("*.yml")))
ACTION_SOURCE = "\n".join(p.read_text() for p in (ROOT / "actions").glob("*.py"))
NLU_INTENTS = {
    m.group(1) for p in (ROOT / "data" / "nlu").glob("*.yml")
    for m in re.finditer(r"^- intent: (\w+)", p.read_text(), re.M)
}
NEVER_TRAINED = {"answer", "report_red_flag", "too_long", "no_words"}
"""Set by button payloads (answer) or by bot.nlu.components, never by the classifier."""


@pytest.fixture(scope="module")
def registered_actions() -> set:
    executor = ActionExecutor()
    executor.register_package("actions")
    return set(executor.actions)


def test_every_response_is_used_by_a_rule_form_or_action():
    forms_ask = {f"utter_ask_{slot}" for form in DOMAIN["forms"].values() for slot in form["required_slots"]}
    unused = [
        name for name in DOMAIN["responses"]
        if name not in DIALOGUE and f'"{name}"' not in ACTION_SOURCE and name not in forms_ask
        and name != "utter_default"  # Rasa's own action_default_fallback utters it
    ]
    assert unused == []


def test_every_response_an_action_utters_exists():
    uttered = set(re.findall(r'response="(utter_\w+)"', ACTION_SOURCE)) | set(re.findall(r'"(utter_\w+)"', ACTION_SOURCE))
    assert uttered - set(DOMAIN["responses"]) == set()


def test_domain_actions_and_action_server_agree(registered_actions):
    names = {a if isinstance(a, str) else next(iter(a)) for a in DOMAIN["actions"]}  # `- name: {send_domain: ...}`
    custom = {a for a in names if not a.startswith("utter_")}
    assert custom - registered_actions == set(), "listed in domain.yml but not served"
    assert registered_actions - custom == set(), "served but not listed in domain.yml"


def test_the_interview_keeps_its_state_in_declared_slots():
    assert set(SLOTS.values()) <= set(DOMAIN["slots"])


def test_no_triage_question_lives_in_rasa_files():
    """One source for every question: model.yml. Adding one needs no edit in domain, actions or data."""
    rasa_files = yaml.safe_dump(DOMAIN) + DIALOGUE + ACTION_SOURCE
    for spec in MODEL.questions:
        assert spec.text.en not in rasa_files and spec.text.es not in rasa_files, spec.id
        for item in spec.items:
            assert item.key not in DOMAIN["slots"], item.key
    for key in MODEL.keys:
        assert key not in DOMAIN["slots"] and f"action_ask_{key}" not in DOMAIN["actions"], key


def test_every_trained_intent_is_in_the_domain_and_vice_versa():
    assert NLU_INTENTS - set(DOMAIN["intents"]) == set()
    assert set(DOMAIN["intents"]) - NLU_INTENTS == NEVER_TRAINED


def test_every_intent_has_a_rule():
    missing = [i for i in DOMAIN["intents"] if f"intent: {i}\n" not in DIALOGUE]
    assert missing == []


def test_the_dialogue_is_rules_only():
    config = yaml.safe_load((ROOT / "config.yml").read_text())
    assert [policy["name"] for policy in config["policies"]] == ["bot.rule_policy.RecentStatesRulePolicy"]
    assert not (ROOT / "data" / "stories.yml").exists()
