"""Rasa's REST channel for the clinic's own server-side integrations, closed to everyone else.

Rasa's ``rest:`` channel is open and takes the sender id from the body, so anyone who
reaches it could post as a Telegram or website patient and read the replies. This
one (registered in credentials.yml by class path, same route /webhooks/rest/webhook):

- requires the Rasa API token (RASA_AUTH_TOKEN) as ``?token=`` (as Rasa's HTTP API
  takes it) or ``Authorization: Bearer``, compared in constant time: else 401;
- refuses a request without a sender (Rasa would use a shared ``default``): 400;
- refuses a sender in another channel's namespace (``tg:``, ``web:``): 403;
- limits each sender's messages per minute (bot.security.rate_limit): 429 with Retry-After.

Refusals are polite JSON, checked before anything reaches the agent, so a refused
request stores nothing. It never logs the message text on a failure (Rasa's does).
"""
from __future__ import annotations

import logging
import os
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.exceptions import InvalidUsage
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.security.rate_limit import RateLimiter, sender_limiter
from bot.security.secrets import presented_token, same_secret
from bot.security.senders import in_reserved_namespace

logger = logging.getLogger(__name__)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


def refusal(status: int, error: str, message: str, **headers: str) -> HTTPResponse:
    return response.json({"ok": False, "error": error, "message": message}, status=status, headers=headers or None)


class AuthenticatedRestInput(RestInput):
    """REST with the API token, a required sender outside the reserved namespaces and a rate limit."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        return cls(os.environ.get("RASA_AUTH_TOKEN"), sender_limiter())

    def __init__(self, token: Optional[str], limiter: RateLimiter) -> None:
        if not token:
            logger.warning("REST channel loaded without RASA_AUTH_TOKEN; it refuses every request")
        self.token = token
        self.limiter = limiter

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        rest = Blueprint("authenticated_rest_webhook", __name__)

        @rest.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @rest.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            return await self._receive(request, on_new_message)

        return rest

    def check(self, request: Request) -> Optional[HTTPResponse]:
        """The refusal for this request, or None when it may go to the agent."""
        if not same_secret(presented_token(request), self.token):
            return refusal(401, "unauthorized", "This endpoint needs the Rasa API token (?token= or Authorization: Bearer).")
        body = request.json if isinstance(request.json, dict) else None
        sender = body.get("sender") if body else None
        if not isinstance(sender, str) or not sender.strip():
            return refusal(400, "missing_sender", "Say who is talking: a non-empty \"sender\" string.")
        if in_reserved_namespace(sender):
            return refusal(403, "reserved_sender", "Sender ids starting with tg: or web: belong to other channels.")
        if not isinstance(body.get("message"), str):
            return refusal(400, "missing_message", "Send the text as a \"message\" string.")
        if not self.limiter.allow(sender):
            retry = str(self.limiter.retry_after(sender))
            return refusal(429, "rate_limited", "Too many messages from this sender; please wait and try again.",
                           **{"Retry-After": retry})
        return None

    async def _receive(self, request: Request, on_new_message: OnNewMessage) -> HTTPResponse:
        try:
            refused = self.check(request)
        except InvalidUsage:  # a body that is not JSON
            refused = refusal(400, "bad_request", "The body must be a JSON object.")
        if refused is not None:
            logger.info("rest: request refused (%s)", refused.status)
            return refused
        body: Dict[str, Any] = request.json
        collector = CollectingOutputChannel()
        try:
            await on_new_message(UserMessage(body["message"], collector, body["sender"],
                                             input_channel=self.name(), metadata=self.get_metadata(request)))
        except Exception as error:  # noqa: BLE001 - the client hears of it; the log names no text
            logger.error("rest: the message could not be handled (%s)", type(error).__name__)
            return refusal(500, "not_handled", "The assistant could not handle this message; please try again.")
        return response.json(collector.messages)
