"""The domain, the training data, the rules and the action server agree with each other.

`rasa data validate` cannot know which responses the custom actions utter, so it
warns about them; this test checks those links itself, and fails on real gaps.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from rasa_sdk.executor import ActionExecutor

from bot.triage import MODEL, QUESTIONS

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text())
DIALOGUE = (ROOT / "data" / "rules.yml").read_text() + (ROOT / "data" / "stories.yml").read_text()
ACTION_SOURCE = "\n".join(p.read_text() for p in (ROOT / "actions").glob("*.py"))
NLU_INTENTS = {
    m.group(1) for p in (ROOT / "data" / "nlu").glob("*.yml")
    for m in re.finditer(r"^- intent: (\w+)", p.read_text(), re.M)
}


@pytest.fixture(scope="module")
def registered_actions() -> set:
    executor = ActionExecutor()
    executor.register_package("actions")
    return set(executor.actions)


def test_every_response_is_used_by_a_rule_story_form_or_action():
    forms_ask = {f"utter_ask_{slot}" for form in DOMAIN["forms"].values() for slot in form["required_slots"]}
    unused = [
        name for name in DOMAIN["responses"]
        if name not in DIALOGUE and f'"{name}"' not in ACTION_SOURCE and name not in forms_ask
        and name not in ("utter_default", "utter_ask_rephrase")  # Rasa's own fallback actions utter these
    ]
    assert unused == []


def test_every_response_an_action_utters_exists():
    uttered = set(re.findall(r'response="(utter_\w+)"', ACTION_SOURCE))
    assert uttered - set(DOMAIN["responses"]) == set()


def test_domain_actions_and_action_server_agree(registered_actions):
    custom = {a for a in DOMAIN["actions"] if not a.startswith("utter_")}
    assert custom - registered_actions == set(), "listed in domain.yml but not served"
    assert registered_actions - custom == set(), "served but not listed in domain.yml"


def test_every_triage_answer_has_a_slot_and_a_question():
    for key in MODEL.gates:  # every key the interview asks
        assert key in DOMAIN["slots"], key
    for key in QUESTIONS:  # every key asked on its own
        assert f"action_ask_{key}" in DOMAIN["actions"], key
    retired = [key for key, spec in MODEL.keys.items() if spec.retired]
    assert not set(retired) & set(DOMAIN["slots"]), "retired keys have no slot"


def test_every_trained_intent_is_in_the_domain_and_vice_versa():
    assert NLU_INTENTS - set(DOMAIN["intents"]) == set()
    assert set(DOMAIN["intents"]) - NLU_INTENTS == {"report_red_flag"}  # set only by the NLU component


def test_every_intent_has_a_rule_or_story():
    answers_only = {"skip"}  # read by the form validation actions as "not sure"
    answers_only.add("restart")  # Rasa's built-in rule runs action_restart (ours: actions/privacy.py)
    missing = [i for i in DOMAIN["intents"] if f"intent: {i}\n" not in DIALOGUE and i not in answers_only]
    assert missing == []


def test_every_intent_has_words_for_the_fallback_question():
    from actions.fallback import MEANINGS

    assert set(DOMAIN["intents"]) - {"report_red_flag"} <= set(MEANINGS)
