"""The fixed socket.io channel over real sockets: replies arrive, strangers are refused.

Each test talks to scripted_rasa.py (a Sanic server loading the channel from a
credentials file, as `rasa run` does) with python-socketio's client. That client
uses long-polling: its WebSocket transport needs aiohttp 3.10, and Rasa pins <3.10.
The browser tests cover the WebSocket transport the widget uses.
"""

from __future__ import annotations

import asyncio
import copy
import time
import urllib.error
import urllib.request
import uuid
from typing import Any, Dict, Iterator, List, Optional

import aiohttp
import pytest
import socketio
from hypothesis import given
from hypothesis import strategies as st
from rasa.core.channels.socketio import SocketIOOutput as RasaSocketIOOutput

from bot.channels.socketio import RecentMessageIds, SocketIOOutput, quick_reply, widget_origins
from bot.security.widget_sessions import TOKEN_PATTERN
from scripted_rasa import CHECKLIST_ID, CHECKLIST_ITEMS, CHECKLIST_LEGEND, checklist_message
from widget_servers import (
    FIXED_CHANNEL,
    RASA_CHANNEL,
    ServerProcess,
    free_port,
    received_by_bot,
    start_scripted_rasa,
    write_credentials,
)

PAGE_ORIGIN = "http://127.0.0.1:8999"
FOREIGN_ORIGIN = "http://evil.example"


BEHIND_RASA_CORS = "fixed channel under rasa run --cors"


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dict[str, ServerProcess]]:
    """Scripted servers with the fixed channel, with Rasa's own, and with the fixed one
    under Sanic-CORS as `rasa run --cors` sets it up; all with session persistence."""
    folder = tmp_path_factory.mktemp("channels")
    setups = {
        FIXED_CHANNEL: (FIXED_CHANNEL, None),
        RASA_CHANNEL: (RASA_CHANNEL, None),
        BEHIND_RASA_CORS: (FIXED_CHANNEL, PAGE_ORIGIN),
    }
    started: Dict[str, ServerProcess] = {}
    try:
        for name, (channel, cors) in setups.items():
            credentials = write_credentials(folder / f"{channel}.yml", channel)
            started[name] = start_scripted_rasa(free_port(), credentials, PAGE_ORIGIN, cors)
        yield started
    finally:
        for server in started.values():
            server.stop()


class Conversation:
    """A python-socketio client that speaks like the widget."""

    def __init__(self, url: str, origin: str = PAGE_ORIGIN) -> None:
        self.url, self.origin = url, origin
        self.client = socketio.AsyncClient(reconnection=False)
        self.replies: "asyncio.Queue[Dict[str, Any]]" = asyncio.Queue()
        self.confirmed: "asyncio.Future[str]" = asyncio.get_running_loop().create_future()
        self.client.on("bot_uttered", self.replies.put_nowait)
        self.client.on("session_confirm", self._confirm)

    def _confirm(self, confirmed: Any) -> None:
        """Rasa's channel confirms with the id; ours with {session_id, history_hours}."""
        if not self.confirmed.done():
            self.confirmed.set_result(confirmed if isinstance(confirmed, str) else confirmed["session_id"])

    async def open(self, session_id: Optional[str]) -> str:
        await self.client.connect(
            self.url, headers={"Origin": self.origin}, transports=["polling"], wait_timeout=5
        )
        await self.client.emit("session_request", {"session_id": session_id})
        return await asyncio.wait_for(self.confirmed, 5)

    async def say(self, text: str, session_id: str, message_id: Optional[str] = None) -> None:
        metadata = {"message_id": message_id} if message_id else {}
        await self.client.call(
            "user_uttered", {"message": text, "session_id": session_id, "metadata": metadata}, timeout=10
        )

    async def replies_within(self, seconds: float) -> List[Dict[str, Any]]:
        await asyncio.sleep(seconds)
        found = []
        while not self.replies.empty():
            found.append(self.replies.get_nowait())
        return found

    async def close(self) -> None:
        """Leave without waiting for the pending long-poll, which can take 25 s to return."""
        await self.client.eio.disconnect(abort=True)


async def greet_and_collect(url: str) -> List[Dict[str, Any]]:
    conversation = Conversation(url)
    session_id = await conversation.open(None)
    await conversation.say("/greet", session_id)
    replies = await conversation.replies_within(0.5)
    await conversation.close()
    return replies


def test_replies_reach_a_persistent_session(servers: Dict[str, ServerProcess]) -> None:
    """The regression test for rasa #13027: with session_persistence the bot's answer arrives."""
    replies = asyncio.run(greet_and_collect(servers[FIXED_CHANNEL].url))
    assert [reply["text"] for reply in replies] == [
        "Hi, I'm the clinic's virtual assistant. I'm not a doctor.",
        "Shall we begin?",
    ]
    assert [button["payload"] for button in replies[1]["quick_replies"]] == ["/affirm", "/deny"]


