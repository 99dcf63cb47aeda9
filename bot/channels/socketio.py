"""Rasa 3.6's socket.io channel, fixed and hardened for the website chat widget.

Rasa 3.6.21 calls ``sio.enter_room`` without ``await``; since python-socketio 5.10
that is a coroutine, so with ``session_persistence: true`` the socket never joins
its session's room and replies never reach the browser (rasa issue #13027).
This subclass keeps Rasa's channel and replaces only what is wrong or too open:

- ``session_request`` awaits ``enter_room`` and only accepts a session token the
  server signed (bot.security.widget_sessions) and that "delete my data" has not
  revoked (bot.storage.widget_sessions); anything else gets a fresh token, because
  the session is the key of a patient's conversation (sender ``web:<session id>``).
  ``session_confirm`` carries ``{session_id, history_hours}``: the token, and how long
  the browser may keep the transcript (clinic.yml ``widget_history_hours``).
- a message is accepted only with a valid token for the session its socket joined,
  so a client cannot write into someone else's conversation by naming its id.
- each session's messages are rate limited (bot.security.rate_limit); a flood gets
  one short bot message and nothing reaches the assistant.
- a socket's messages reach the assistant one at a time, in the order they were sent.
- a message whose metadata carries a ``message_id`` already seen for that session is dropped,
  so a client that retries after a reconnect never makes the bot answer twice.
- a message with a ``custom.checklist`` block (docs/widget.md) goes out as ONE
  ``bot_uttered`` event with its text, quick replies and the block. Rasa sends
  text+buttons and custom as separate events (so the widget would first show the
  numbered text), and its ``send_custom_json`` passes the block's keys to
  ``sio.emit`` as keyword arguments, which fails for ``{"checklist": ...}``.
- python-socketio's origin check is on, limited to env ``WIDGET_ORIGINS``
  (comma separated), else the credentials' ``cors_allowed_origins``, else the
  local demo page. Rasa turns it off (``cors_allowed_origins=[]``), which lets
  any web site open a socket to the assistant. Engine.IO then writes the CORS
  headers of the socket's responses itself, so Sanic-CORS (``rasa run --cors``)
  is told to leave them alone; two Access-Control-Allow-Origin headers would make
  browsers refuse the long-polling transport.

Registered in credentials.yml as ``bot.channels.socketio.SocketIOInput``; its
routes stay under ``/webhooks/socketio/`` and the socket under ``/socket.io``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
from collections import OrderedDict
from typing import Any, Awaitable, Callable, Dict, List, Optional, Sequence, Text, Union

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput as RasaSocketIOInput
from rasa.core.channels.socketio import SocketIOOutput as RasaSocketIOOutput
from sanic import Blueprint
from sanic.request import Request
from sanic_cors.core import SANIC_CORS_EVALUATED
from sqlalchemy.exc import SQLAlchemyError

from bot.clinic import load_clinic
from bot.security import widget_sessions
from bot.security.rate_limit import sender_limiter
from bot.security.secrets import stored_secret
from bot.security.senders import widget_sender
from bot.storage import widget_sessions as revoked_sessions
from bot.storage.engine import default_sessionmaker
from bot.wording import say

logger = logging.getLogger(__name__)

DEFAULT_WIDGET_ORIGINS = ("http://localhost:8080", "http://127.0.0.1:8080")


def widget_origins(configured: Union[None, Text, Sequence[Text]] = None) -> List[Text]:
    """The origins allowed to open a socket: env WIDGET_ORIGINS, else configured, else local."""
    raw: Union[Text, Sequence[Text]] = (
        os.environ.get("WIDGET_ORIGINS", "").strip() or configured or DEFAULT_WIDGET_ORIGINS
    )
    items = re.split(r"[\s,]+", raw) if isinstance(raw, str) else list(raw)
    origins = [item.strip().rstrip("/") for item in items if item and item.strip()]
    if "*" in origins:
        logger.warning("socket.io accepts every origin: WIDGET_ORIGINS contains '*'")
    return origins


def _is_revoked(session_id: Text) -> bool:
    """Fails closed: when the clinic database cannot say, the old session is not rejoined."""
    try:
        with default_sessionmaker()() as session:
            return revoked_sessions.is_revoked(session, session_id)
    except SQLAlchemyError as error:
        logger.error("socket.io: cannot check revoked sessions (%s); starting a new session", type(error).__name__)
        return True


def metadata_of(raw: Any) -> Dict[Text, Any]:
    """A message's metadata as a dict: clients send a dict or a JSON string (or junk)."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return {}
    return raw if isinstance(raw, dict) else {}


