"""Telegram channel on python-telegram-bot 22: webhook input channel, poller and output."""
from bot.channels.telegram.output import TelegramOutput
from bot.channels.telegram.webhook import TelegramInput

__all__ = ["TelegramInput", "TelegramOutput"]
