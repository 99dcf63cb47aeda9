"""Rasa responses to Telegram: the one output path for both webhook and polling modes.

Text goes out as plain text (no parse mode, nothing to escape), split at paragraph
boundaries when longer than Telegram's limit, with the inline keyboard on the
last part; every keyboard is recorded under the message it was sent with, so
only its own buttons are honoured when tapped. A checklist is one message of its
own (checklist.py) in place of the question's numbered text and buttons. A chat
that blocked the bot (403 Forbidden) or any other failed call, after the
limiter's retries, is logged by chat id and error kind and swallowed, so one
unreachable patient never breaks the conversation loop. Message text is never
logged.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any, AsyncIterator, Awaitable, Dict, List, Optional, Text

from rasa.core.channels.channel import OutputChannel
from telegram import InlineKeyboardMarkup, Message
from telegram.constants import ChatAction
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ExtBot

from bot.channels.telegram.callback_data import CallbackDataStore
from bot.channels.telegram.checklist import Checklist
from bot.channels.telegram.keyboard import inline_keyboard
from bot.channels.telegram.text import split_message
from bot.security.senders import telegram_chat

logger = logging.getLogger(__name__)

CHOOSE_PROMPT = "Please choose one:"
TYPING_REFRESH_SECONDS = 4.5  # Telegram shows "typing…" for about 5 s per action
NO_RETRY = {"max_retries": 0}


class TelegramOutput(OutputChannel):
    """Sends Rasa responses to a Telegram chat; Rasa's recipient is ``tg:<chat id>``, the methods
    below take the bare chat id."""

    def __init__(self, bot: ExtBot, callbacks: CallbackDataStore) -> None:
        self.bot = bot
        self.callbacks = callbacks

    @classmethod
    def name(cls) -> Text:
        return "telegram"

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self._send_text(recipient_id, text, None)

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        """As Rasa does, except that a checklist replaces the message's text and buttons."""
        chat_id = telegram_chat(recipient_id)
        if chat_id is None:
            logger.error("telegram: a reply for a sender outside the tg: namespace dropped")
            return
        if Checklist.from_custom(message.get("custom")) is not None:
            message = {key: value for key, value in message.items() if key not in {"text", "buttons", "quick_replies"}}
        await super().send_response(chat_id, dict(message))

    async def send_text_with_buttons(
        self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]], **kwargs: Any
    ) -> None:
        vertical = kwargs.get("button_type") == "vertical"
        markup, record = inline_keyboard(buttons, vertical=vertical)
        sent = await self._send_text(recipient_id, text or CHOOSE_PROMPT, markup)
        if sent is not None and record["payloads"]:
            await self.callbacks.save(recipient_id, sent.message_id, record)

    async def send_checklist(self, recipient_id: Text, checklist: Checklist) -> None:
        """The checklist as one message; its state is kept under that message for the taps."""
        sent = await self._send_text(recipient_id, checklist.text(), checklist.keyboard())
        if sent is not None:
            await self.callbacks.save(recipient_id, sent.message_id, checklist.to_record())

    async def send_image_url(self, recipient_id: Text, image: Text, **kwargs: Any) -> None:
        try:
            await self.bot.send_photo(recipient_id, photo=image)
        except BadRequest as error:
            # Telegram could not fetch the picture; the link is better than nothing.
            logger.warning("telegram sendPhoto to chat %s rejected: %s", recipient_id, type(error).__name__)
            await self._send_text(recipient_id, image, None)
        except TelegramError as error:
            _log_failure("sendPhoto", recipient_id, error)

    async def send_custom_json(
        self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any
    ) -> None:
        """A checklist, else the custom payload's ``text`` (and ``buttons``); widget-only payloads are skipped."""
        checklist = Checklist.from_custom(json_message)
        if checklist is not None:
            await self.send_checklist(recipient_id, checklist)
            return
        text = json_message.get("text")
        if not isinstance(text, str):
            logger.debug("telegram: custom payload with keys %s not shown", sorted(json_message))
            return
        buttons = json_message.get("buttons")
        if buttons:
            await self.send_text_with_buttons(recipient_id, text, buttons)
        else:
            await self.send_text_message(recipient_id, text)

    @contextlib.asynccontextmanager
    async def typing(self, chat_id: Text) -> AsyncIterator[None]:
        """Show "typing…" before the block starts and keep it up while the block runs."""
        await self._chat_action(chat_id)

        async def refresh() -> None:
            while True:
                await asyncio.sleep(TYPING_REFRESH_SECONDS)
                await self._chat_action(chat_id)

        task = asyncio.create_task(refresh())
        try:
            yield
        finally:
            task.cancel()

    async def _chat_action(self, chat_id: Text) -> None:
        await call_safely(
            "sendChatAction",
            chat_id,
            self.bot.send_chat_action(chat_id, ChatAction.TYPING, rate_limit_args=NO_RETRY),
        )

    async def _send_text(
        self, chat_id: Text, text: Text, markup: Optional[InlineKeyboardMarkup]
    ) -> Optional[Message]:
        """Send the parts in order; the last part (which carries the keyboard), or None on failure."""
        parts = split_message(text)
        sent: Optional[Message] = None
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            try:
                sent = await self.bot.send_message(chat_id, part, reply_markup=markup if last else None)
            except TelegramError as error:
                _log_failure("sendMessage", chat_id, error)
                return None
        return sent


async def call_safely(kind: str, chat_id: Text, call: Awaitable[Any]) -> bool:
    """Await a Bot API call; log and swallow its failure. True when it succeeded."""
    try:
        await call
    except TelegramError as error:
        _log_failure(kind, chat_id, error)
        return False
    return True


def _log_failure(kind: str, chat_id: Text, error: TelegramError) -> None:
    if isinstance(error, Forbidden):
        logger.info("telegram chat %s blocked the bot; %s dropped", chat_id, kind)
    else:
        logger.error("telegram %s to chat %s failed: %s", kind, chat_id, type(error).__name__)
