"""The Rasa input channel ``telegram``: Telegram's webhook at /webhooks/telegram/webhook.

Rasa 3.6's own Telegram channel wraps aiogram 2, calls getMe on every update,
ignores Telegram's secret token and sets the webhook over the network while Rasa
starts. This one checks ``X-Telegram-Bot-Api-Secret-Token`` in constant time
(missing or wrong: 403, nothing processed), puts the update on the queue of a
python-telegram-bot ``Application`` and answers 200 at once, so Telegram never
re-sends an update because Rasa was slow; the Application's handlers then talk to
the in-process agent. Without a token (or secret) the channel still loads and the
webhook answers 503 saying what is missing, so the rest of the assistant runs.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application

from bot.channels.telegram.bot_api import webhook_application
from bot.channels.telegram.callback_data import CallbackDataStore
from bot.channels.telegram.handlers import TelegramHandlers
from bot.channels.telegram.output import TelegramOutput
from bot.channels.telegram.retry import RetryPolicy
from bot.channels.telegram.settings import TelegramSettings
from bot.security.secrets import same_secret
from bot.security.senders import telegram_sender

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


class TelegramInput(InputChannel):
    """Telegram on python-telegram-bot 22; registered in credentials.yml by class path."""

    @classmethod
    def name(cls) -> Text:
        return "telegram"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        return cls(TelegramSettings.load(credentials))

    def __init__(self, settings: TelegramSettings, policy: RetryPolicy = RetryPolicy()) -> None:
        self.settings = settings
        self._on_new_message: Optional[OnNewMessage] = None
        self._start_lock = asyncio.Lock()
        self.application: Optional[Application] = None
        self.output: Optional[TelegramOutput] = None
        if not settings.token:
            logger.warning("Telegram channel loaded without TELEGRAM_TOKEN; its webhook answers 503")
            return
        if not settings.webhook_secret:
            logger.warning("TELEGRAM_WEBHOOK_SECRET is not set; the Telegram webhook answers 503")
        self.application = webhook_application(settings, policy)
        self.output = TelegramOutput(self.application.bot, CallbackDataStore(settings.callback_db))
        TelegramHandlers(self.output, self._deliver, settings.group_policy).register(self.application)

    def get_output_channel(self) -> Optional[TelegramOutput]:
        return self.output

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        self._on_new_message = on_new_message
        telegram_webhook = Blueprint("telegram_ptb_webhook", __name__)

        @telegram_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok", "configured": self._problem() is None})

        @telegram_webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            return await self._receive(request)

        @telegram_webhook.listener("before_server_stop")
        async def stop(*_: Any) -> None:
            if self.application is not None and self.application.running:
                await self.application.stop()
                await self.application.shutdown()

        return telegram_webhook

    async def _receive(self, request: Request) -> HTTPResponse:
        problem = self._problem()
        if problem:
            return response.json({"ok": False, "error": problem}, status=503)
        if not same_secret(request.headers.get(SECRET_HEADER), self.settings.webhook_secret):
            logger.warning("telegram webhook: request with a missing or wrong secret token refused")
            return response.json({"ok": False, "error": "forbidden"}, status=403)
        agent = getattr(request.app.ctx, "agent", None)
        if agent is not None and not agent.is_ready():
            return response.json({"ok": False, "error": "the assistant is still loading"}, status=503)
        update = _parse_update(request, self.application)
        if update is None:
            return response.json({"ok": False, "error": "not a Telegram update"}, status=400)
        try:
            await self._ensure_started()
        except TelegramError as error:
            # Telegram re-sends the update later when it does not get a 2xx.
            logger.error("telegram: cannot start the bot (%s)", type(error).__name__)
            return response.json({"ok": False, "error": "Bot API unreachable"}, status=503)
        await self.application.update_queue.put(update)
        return response.json({"ok": True})

    def _problem(self) -> Optional[str]:
        if self.application is None:
            return "Telegram is not configured: set TELEGRAM_TOKEN"
        if not self.settings.webhook_secret:
            return "Telegram webhook is not configured: set TELEGRAM_WEBHOOK_SECRET"
        return None

    async def _ensure_started(self) -> None:
        """Initialize (getMe, once) and start the Application on the first update."""
        if self.application.running:
            return
        async with self._start_lock:
            if not self.application.running:
                await self.application.initialize()
                await self.application.start()
                logger.info("telegram: bot @%s ready for webhook updates", self.application.bot.username)

    async def _deliver(self, chat_id: str, text: str, language: Optional[str] = None) -> None:
        metadata = {"language": language} if language else None
        await self._on_new_message(
            UserMessage(text, self.output, telegram_sender(chat_id), input_channel=self.name(), metadata=metadata)
        )


def _parse_update(request: Request, application: Application) -> Optional[Update]:
    try:
        return Update.de_json(request.json, application.bot)
    except Exception as error:  # noqa: BLE001 - any malformed body is the sender's problem
        logger.warning("telegram webhook: unreadable update (%s)", type(error).__name__)
        return None
