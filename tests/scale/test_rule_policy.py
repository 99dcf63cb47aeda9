"""The policy computing only recent states (bot/rule_policy.py) predicts exactly what Rasa's RulePolicy
predicts, before every action of real conversations, long ones included.

The conversations run on the real Rasa and action servers (whose model uses this policy); the
policy is then loaded from the same model archive as the Rasa server loads it, and asked again at
every action, with only recent states and with all of them.
"""
from __future__ import annotations

from typing import Any, Dict, List, Tuple

import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rule_policy import RecentStatesRulePolicy, last_states
from bot.training import train
from tests.e2e.simulated import converse, load_patients

LONG_CONVERSATION = ["hi"] * 24 + ["my right knee hurts when I run", "yes", "book a gait analysis", "why do you ask",
                     "start over", "hi"]


@pytest.fixture(scope="module")
def policy_and_domain(tmp_path_factory: pytest.TempPathFactory) -> Tuple[RecentStatesRulePolicy, Domain]:
    storage_dir = tmp_path_factory.mktemp("model-storage")
    storage, metadata = LocalModelStorage.from_model_archive(storage_dir, train())
    node = next(node for node in metadata.predict_schema.nodes.values() if node.uses is RecentStatesRulePolicy)
    config = {**RecentStatesRulePolicy.get_default_config(), **node.config}
    context = ExecutionContext(metadata.predict_schema, metadata.model_id)
    return RecentStatesRulePolicy.load(config, storage, node.resource, context), metadata.domain


@pytest.fixture(scope="module")
def conversations(rasa_stack) -> List[Tuple[str, List[Dict[str, Any]]]]:
    """The stored events of every simulated patient's conversation, and of one long one."""
    recorded = []
    for index, script in enumerate(p for p in load_patients() if not p.known_gap):
        sender = f"rule-policy-{index}"
        converse(rasa_stack, script, sender)
        recorded.append((sender, rasa_stack.tracker(sender)["events"]))
    for text in LONG_CONVERSATION:
        rasa_stack.say("rule-policy-long", text)
    recorded.append(("rule-policy-long", rasa_stack.tracker("rule-policy-long")["events"]))
    return recorded


def before_each_action(sender: str, events: List[Dict[str, Any]], domain: Domain):
    """(tracker before the action, the action's event) for each action after the first."""
    for index, event in enumerate(events):
        if event["event"] == "action" and index:
            yield DialogueStateTracker.from_dict(sender, events[:index], domain.slots), event


def comparable(prediction: Any) -> tuple:
    return (prediction.probabilities, [e.as_dict() for e in prediction.events], prediction.hide_rule_turn,
            prediction.is_end_to_end_prediction, prediction.is_no_user_prediction, prediction.policy_name)


def test_the_loaded_policy_needs_only_as_many_states_as_its_longest_rule(policy_and_domain):
    policy, _ = policy_and_domain
    longest = max(len(policy._rule_key_to_state(key)) for key in policy.lookup["rules"])
    assert policy.states_needed >= longest and 1 < policy.states_needed < 20


def test_every_prediction_is_rulepolicys(policy_and_domain, conversations):
    policy, domain = policy_and_domain
    needed = policy.states_needed
    predictions = truncated = taken = 0
    try:
        for sender, events in conversations:
            for tracker, action in before_each_action(sender, events, domain):
                policy.states_needed = needed
                recent = comparable(policy.predict_action_probabilities(tracker, domain))
                policy.states_needed = None  # RulePolicy's own: every state
                assert recent == comparable(policy.predict_action_probabilities(tracker, domain)), (sender, action)
                predictions += 1
                truncated += len(tracker.past_states(domain)) > needed
                if action.get("policy") == type(policy).__name__:  # the served model chose it: same again
                    chosen = recent[0].index(max(recent[0]))
                    assert domain.action_names_or_texts[chosen] == action["name"], (sender, action)
                    taken += 1
    finally:
        policy.states_needed = needed
    assert predictions > 200 and truncated > 100 and taken > 100, (predictions, truncated, taken)


def test_recent_states_are_the_end_of_all_states(policy_and_domain, conversations):
    _, domain = policy_and_domain
    sender, events = conversations[-1]
    for tracker, _ in list(before_each_action(sender, events, domain))[::7]:
        every = tracker.past_states(domain)
        for count in (1, 2, 5, len(every) - 1, len(every), len(every) + 3):
            if count > 0:
                assert last_states(tracker, domain, count) == every[-count:], count