def message_id_of(metadata: Any) -> Optional[Text]:
    """The client's id for a message, from its metadata (a dict or a JSON string)."""
    message_id = metadata_of(metadata).get("message_id")
    return message_id if isinstance(message_id, str) and message_id else None


def quick_reply(button: Dict[Text, Any]) -> Dict[Text, Any]:
    """A Rasa button as the socket.io channel sends it (the shape Rasa's channel uses)."""
    return {"content_type": "text", "title": button["title"], "payload": button["payload"]}


def is_checklist(message: Dict[Text, Any]) -> bool:
    """True for a bot message whose custom block carries a checklist."""
    custom = message.get("custom")
    return isinstance(custom, dict) and isinstance(custom.get("checklist"), dict)


class SocketIOOutput(RasaSocketIOOutput):
    """Rasa's socket.io output, except that a checklist message is one event and a custom
    payload goes out as ``{"custom": ...}`` (Rasa passes its keys to ``sio.emit``)."""

    async def send_custom_json(self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any) -> None:
        await self._send_message(recipient_id, {"custom": json_message})

    _language: Optional[Text] = None
    """The language of the message being sent (its `language` metadata), added to each event as `lang`."""

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        """Send a checklist's text, buttons and block together; anything else as Rasa does."""
        self._language = message.get("language") if isinstance(message.get("language"), str) else None
        if not is_checklist(message):
            await super().send_response(recipient_id, message)
            return
        buttons = message.get("quick_replies") or message.get("buttons") or []
        await self._send_message(
            recipient_id,
            {
                "text": message.get("text") or "",
                "quick_replies": [quick_reply(button) for button in buttons],
                "custom": message["custom"],
            },
        )

    async def _send_message(self, socket_id: Text, response: Any) -> None:
        """Every event of a message says its language, so the widget sets `lang` for screen readers."""
        if self._language and isinstance(response, dict):
            response = {**response, "lang": self._language}
        await super()._send_message(socket_id, response)


class RecentMessageIds:
    """A bounded memory of (session id, message id) pairs already handled."""

    def __init__(self, capacity: int = 10_000) -> None:
        self.capacity = capacity
        self._seen: "OrderedDict[tuple[Text, Text], None]" = OrderedDict()

    def first_time(self, session_id: Text, message_id: Text) -> bool:
        """Record the pair; False when it was already recorded."""
        key = (session_id, message_id)
        if key in self._seen:
            self._seen.move_to_end(key)
            return False
        self._seen[key] = None
        if len(self._seen) > self.capacity:
            self._seen.popitem(last=False)
        return True


