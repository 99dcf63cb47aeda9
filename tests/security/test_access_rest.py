"""Attacks on the REST channel (bot/channels/rest.py) through the real Rasa server.

Each case asserts the refusal and that the tracker store holds nothing for the
sender the attacker used (or, for the flood, nothing beyond the limit)."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, Optional

import pytest
import requests

from bot.security.senders import telegram_sender, widget_sender
from tests.conftest import TEST_MESSAGES_PER_MINUTE
from tests.security.conftest import new_sender, stored_events, user_messages
from tests.support.rasa_rest import post_message

pytestmark = pytest.mark.e2e


def rest(stack: Any, body: Any, token: Optional[str] = None, query_token: Optional[str] = None,
         data: Optional[bytes] = None) -> requests.Response:
    headers: Dict[str, str] = {"Authorization": f"Bearer {token}"} if token else {}
    params = {"token": query_token} if query_token else None
    if data is not None:
        return requests.post(f"{stack.rasa_url}/webhooks/rest/webhook", data=data, params=params,
                             headers={**headers, "Content-Type": "application/json"}, timeout=30)
    return requests.post(f"{stack.rasa_url}/webhooks/rest/webhook", json=body, params=params, headers=headers,
                         timeout=30)


def test_the_token_as_bearer_or_query_is_accepted(rasa_stack: Any) -> None:
    by_header, by_query = new_sender(), new_sender()

    assert rest(rasa_stack, {"sender": by_header, "message": "hi"}, token=rasa_stack.token).status_code == 200
    assert rest(rasa_stack, {"sender": by_query, "message": "hi"}, query_token=rasa_stack.token).status_code == 200
    assert user_messages(rasa_stack, by_header) == user_messages(rasa_stack, by_query) == 1


@pytest.mark.parametrize("token, query_token", [(None, None), ("wrong-token", None), (None, "wrong-token"), ("", "")])
def test_a_missing_or_wrong_token_is_refused(rasa_stack: Any, token: Optional[str], query_token: Optional[str]) -> None:
    sender = new_sender()

    reply = rest(rasa_stack, {"sender": sender, "message": "hi"}, token=token, query_token=query_token)

    assert reply.status_code == 401
    assert reply.json()["error"] == "unauthorized"
    assert stored_events(rasa_stack, sender) == []


@pytest.mark.parametrize("body", [{"message": "hi"}, {"sender": "", "message": "hi"}, {"sender": "  ", "message": "hi"},
                                  {"sender": 42, "message": "hi"}, ["not", "an", "object"]])
def test_a_missing_sender_is_refused_and_no_shared_default_conversation_appears(rasa_stack: Any, body: Any) -> None:
    reply = rest(rasa_stack, body, token=rasa_stack.token)

    assert reply.status_code == 400
    assert "sender" in reply.json()["message"]
    assert stored_events(rasa_stack, "default") == []


def test_a_body_that_is_not_json_is_refused_politely(rasa_stack: Any) -> None:
    reply = rest(rasa_stack, None, token=rasa_stack.token, data=b'{"sender": "x", "message": ')

    assert (reply.status_code, reply.json()["error"]) == (400, "bad_request")
    assert stored_events(rasa_stack, "x") == []


def test_posting_as_a_telegram_or_website_patient_is_forbidden(rasa_stack: Any) -> None:
    telegram_patient = telegram_sender(5_123_456)
    rasa_stack.say(new_sender(), "hi")  # the server is up and answering
    victims = [telegram_patient, widget_sender("0" * 32), "TG:5123456", "Web:abc"]

    replies = [rest(rasa_stack, {"sender": victim, "message": "/forget_me"}, token=rasa_stack.token)
               for victim in victims]

    assert [reply.status_code for reply in replies] == [403] * len(victims)
    assert all(reply.json()["error"] == "reserved_sender" for reply in replies)
    assert all(stored_events(rasa_stack, victim) == [] for victim in victims)


def test_a_rest_client_cannot_claim_another_input_channel(rasa_stack: Any) -> None:
    sender = new_sender()

    reply = rest(rasa_stack, {"sender": sender, "message": "hi", "input_channel": "telegram"}, token=rasa_stack.token)

    assert reply.status_code == 200
    assert rasa_stack.tracker(sender)["latest_input_channel"] == "rest"


def test_an_oversize_body_is_refused_before_it_is_read(rasa_stack: Any) -> None:
    sender = new_sender()
    body = ('{"sender": "%s", "message": "%s"}' % (sender, "x" * 100_000)).encode()

    reply = rest(rasa_stack, None, token=rasa_stack.token, data=body)

    assert reply.status_code == 413
    assert stored_events(rasa_stack, sender) == []


def test_a_flood_from_one_sender_is_answered_429_and_nothing_beyond_the_limit_is_stored(rasa_stack: Any) -> None:
    sender, bystander = new_sender("flood"), new_sender()

    def send(_: int) -> int:  # a few at a time: well within the minute, and counted on arrival
        return post_message(rasa_stack.rasa_url, rasa_stack.token, sender, "hi", timeout=300).status_code

    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = list(pool.map(send, range(TEST_MESSAGES_PER_MINUTE + 5)))
    refused = post_message(rasa_stack.rasa_url, rasa_stack.token, sender, "hi")

    assert sorted(statuses) == [200] * TEST_MESSAGES_PER_MINUTE + [429] * 5
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert refused.json()["error"] == "rate_limited"
    assert user_messages(rasa_stack, sender) == TEST_MESSAGES_PER_MINUTE
    assert rasa_stack.say(bystander, "hi")  # other senders are not affected
