"""What Rasa sends the action server (bot/action_calls.py): the current turn, and the domain
only to the actions that read it."""
from __future__ import annotations

import inspect

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from rasa.core.actions.action import RemoteAction
from rasa.core.utils import AvailableEndpoints
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa_sdk import Action
from rasa_sdk.forms import FormValidationAction

import actions
from bot import action_calls
from bot.launcher import render_endpoints
from bot.paths import REPO_ROOT

DOMAIN = Domain.load(str(REPO_ROOT / "domain.yml"))


@pytest.fixture(scope="module")
def action_endpoint(tmp_path_factory):
    action_calls.install()
    path = render_endpoints({"ACTION_PORT": "5055"}, tmp_path_factory.mktemp("endpoints") / "endpoints.yml")
    return AvailableEndpoints.read_endpoints(str(path)).action


def served_action_classes():
    import importlib
    import pkgutil

    for module_info in pkgutil.iter_modules(actions.__path__):
        module = importlib.import_module(f"actions.{module_info.name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Action) and not inspect.isabstract(cls) and cls.__module__ == module.__name__:
                yield cls


def conversation(turns: int) -> DialogueStateTracker:
    tracker = DialogueStateTracker.from_events("p1", [ActionExecuted("action_session_start"), ActionExecuted("action_listen")])
    for turn in range(turns):
        tracker.update(UserUttered(f"message {turn}", {"name": "greet", "confidence": 1.0}, input_channel="rest"))
        tracker.update(ActionExecuted("action_interview"))
        tracker.update(SlotSet("language", "en"))
        tracker.update(BotUttered(f"reply {turn}"))
        tracker.update(ActionExecuted("action_listen"))
    tracker.update(UserUttered("the last one", {"name": "greet", "confidence": 1.0}, input_channel="socketio"))
    tracker.update(SlotSet("requested_slot", "booking_phone"))
    return tracker


def test_the_rendered_endpoints_switch_on_rasas_selective_domain(action_endpoint):
    assert action_endpoint.kwargs.get("enable_selective_domain") is True


def test_the_domain_goes_to_exactly_the_actions_that_read_it(action_endpoint):
    """Form validators read the form's required slots from the domain; no other action reads it."""
    tracker = conversation(2)
    classes = list(served_action_classes())
    assert len(classes) >= 10
    for cls in classes:
        name = cls().name()
        body = RemoteAction(name, action_endpoint)._action_call_format(tracker, DOMAIN)
        assert ("domain" in body) == issubclass(cls, FormValidationAction), name


def test_only_the_current_turns_events_are_sent_whatever_the_conversation_length(action_endpoint):
    short, long = conversation(2), conversation(40)
    bodies = [RemoteAction("action_interview", action_endpoint)._action_call_format(t, DOMAIN) for t in (short, long)]
    untimed = [[{k: v for k, v in e.items() if k != "timestamp"} for e in b["tracker"]["events"]] for b in bodies]
    assert untimed[0] == untimed[1]
    events = bodies[1]["tracker"]["events"]
    assert [e["event"] for e in events] == ["user", "slot"] and events[0]["text"] == "the last one"
    state = bodies[1]["tracker"]
    assert state["slots"]["language"] == "en" and state["latest_message"]["text"] == "the last one"
    assert state["latest_input_channel"] == "socketio"


def test_what_our_actions_read_of_the_events_is_unchanged(action_endpoint):
    """The SDK's tracker answers the same from the trimmed events as from all of them."""
    from rasa_sdk import Tracker

    tracker = conversation(5)
    trimmed = Tracker.from_dict(RemoteAction("x", action_endpoint)._action_call_format(tracker, DOMAIN)["tracker"])
    full = Tracker.from_dict(tracker.current_state(action_calls.EventVerbosity.ALL))
    assert trimmed.get_latest_input_channel() == full.get_latest_input_channel() == "socketio"
    assert trimmed.slots_to_validate() == full.slots_to_validate() == {"requested_slot": "booking_phone"}
    assert trimmed.latest_message == full.latest_message
    assert trimmed.slots == full.slots


def test_a_conversation_without_a_user_message_sends_what_there_is(action_endpoint):
    tracker = DialogueStateTracker.from_events("p2", [ActionExecuted("action_session_start")])
    body = RemoteAction("action_interview", action_endpoint)._action_call_format(tracker, DOMAIN)
    assert [e["event"] for e in body["tracker"]["events"]] == ["action"]


VALID_ANSWERS = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "language", "value": "es", "timestamp": None}],
     "responses": [{"text": "Hola", "buttons": []}]},
    {"events": [{"event": "followup", "name": "action_listen"}, {"event": "active_loop", "name": None}]},
]
INVALID_ANSWERS = [
    {"events": "not a list"},
    {"events": [{"event": "slot"}]},  # a slot event without its name
    {"events": [{"event": "no_such_event"}]},
    {"responses": "nope"},
    [],
]


@pytest.mark.parametrize("answer", VALID_ANSWERS + INVALID_ANSWERS)
def test_the_kept_validator_judges_as_rasas_own_check(answer, action_endpoint):
    """Rasa's check (jsonschema.validate, the schema re-checked every call) and ours agree on every answer."""
    import jsonschema

    action = RemoteAction("action_interview", action_endpoint)
    try:
        jsonschema.validate(answer, RemoteAction.action_response_format_spec())
        expected = None
    except jsonschema.ValidationError as error:
        expected = error.message
    if expected is None:
        assert action._validate_action_result(answer) is True
    else:
        with pytest.raises(jsonschema.ValidationError) as raised:
            action._validate_action_result(answer)
        assert raised.value.message.startswith(expected) and "custom-actions" in raised.value.message
    assert (expected is None) == (answer in VALID_ANSWERS)


JSON_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.floats(allow_nan=False), st.text(max_size=8))
EVENT_FIELDS = st.fixed_dictionaries(
    {"event": st.sampled_from(["slot", "action", "bot", "user", "followup", "active_loop", "reset_slots",
                               "restart", "pause", "resume", "reminder", "nonsense", "", 7])},
    optional={"name": st.one_of(st.text(max_size=8), st.none(), st.integers()), "value": JSON_SCALARS,
              "timestamp": JSON_SCALARS, "text": JSON_SCALARS, "intent": st.text(max_size=5)},
)
ANSWERS = st.one_of(
    st.fixed_dictionaries({}, optional={"events": st.one_of(st.lists(EVENT_FIELDS, max_size=4), JSON_SCALARS),
                                        "responses": st.one_of(st.lists(st.dictionaries(st.text(max_size=5),
                                                                                        JSON_SCALARS, max_size=3),
                                                                        max_size=3), JSON_SCALARS)}),
    JSON_SCALARS,
)


@given(ANSWERS)
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_for_any_answer_the_kept_validator_agrees_with_rasas_check(action_endpoint, answer):
    import jsonschema

    try:
        jsonschema.validate(answer, RemoteAction.action_response_format_spec())
        valid = True
    except jsonschema.ValidationError:
        valid = False
    try:
        ours = RemoteAction("action_interview", action_endpoint)._validate_action_result(answer)
    except jsonschema.ValidationError:
        ours = False
    assert ours == valid
