"""Hosts the Telegram input channel (and Rasa's REST channel, for the poller) in a real
Sanic server, wired by Rasa's own ``register``.

For channel-contract tests that must not wait for a model to train: a scripted
agent stands in for Rasa's ``Agent`` (``is_ready`` and ``handle_message``, the two
things the channel and Rasa's route handler use) and answers through the
channel's real output, so every reply travels over HTTP to the fake Bot API.
End-to-end tests against the real Rasa server are in test_telegram_e2e.py.
"""
from __future__ import annotations

import asyncio
import socket
import threading
import uuid
from typing import Any, Dict, List, Optional, Tuple

import requests
from rasa.core.channels.channel import UserMessage, register
from rasa.core.channels.rest import RestInput
from sanic import Sanic
from tg_fake_api import SECRET

from bot.channels.telegram.retry import RetryPolicy
from bot.channels.telegram.settings import TelegramSettings
from bot.channels.telegram.webhook import SECRET_HEADER, TelegramInput

LONG_PAYLOAD = '/inform{"pain_location": "lower_back", "pain_side": "left", "duration_weeks": 12}'
LONG_REPLY = "\n\n".join(f"Paragraph {n}: " + ("about foot mechanics. " * 22).strip() for n in range(10))
SCRIPT: Dict[str, List[Dict[str, Any]]] = {
    "/greet": [
        {"text": "Hello! I'm not a doctor."},
        {
            "text": "May I keep your answers to assess your pain?",
            "buttons": [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}],
        },
    ],
    "/affirm": [
        {
            "text": "Where is the pain?",
            "buttons": [
                {"title": "Lower back", "payload": '/inform{"pain_location": "lower_back"}'},
                {"title": "Knee", "payload": '/inform{"pain_location": "knee"}'},
                {"title": "Left lower back, 3 months", "payload": LONG_PAYLOAD},
            ],
        }
    ],
    "tell me everything": [{"text": LONG_REPLY}],
}


def checklist_message(q: str, legend: str, items: List[Tuple[str, str, str]]) -> Dict[str, Any]:
    """A checklist question as the action server sends it (/work/briefs/contract.md)."""
    none = {"title": "None of these", "payload": f'/answer{{"q":"{q}","none":true}}'}
    unsure = {"title": "Not sure", "payload": f'/answer{{"q":"{q}","unsure":true}}'}
    numbered = "\n".join(f"{n}. {label}" for n, (_, label, _) in enumerate(items, 1))
    return {
        "text": f'{legend}\n{numbered}\nReply with the numbers that apply, e.g. "1 and 3", or "none".',
        "buttons": [none, unsure],
        "custom": {
            "checklist": {
                "q": q,
                "legend": legend,
                "items": [{"key": key, "label": label, "note": note} for key, label, note in items],
                "done": {"title": "Done"},
                "none": none,
                "unsure": unsure,
            }
        },
    }


CHECKLIST_ITEMS = [
    ("rf_fever", "A fever or chills", ""),
    ("rf_trauma", "A recent fall or injury", "you said no"),
    ("rf_cold_foot", "A cold, pale foot", ""),
]
LONG_CHECKLIST_ITEMS = [
    ("rf_bladder_bowel", "New trouble passing urine, or losing control of your bladder or bowels", ""),
    ("rf_saddle_numbness", "Numbness around your genitals, bottom or inner thighs", "you said no"),
    ("rf_cold_foot", "A cold, pale foot", ""),
]
SCRIPT["checklist"] = [checklist_message("rf_screen", "Do any of these apply?", CHECKLIST_ITEMS)]
SCRIPT["long checklist"] = [checklist_message("rf_spine", "First, to be safe: do any of these apply to you?", LONG_CHECKLIST_ITEMS)]


class ScriptedAgent:
    """Answers from SCRIPT (else "Noted."); "boom" raises, like a broken action would."""

    def __init__(self) -> None:
        self.received: List[Tuple[str, str, Optional[str]]] = []
        self.metadata: List[Optional[Dict[str, Any]]] = []
        self.ready = True

    def is_ready(self) -> bool:
        return self.ready

    async def handle_message(self, message: UserMessage) -> None:
        self.received.append((message.sender_id, message.text, message.input_channel))
        self.metadata.append(message.metadata)
        if message.text == "boom":
            raise RuntimeError("scripted failure")
        for reply in SCRIPT.get(message.text, [{"text": "Noted."}]):
            await message.output_channel.send_response(message.sender_id, dict(reply))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ChannelHost:
    """A Sanic server with the channel under /webhooks/, running in its own thread and loop."""

    def __init__(self, settings: TelegramSettings, policy: RetryPolicy = RetryPolicy(base_delay=0.05)) -> None:
        self.agent = ScriptedAgent()
        self.channel = TelegramInput(settings, policy)
        self.port = free_port()
        Sanic.test_mode = True  # lets Sanic 21.12 start more than one app per process
        self._app = Sanic(f"telegram-test-{uuid.uuid4().hex[:8]}")
        self._app.ctx.agent = self.agent
        register([self.channel, RestInput()], self._app, route="/webhooks/")
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="channel-host", daemon=True)
        self._server: Any = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def webhook_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/webhooks/telegram/webhook"

    def post(self, update: Dict[str, Any], secret: Optional[str] = SECRET) -> requests.Response:
        """Deliver an update as Telegram does (``secret`` None: without the header)."""
        headers = {SECRET_HEADER: secret} if secret is not None else {}
        return requests.post(self.webhook_url, json=update, headers=headers, timeout=10)

    def __enter__(self) -> "ChannelHost":
        self._thread.start()
        self._run(self._start())
        return self

    def __exit__(self, *_: Any) -> None:
        self._run(self._stop())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)

    def _run(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=30)

    async def _start(self) -> None:
        self._server = await self._app.create_server(
            host="127.0.0.1", port=self.port, return_asyncio_server=True, access_log=False
        )
        await self._server.startup()
        await self._server.before_start()
        await self._server.after_start()

    async def _stop(self) -> None:
        await self._server.before_stop()
        self._server.close()
        await self._server.wait_closed()
        await self._server.after_stop()
