"""The python-telegram-bot ``Application`` both modes share: transport, limits, ordering.

Built from settings without touching the network; the first Bot API call (getMe,
during ``Application.initialize``) happens only when an update arrives or the
poller starts, never at import or Rasa start-up.
"""
from __future__ import annotations

import logging

from telegram.ext import Application, ApplicationBuilder
from telegram.request import HTTPXRequest

from bot.channels.telegram.ordering import PerChatUpdateProcessor
from bot.channels.telegram.retry import RetryingRateLimiter, RetryPolicy
from bot.channels.telegram.settings import TelegramSettings


def quiet_library_loggers() -> None:
    """PTB logs request parameters (message text) at DEBUG and httpx logs URLs (with the
    bot token) at INFO; keep both out of the logs even when Rasa runs with --debug."""
    logging.getLogger("telegram").setLevel(logging.INFO)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.INFO)


def application_builder(settings: TelegramSettings, policy: RetryPolicy = RetryPolicy()) -> ApplicationBuilder:
    """A builder configured for the settings; callers add mode-specific parts and build()."""
    if not settings.token:
        raise ValueError("TELEGRAM_TOKEN is not set")
    quiet_library_loggers()
    return (
        ApplicationBuilder()
        .token(settings.token)
        .base_url(settings.api_base_url)
        .base_file_url(settings.api_file_url)
        .request(
            HTTPXRequest(
                connection_pool_size=64,
                connect_timeout=5.0,
                read_timeout=15.0,
                write_timeout=15.0,
                pool_timeout=5.0,
            )
        )
        .get_updates_request(HTTPXRequest(connect_timeout=5.0, read_timeout=5.0, pool_timeout=5.0))
        .rate_limiter(RetryingRateLimiter(policy))
        .concurrent_updates(PerChatUpdateProcessor())
    )


def webhook_application(settings: TelegramSettings, policy: RetryPolicy = RetryPolicy()) -> Application:
    """An Application fed by the webhook route through its update queue (no Updater)."""
    return application_builder(settings, policy).updater(None).build()
