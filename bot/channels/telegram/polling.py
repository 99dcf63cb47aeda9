"""Polling mode for development without a public URL: ``python -m bot.channels.telegram poll``.

Runs python-telegram-bot's ``Application.run_polling`` (in its own process, so it
owns its event loop), handles updates with the same handlers as the webhook
channel and forwards each message to Rasa's REST channel (``RASA_URL``), then
sends the replies with the same ``TelegramOutput``. Rasa's REST channel returns
a text's paragraphs as separate messages, so in this mode they arrive as separate
bubbles. The sender id is the chat id and the input channel is ``telegram``, as
in webhook mode, so a conversation is the same tracker in both modes.
"""
from __future__ import annotations

import logging
from typing import Optional

import httpx
from telegram.ext import Application

from bot.channels.telegram.bot_api import application_builder
from bot.channels.telegram.callback_data import CallbackDataStore
from bot.channels.telegram.handlers import ALLOWED_UPDATES, TelegramHandlers, register_commands
from bot.channels.telegram.output import TelegramOutput
from bot.channels.telegram.settings import TelegramSettings

logger = logging.getLogger(__name__)

RASA_TIMEOUT = httpx.Timeout(60.0, connect=5.0)


class RestForwarder:
    """Delivers a chat's message to Rasa over REST and sends the replies to the chat."""

    def __init__(self, rasa_url: str, output: TelegramOutput) -> None:
        self._url = rasa_url
        self._output = output
        self._client: Optional[httpx.AsyncClient] = None

    async def __call__(self, chat_id: str, text: str, language: Optional[str] = None) -> None:
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=RASA_TIMEOUT)
        body = {"sender": chat_id, "message": text, "input_channel": "telegram"}
        if language:
            body["metadata"] = {"language": language}
        reply = await self._client.post(self._url, json=body)
        reply.raise_for_status()
        await self._output.send_rest_replies(chat_id, reply.json())

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None


def polling_application(settings: TelegramSettings) -> Application:
    """The poller's Application: shared handlers, REST delivery, menu commands at start."""
    application = application_builder(settings).post_init(_register_commands_or_warn).build()
    output = TelegramOutput(application.bot, CallbackDataStore(settings.callback_db))
    forwarder = RestForwarder(settings.rasa_url, output)
    TelegramHandlers(output, forwarder, settings.group_policy).register(application)

    async def close_forwarder(_: Application) -> None:
        await forwarder.close()

    application.post_shutdown = close_forwarder
    return application


def run_poller(settings: TelegramSettings) -> None:
    """Poll Telegram until interrupted (SIGINT/SIGTERM)."""
    application = polling_application(settings)
    logger.info("telegram: polling; messages go to %s", settings.rasa_url)
    application.run_polling(allowed_updates=ALLOWED_UPDATES, timeout=10)


async def _register_commands_or_warn(application: Application) -> None:
    try:
        await register_commands(application)
    except Exception as error:  # noqa: BLE001 - a missing menu must not stop the bot
        logger.warning("telegram: could not register the menu commands (%s)", type(error).__name__)
