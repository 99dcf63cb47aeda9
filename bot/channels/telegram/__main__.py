"""Command line for the Telegram channel.

    python -m bot.channels.telegram poll               # development: long polling, updates relayed to Rasa's webhook
    python -m bot.channels.telegram set-webhook [URL]  # production: register the webhook and menu commands

URL defaults to TELEGRAM_WEBHOOK_URL; a bare origin such as https://bot.example.org
gets the channel's path /webhooks/telegram/webhook appended.
"""
from __future__ import annotations

import argparse
import asyncio
import logging
import os
import re
import sys
from typing import List, Optional

from bot import log_privacy
from bot.channels.telegram.bot_api import webhook_application
from bot.channels.telegram.handlers import ALLOWED_UPDATES, register_commands
from bot.channels.telegram.polling import run_poller
from bot.channels.telegram.settings import WEBHOOK_PATH, TelegramSettings
from bot.security.secrets import stored_secret

SECRET_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,256}")


def webhook_url(url: str) -> str:
    """The full webhook URL for either the Rasa server's public origin or the full URL."""
    url = url.rstrip("/")
    return url if url.endswith(WEBHOOK_PATH) else url + WEBHOOK_PATH


async def set_webhook(settings: TelegramSettings, url: str) -> None:
    """Point Telegram at the webhook with the shared secret and publish the menu commands."""
    application = webhook_application(settings)
    async with application:
        await application.bot.set_webhook(
            url, secret_token=settings.webhook_secret, allowed_updates=ALLOWED_UPDATES
        )
        await register_commands(application)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.channels.telegram", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("poll", help="long-poll Telegram and relay each update to the Rasa server's Telegram webhook")
    webhook = commands.add_parser("set-webhook", help="register the webhook URL, secret and menu commands")
    webhook.add_argument("url", nargs="?", default=os.environ.get("TELEGRAM_WEBHOOK_URL"))
    args = parser.parse_args(argv)

    log_privacy.install()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = TelegramSettings.load()
    if not settings.token:
        parser.error("set TELEGRAM_TOKEN (the token BotFather gave you)")
    if args.command == "poll":
        run_poller(settings, settings.webhook_secret or stored_secret("TELEGRAM_WEBHOOK_SECRET"))
        return 0
    if not args.url:
        parser.error("give the public URL of the Rasa server (or set TELEGRAM_WEBHOOK_URL)")
    if not settings.webhook_secret or not SECRET_PATTERN.fullmatch(settings.webhook_secret):
        parser.error("set TELEGRAM_WEBHOOK_SECRET (1-256 characters A-Z a-z 0-9 _ -), the same for the Rasa server")
    url = webhook_url(args.url)
    asyncio.run(set_webhook(settings, url))
    print(f"Telegram webhook set to {url}; menu commands registered.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