def test_a_checklist_arrives_as_one_event_with_text_buttons_and_block(
    servers: Dict[str, ServerProcess],
) -> None:
    """Rasa would emit the text+buttons and the custom block separately (and fail on the block)."""

    async def scenario() -> List[Dict[str, Any]]:
        conversation = Conversation(servers[FIXED_CHANNEL].url)
        session_id = await conversation.open(None)
        await conversation.say("/checklist", session_id)
        replies = await conversation.replies_within(0.5)
        await conversation.close()
        return replies

    sent = checklist_message(CHECKLIST_ID, CHECKLIST_LEGEND, CHECKLIST_ITEMS)
    replies = asyncio.run(scenario())
    assert replies == [
        {
            "text": sent["text"],  # whole, not split at blank lines
            "quick_replies": [
                {"content_type": "text", "title": "None of these", "payload": '/answer{"q":"red_flags","none":true}'},
                {"content_type": "text", "title": "Not sure", "payload": '/answer{"q":"red_flags","unsure":true}'},
            ],
            "custom": sent["custom"],
        }
    ]
    assert [item["key"] for item in replies[0]["custom"]["checklist"]["items"]] == [
        "rf_bladder_bowel", "rf_numb_saddle", "rf_fever",
    ]


def test_rasas_own_channel_loses_them_so_the_test_above_can_fail(
    servers: Dict[str, ServerProcess],
) -> None:
    """Rasa 3.6's channel never joins the room. If this starts failing, the bug is fixed upstream."""
    server = servers[RASA_CHANNEL]
    before = len(received_by_bot(server))
    assert asyncio.run(greet_and_collect(server.url)) == []
    assert len(received_by_bot(server)) == before + 1  # the bot did answer; the answer went nowhere


def test_a_session_survives_a_new_socket(servers: Dict[str, ServerProcess]) -> None:
    async def scenario() -> List[Dict[str, Any]]:
        url = servers[FIXED_CHANNEL].url
        first = Conversation(url)
        session_id = await first.open(None)
        await first.close()
        second = Conversation(url)
        assert await second.open(session_id) == session_id
        await second.say("still me", session_id)
        replies = await second.replies_within(0.3)
        await second.close()
        return replies

    assert [reply["text"] for reply in asyncio.run(scenario())] == ["You said: still me"]


def test_session_ids_the_server_did_not_sign_are_replaced(servers: Dict[str, ServerProcess]) -> None:
    async def confirmed_for(requested: Optional[str]) -> str:
        conversation = Conversation(servers[FIXED_CHANNEL].url)
        session_id = await conversation.open(requested)
        await conversation.close()
        return session_id

    for unsigned in ("1", "alice", "ABCDEF" * 6, uuid.uuid4().hex, f"{uuid.uuid4().hex}.{'0' * 64}"):
        confirmed = asyncio.run(confirmed_for(unsigned))
        assert confirmed != unsigned and TOKEN_PATTERN.match(confirmed)
    signed = asyncio.run(confirmed_for(None))
    assert asyncio.run(confirmed_for(signed)) == signed


def test_a_socket_cannot_write_into_another_session(servers: Dict[str, ServerProcess]) -> None:
    server = servers[FIXED_CHANNEL]

    async def scenario() -> List[Dict[str, Any]]:
        victim, intruder = Conversation(server.url), Conversation(server.url)
        victim_id = await victim.open(None)
        await intruder.open(None)
        await intruder.say("injected", victim_id)
        replies = await victim.replies_within(0.5)
        await victim.close()
        await intruder.close()
        return replies

    assert asyncio.run(scenario()) == []
    assert "injected" not in [message["text"] for message in received_by_bot(server)]


def test_a_repeated_message_id_reaches_the_bot_once(servers: Dict[str, ServerProcess]) -> None:
    server = servers[FIXED_CHANNEL]
    message_id = uuid.uuid4().hex

    async def scenario() -> List[Dict[str, Any]]:
        conversation = Conversation(server.url)
        session_id = await conversation.open(None)
        await conversation.say("only once", session_id, message_id)
        await conversation.say("only once", session_id, message_id)
        await conversation.say("only once", session_id, uuid.uuid4().hex)
        replies = await conversation.replies_within(0.3)
        await conversation.close()
        return replies

    assert [reply["text"] for reply in asyncio.run(scenario())] == ["You said: only once"] * 2
    assert [m["message_id"] for m in received_by_bot(server)].count(message_id) == 1


