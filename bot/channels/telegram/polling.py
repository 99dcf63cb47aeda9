"""Polling mode for development without a public URL: ``python -m bot.channels.telegram poll``.

The poller never feeds Rasa through an open endpoint: it long-polls Telegram with
python-telegram-bot's ``Application.run_polling`` (in its own process, so it owns
its event loop) and relays each Update, unchanged, to the Rasa server's own Telegram
webhook (``RASA_URL`` + /webhooks/telegram/webhook) with the webhook secret header,
exactly as Telegram would deliver it in production.

Why relay rather than poll inside the Rasa process: one code path for both modes
(the webhook channel's handlers, callback-data checks, rate limit and output run in
Rasa whichever way the update arrived), no second event loop or long-poll task to
run inside Rasa's Sanic server, and the poller holds no Rasa token at all, only the
bot token and the webhook secret. The secret is TELEGRAM_WEBHOOK_SECRET, else the
one generated into var/ (0600) that the launcher also gives the Rasa server.
An update Rasa cannot take yet (still loading, restarting) is retried for a while,
because Telegram has already marked it delivered.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Optional

import httpx
from telegram import Update
from telegram.ext import Application, ContextTypes, TypeHandler

from bot.channels.telegram.bot_api import application_builder
from bot.channels.telegram.handlers import ALLOWED_UPDATES, register_commands
from bot.channels.telegram.settings import TelegramSettings
from bot.channels.telegram.webhook import SECRET_HEADER

logger = logging.getLogger(__name__)

RELAY_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
RELAY_ATTEMPTS = 60  # about a minute of retries while the Rasa server starts


class WebhookRelay:
    """Posts each polled update to the Rasa server's Telegram webhook with the secret header."""

    def __init__(self, url: str, secret: str, retry_delay_s: float = 1.0) -> None:
        self._url, self._headers, self._delay = url, {SECRET_HEADER: secret}, retry_delay_s
        self._client: Optional[httpx.AsyncClient] = None

    async def __call__(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=RELAY_TIMEOUT)
        for _ in range(RELAY_ATTEMPTS):
            try:
                reply = await self._client.post(self._url, json=update.to_dict(), headers=self._headers)
            except httpx.TransportError as error:
                logger.warning("telegram relay: Rasa unreachable (%s); retrying", type(error).__name__)
            else:
                if reply.status_code < 500:
                    if reply.status_code != 200:
                        logger.error("telegram relay: update %s refused (%s)", update.update_id, reply.status_code)
                    return
                logger.warning("telegram relay: Rasa answered %s; retrying", reply.status_code)
            await asyncio.sleep(self._delay)
        logger.error("telegram relay: update %s dropped, Rasa did not take it", update.update_id)

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None


def polling_application(settings: TelegramSettings, secret: str) -> Application:
    """The poller's Application: every update relayed, menu commands registered at start."""
    application = application_builder(settings).post_init(_register_commands_or_warn).build()
    relay = WebhookRelay(settings.relay_url, secret)
    application.add_handler(TypeHandler(Update, relay))

    async def close_relay(_: Application) -> None:
        await relay.close()

    application.post_shutdown = close_relay
    return application


def run_poller(settings: TelegramSettings, secret: str) -> None:
    """Poll Telegram until interrupted (SIGINT/SIGTERM)."""
    application = polling_application(settings, secret)
    logger.info("telegram: polling; updates go to %s", settings.relay_url)
    application.run_polling(allowed_updates=ALLOWED_UPDATES, timeout=10)


async def _register_commands_or_warn(application: Application) -> None:
    try:
        await register_commands(application)
    except Exception as error:  # noqa: BLE001 - a missing menu must not stop the bot
        logger.warning("telegram: could not register the menu commands (%s)", type(error).__name__)
