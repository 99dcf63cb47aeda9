"""Attacks on the website chat's socket.io channel through the real Rasa server: joining a
session whose id was learned, forged and unsigned tokens, a session ended by "delete my
data", and a flood. Each asserts the refusal and that the victim's tracker is untouched."""
from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest

from bot.conversation.message import answer_text
from bot.conversation.state import CONSENT
from bot.security.rate_limit import POLITE_TEXT
from tests.conftest import TEST_MESSAGES_PER_MINUTE
from tests.security.conftest import WidgetClient, saved_user_messages, session_sender, stored_events, user_messages

pytestmark = pytest.mark.e2e


async def victim_session(stack: Any) -> str:
    """A patient's session with one message in it, saved (the reply goes out before the save); its token."""
    async with WidgetClient(stack) as victim:
        token = await victim.open(None)
        await victim.say("hi")
        await victim.wait_for_bot(1)
    assert await saved_user_messages(stack, session_sender(token), 1, 30) >= 1, "the victim's first turn was never saved"
    return token


def test_a_learned_session_id_forged_or_unsigned_cannot_join_the_conversation(rasa_stack: Any) -> None:
    async def attack() -> None:
        token = await victim_session(rasa_stack)
        victim = session_sender(token)
        session_id, signature = token.split(".")
        before = stored_events(rasa_stack, victim)
        forged = [session_id, f"{session_id}.{'0' * 64}", f"{session_id}.{signature[:-1]}x", victim,
                  f"{uuid.uuid4().hex}.{signature}"]
        async with WidgetClient(rasa_stack) as attacker:
            for attempt in forged:
                given = await attacker.open(attempt)
                assert session_sender(given) != victim, attempt
                await attacker.say("/forget_me", token=attempt)  # as if joined
                await attacker.say("/forget_me", token=token)  # the real token, from a socket that did not join
            await asyncio.sleep(2)
            assert not [m for m in attacker.bot if "delete" in (m.get("text") or "").lower()]
        assert stored_events(rasa_stack, victim) == before

    asyncio.run(attack())


def test_the_real_token_rejoins_its_own_session(rasa_stack: Any) -> None:
    async def rejoin() -> None:
        token = await victim_session(rasa_stack)
        async with WidgetClient(rasa_stack) as later:
            assert await later.open(token) == token
            await later.say("thanks")
            await later.wait_for_bot(1)
        assert await saved_user_messages(rasa_stack, session_sender(token), 2, 10) == 2

    asyncio.run(rejoin())


def test_after_delete_my_data_the_old_session_is_refused(rasa_stack: Any) -> None:
    async def forget() -> None:
        async with WidgetClient(rasa_stack) as patient:
            token = await patient.open(None)
            await patient.say("hi")
            await patient.wait_for_bot(1)
            await patient.say(answer_text(CONSENT, value=True))
            await patient.wait_for_bot(2)
            await patient.say("please delete my data")
            asked = len(patient.bot)
            await patient.wait_for_bot(asked + 1)
            await patient.say("/affirm")
            await patient.wait_for_bot(len(patient.bot) + 1)
            deadline = asyncio.get_running_loop().time() + 30
            while not any((m.get("custom") or {}).get("session_ended") for m in patient.bot):
                assert asyncio.get_running_loop().time() < deadline, patient.bot
                await asyncio.sleep(0.1)
        assert "user" not in stored_events(rasa_stack, session_sender(token))
        async with WidgetClient(rasa_stack) as next_visitor:
            given = await next_visitor.open(token)
            assert given != token
            await next_visitor.say("hello again", token=token)
            await asyncio.sleep(1)
        assert "user" not in stored_events(rasa_stack, session_sender(token))

    asyncio.run(forget())


def test_a_socket_flood_gets_one_polite_message_and_nothing_beyond_the_limit(rasa_stack: Any) -> None:
    async def flood() -> None:
        async with WidgetClient(rasa_stack) as flooder:
            token = await flooder.open(None)
            for burst in range(0, TEST_MESSAGES_PER_MINUTE + 5, 8):  # engine.io takes at most 16 packets a poll
                await asyncio.gather(*(flooder.say("hi") for _ in range(burst, min(burst + 8, TEST_MESSAGES_PER_MINUTE + 5))))
                await asyncio.sleep(0.2)
            stored = await saved_user_messages(rasa_stack, session_sender(token), TEST_MESSAGES_PER_MINUTE, 240)
            assert stored >= TEST_MESSAGES_PER_MINUTE
            await asyncio.sleep(1)
            polite = [m for m in flooder.bot if m.get("text") == POLITE_TEXT]
        assert len(polite) == 1
        assert user_messages(rasa_stack, session_sender(token)) == TEST_MESSAGES_PER_MINUTE

    asyncio.run(flood())


def test_messages_sent_back_to_back_reach_the_assistant_in_the_order_sent(rasa_stack: Any) -> None:
    """Each socket.io message runs in its own task and the session check awaits a thread: the
    channel keeps a socket's messages in order (the consent answer before "delete my data")."""
    from tests.support import rasa_rest

    texts = ["hi", answer_text(CONSENT, value=True), "my knee hurts", "for 3 months", "when I run"]

    async def burst() -> str:
        async with WidgetClient(rasa_stack) as patient:
            token = await patient.open(None)
            for text in texts:
                await patient.say(text)
            await saved_user_messages(rasa_stack, session_sender(token), len(texts), 60)
            return token

    token = asyncio.run(burst())
    tracker = rasa_rest.tracker(rasa_stack.rasa_url, rasa_stack.token, session_sender(token))
    assert [e["text"] for e in tracker["events"] if e["event"] == "user"] == texts