def polling_handshake(server: ServerProcess, origin: str) -> "tuple[int, List[str]]":
    """Status and Access-Control-Allow-Origin headers of a long-polling handshake from origin."""
    request = urllib.request.Request(
        f"{server.url}/socket.io/?EIO=4&transport=polling&t={time.time()}",
        headers={"Origin": origin},
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return answer.status, answer.headers.get_all("Access-Control-Allow-Origin") or []
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get_all("Access-Control-Allow-Origin") or []


async def websocket_handshake(server: ServerProcess, origin: str) -> int:
    """The HTTP status of a WebSocket upgrade to the socket.io endpoint from origin."""
    url = f"{server.url}/socket.io/?EIO=4&transport=websocket"
    async with aiohttp.ClientSession() as session:
        try:
            async with session.ws_connect(url, origin=origin) as socket:
                await socket.close()
                return 101
        except aiohttp.WSServerHandshakeError as error:
            return error.status


@pytest.mark.parametrize("setup", [FIXED_CHANNEL, BEHIND_RASA_CORS])
def test_only_configured_origins_may_connect(servers: Dict[str, ServerProcess], setup: str) -> None:
    server = servers[setup]
    assert polling_handshake(server, PAGE_ORIGIN) == (200, [PAGE_ORIGIN])  # exactly one header
    assert polling_handshake(server, FOREIGN_ORIGIN) == (400, [])

    assert asyncio.run(websocket_handshake(server, PAGE_ORIGIN)) == 101
    assert asyncio.run(websocket_handshake(server, FOREIGN_ORIGIN)) == 400


def test_rasas_own_channel_accepts_any_origin(servers: Dict[str, ServerProcess]) -> None:
    """Why the origin check matters: upstream lets every web site in."""
    assert polling_handshake(servers[RASA_CHANNEL], FOREIGN_ORIGIN)[0] == 200


def test_origins_come_from_env_then_credentials_then_localhost(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WIDGET_ORIGINS", raising=False)
    assert widget_origins() == ["http://localhost:8080", "http://127.0.0.1:8080"]
    assert widget_origins("https://a.example, https://b.example/") == ["https://a.example", "https://b.example"]
    monkeypatch.setenv("WIDGET_ORIGINS", "https://clinic.example https://www.clinic.example")
    assert widget_origins(["https://a.example"]) == ["https://clinic.example", "https://www.clinic.example"]


def test_recent_message_ids_forget_the_oldest_beyond_capacity() -> None:
    recent = RecentMessageIds(capacity=2)
    assert recent.first_time("s", "a") and recent.first_time("s", "b")
    assert not recent.first_time("s", "a")
    assert recent.first_time("s", "c")  # evicts "b", the least recently seen
    assert recent.first_time("s", "b")
    assert recent.first_time("other", "a")


class RecordingServer:
    """Stands in for python-socketio's AsyncServer: records each emit with emit's own signature."""

    def __init__(self) -> None:
        self.emitted: List[Dict[str, Any]] = []

    async def emit(self, event: str, data: Any = None, to: Any = None, room: Any = None, **kwargs: Any) -> None:
        self.emitted.append({"event": event, "data": data, "room": room or to})


async def emitted_by(output_class: type, message: Dict[str, Any]) -> List[Dict[str, Any]]:
    server = RecordingServer()
    await output_class(server, "bot_uttered").send_response("session", copy.deepcopy(message))
    return server.emitted


BUTTONS = st.lists(st.fixed_dictionaries({"title": st.text(min_size=1), "payload": st.text(min_size=1)}), max_size=3)
PLAIN_MESSAGES = st.fixed_dictionaries(  # BotUttered.message() always has a text
    {"text": st.text()},
    optional={
        "buttons": BUTTONS,
        "quick_replies": BUTTONS,
        "image": st.just("https://example.test/a.png"),
        "attachment": st.fixed_dictionaries({"type": st.just("file"), "payload": st.text()}),
    },
)


@given(PLAIN_MESSAGES)
def test_messages_without_a_checklist_go_out_as_rasa_sends_them(message: Dict[str, Any]) -> None:
    ours = asyncio.run(emitted_by(SocketIOOutput, message))
    assert ours == asyncio.run(emitted_by(RasaSocketIOOutput, message))


@given(st.text(), BUTTONS, st.booleans())
def test_any_checklist_message_is_one_event(text: str, buttons: List[Dict[str, str]], as_quick_replies: bool) -> None:
    checklist = {"checklist": {"q": "q1", "legend": "Any?", "items": []}}
    message = {"text": text, "quick_replies" if as_quick_replies else "buttons": buttons, "custom": checklist}
    assert asyncio.run(emitted_by(SocketIOOutput, message)) == [
        {
            "event": "bot_uttered",
            "data": {"text": text, "quick_replies": [quick_reply(b) for b in buttons], "custom": checklist},
            "room": "session",
        }
    ]