class SocketIOInput(RasaSocketIOInput):
    """Rasa's socket.io channel with awaited rooms, origin checks, de-duplication and
    checklists in one event."""

    def __init__(
        self,
        *args: Any,
        cors_allowed_origins: Union[None, Text, Sequence[Text]] = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.cors_allowed_origins = widget_origins(cors_allowed_origins)
        self.recent_message_ids = RecentMessageIds()
        self.session_secret = stored_secret("WIDGET_SESSION_SECRET")
        self.history_hours = load_clinic().widget_history_hours
        self.limiter = sender_limiter()

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        """Rasa's keys plus ``cors_allowed_origins`` (a list or a comma-separated string)."""
        channel = super().from_credentials(credentials)
        assert isinstance(channel, cls)
        channel.cors_allowed_origins = widget_origins(
            (credentials or {}).get("cors_allowed_origins")
        )
        return channel

    def get_output_channel(self) -> Optional[OutputChannel]:
        """Our output for messages sent outside a user's turn; None where Rasa's would be."""
        rasa_output = super().get_output_channel()
        return SocketIOOutput(self.sio, self.bot_message_evt) if rasa_output else None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Rasa's blueprint with the origin check on and two handlers replaced (Rasa's
        message handler builds Rasa's output channel, so ours builds the message itself)."""
        socket_blueprint = super().blueprint(on_new_message)
        sio = self.sio
        assert sio is not None
        sio.eio.cors_allowed_origins = self.cors_allowed_origins
        engineio_request: Callable[..., Awaitable[Any]] = sio.eio.handle_request

        async def handle_request(request: Request, *args: Any, **kwargs: Any) -> Any:
            setattr(request.ctx, SANIC_CORS_EVALUATED, "1")  # one set of CORS headers
            return await engineio_request(request, *args, **kwargs)

        sio.eio.handle_request = handle_request  # attached as the route when Sanic registers us
        namespace = self.namespace or "/"

        async def joinable(token: Any) -> Optional[Text]:
            """The session id of a signed, unrevoked token, else None."""
            session_id = widget_sessions.verified_session_id(self.session_secret, token)
            if session_id is None or await asyncio.to_thread(_is_revoked, session_id):
                return None
            return session_id

        async def session_request(sid: Text, data: Optional[Dict[Text, Any]]) -> None:
            requested = data.get("session_id") if isinstance(data, dict) else None
            session_id, token = await joinable(requested), requested
            if session_id is None:
                session_id, token = widget_sessions.issue(self.session_secret)
            room = widget_sender(session_id)
            if self.session_persistence:
                for joined in sio.rooms(sid, namespace=namespace):
                    if joined not in (sid, room):
                        await sio.leave_room(sid, joined, namespace=namespace)
                await sio.enter_room(sid, room, namespace=namespace)
            confirmed = {"session_id": token, "history_hours": self.history_hours}
            await sio.emit("session_confirm", confirmed, room=sid, namespace=namespace)
            logger.debug("socket %s joined a session (new=%s)", sid, token != requested)

        async def handle_message(sid: Text, data: Any) -> None:
            if not isinstance(data, dict):
                logger.debug("socket %s sent a malformed message; dropped", sid)
                return
            if self.session_persistence:
                session_id = await joinable(data.get("session_id"))
                sender = widget_sender(session_id) if session_id else None
                if sender is None or sender not in sio.rooms(sid, namespace=namespace):
                    logger.warning("socket %s sent a message for a session it did not join", sid)
                    return
            else:
                sender = sid
            if not self.limiter.allow(sender):
                logger.info("socket %s: over the rate limit", sid)
                if self.limiter.tell_once(sender):
                    language = metadata_of(data.get(self.metadata_key)).get("language")
                    await sio.emit(self.bot_message_evt, {"text": say("too_fast", language)}, room=sid,
                                   namespace=namespace)
                return
            metadata = metadata_of(data.get(self.metadata_key))
            message_id = message_id_of(metadata)
            if message_id:
                if not self.recent_message_ids.first_time(sender, message_id):
                    logger.info("socket %s re-sent message %s; dropped", sid, message_id)
                    return
            text = data.get("message")
            await on_new_message(
                UserMessage(
                    text if isinstance(text, str) else "",
                    SocketIOOutput(sio, self.bot_message_evt),
                    sender,
                    input_channel=self.name(),
                    metadata=metadata,
                )
            )

        arrival: Dict[Text, asyncio.Lock] = {}

        async def handle_in_order(sid: Text, data: Any) -> None:
            """One message of a socket at a time, in the order they came: python-socketio runs each
            in its own task, and the session check awaits a thread, so a later message could
            otherwise reach the assistant first."""
            async with arrival.setdefault(sid, asyncio.Lock()):
                await handle_message(sid, data)

        async def disconnect(sid: Text) -> None:
            arrival.pop(sid, None)

        sio.on("session_request", session_request, namespace=namespace)
        sio.on(self.user_message_evt, handle_in_order, namespace=namespace)
        sio.on("disconnect", disconnect, namespace=namespace)
        return socket_blueprint
