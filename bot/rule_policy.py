"""Rasa's RulePolicy, computing only the past states its rules can look at.

To predict, RulePolicy turns the whole conversation into states, one per action (each
replaying the events and reading every slot), and then matches its rules against the
end of that list. A rule of n states never looks further back than n states: Rasa's own
matching (``RulePolicy._is_rule_applicable``) accepts every state beyond a rule's length.
So the states before the last n, n being the longest rule's, change no match, yet they
are computed once or twice per action; at turn 40 of one conversation, a fifth of the turn.

This policy, once loaded for prediction, computes only the last n states (the events are
still all replayed, as the slots need them). Training is Rasa's own, on all states, so the
rules, the contradiction checks and the persisted model are unchanged.

One visible difference: when no rule applies, Rasa names the prediction's source by the
states it matched; this policy's name covers the last n states instead of all of them.
Rasa uses that name only to ask whether a turn came from a rule that is not in any story,
which an unmatched turn never is (tests/scale/test_rule_policy.py compares every
prediction of real conversations with RulePolicy's).
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.core.featurizers.tracker_featurizers import MaxHistoryTrackerFeaturizer
from rasa.core.policies.rule_policy import RULES, RULES_FOR_LOOP_UNHAPPY_PATH, RulePolicy
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.domain import Domain, State
from rasa.shared.core.events import ActionExecuted
from rasa.shared.core.trackers import DialogueStateTracker


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True
)
class RecentStatesRulePolicy(RulePolicy):
    """RulePolicy whose predictions compute only as many past states as its longest rule has."""

    states_needed: Optional[int] = None  # None: all states, as RulePolicy (while training)

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "RecentStatesRulePolicy":
        """Load the trained rules, then find how far back the longest of them looks."""
        policy = super().load(config, model_storage, resource, execution_context, **kwargs)
        featurizer = policy.featurizer
        if isinstance(featurizer, MaxHistoryTrackerFeaturizer) and featurizer.max_history is None:
            policy.states_needed = longest_rule(policy.lookup)
        return policy

    def _prediction_states(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        use_text_for_last_user_input: bool = False,
        rule_only_data: Optional[Dict[Text, Any]] = None,
    ) -> List[State]:
        """The last states, as the featurizer's ``prediction_states`` gives them to RulePolicy."""
        if self.states_needed is None:
            return super()._prediction_states(tracker, domain, use_text_for_last_user_input, rule_only_data)
        states = last_states(tracker, domain, self.states_needed)
        # what MaxHistoryTrackerFeaturizer.prediction_states does after computing the states
        self.featurizer._choose_last_user_input([states], use_text_for_last_user_input)
        return states


def longest_rule(lookup: Dict[Text, Any]) -> int:
    """The number of states of the longest rule, unhappy-path rules of forms included (at least 1)."""
    keys = list(lookup.get(RULES, {})) + list(lookup.get(RULES_FOR_LOOP_UNHAPPY_PATH, {}))
    return max([len(RulePolicy._rule_key_to_state(key)) for key in keys], default=1)


def last_states(tracker: DialogueStateTracker, domain: Domain, count: int) -> List[State]:
    """``domain.states_for_tracker_history(tracker)[-count:]`` (count >= 1), computing only those states.

    As Rasa's: replay the applied events on an empty copy of the tracker, take a state before
    each action and one at the end (RulePolicy hides no rule-only turns and omits no unset slot).
    """
    events = tracker.applied_events()
    taken_at = [index for index, event in enumerate(events) if isinstance(event, ActionExecuted)]
    wanted = set(taken_at[max(0, len(taken_at) + 1 - count):])  # + 1: the state at the end
    replay = tracker.init_copy()
    states: List[State] = []
    for index, event in enumerate(events):
        if index in wanted:
            states.append(domain._clean_state(domain.get_active_state(replay)))
        replay.update(event)
    states.append(domain._clean_state(domain.get_active_state(replay)))
    return states
