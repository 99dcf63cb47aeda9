"""What the assistant does with each kind of Telegram update, in webhook and polling mode alike.

These handlers run in the Rasa server's python-telegram-bot ``Application`` (the
poller relays its updates to the webhook, polling.py); ``Deliver`` hands text to the
in-process agent as sender ``tg:<chat id>``. Replies always leave through
``TelegramOutput``. A chat over the per-sender rate limit gets one short message. Only private chats are served; commands map to intents:
/start → greet, /start_over (and its old name /restart) → start_over,
/forget → forget_me (the assistant asks for confirmation), /help is answered
here; ``COMMANDS`` is the one table of them. Typed text starting with "/" is never
passed on, so a patient cannot set intents or slots by typing them, and a tap is
passed on only when the assistant issued that button under that message
(callback_data.py): forged or used-up callback data gets "This button has expired".
A checklist's ticks stay in the channel until Done, None of these or Not sure.
"""
from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from dataclasses import dataclass
from typing import Awaitable, Callable, Dict, List, Optional, Tuple

from telegram import BotCommand, Update
from telegram.constants import ChatType
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.channels.telegram.appointments import appointment_button_handler
from bot.channels.telegram.callback_data import handled_here
from bot.channels.telegram.checklist import Checklist, is_checklist
from bot.channels.telegram.keyboard import issued_payload
from bot.channels.telegram.output import TelegramOutput, call_safely
from bot.security.rate_limit import RateLimiter, sender_limiter
from bot.wording import ENGLISH, SPANISH, language_or_default, say

logger = logging.getLogger(__name__)

Deliver = Callable[[str, str, Optional[str]], Awaitable[None]]
"""Hand (chat id, text or payload, the user's Telegram `language_code` or None) to Rasa;
its replies go out through TelegramOutput. Rasa gets the code as message metadata
`language`, the conversation's first hint of its language (bot/nlu/language.py)."""


@dataclass(frozen=True)
class Command:
    """A slash command and what it sends to Rasa (None: answered here); its menu entry and its line in
    /help are `telegram_menu_<name>` and `telegram_help_<name>` in bot/wording.yml, in every language."""

    name: str
    payload: Optional[str] = None

    def menu(self, language: str) -> str:
        return say(f"telegram_menu_{self.name}", language)

    def help(self, language: str) -> str:
        return say(f"telegram_help_{self.name}", language)


START_OVER = "/start_over"  # Rasa's intent for starting over (formerly restart)
COMMANDS: Tuple[Command, ...] = (
    Command("start", "/greet"),
    Command("start_over", START_OVER),
    Command("forget", "/forget_me"),
    Command("help"),
)
ALIASES: Dict[str, str] = {"restart": "start_over"}  # old names, still understood, not in the menu
COMMAND_PAYLOADS: Dict[str, str] = {command.name: command.payload for command in COMMANDS if command.payload}
COMMAND_PAYLOADS.update({old: COMMAND_PAYLOADS[new] for old, new in ALIASES.items()})
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]


def bot_commands(language: str) -> List[BotCommand]:
    """The menu in `language` (Telegram shows the list set for the user's language_code)."""
    return [BotCommand(command.name, command.menu(language)) for command in COMMANDS]


def help_text(language: str) -> str:
    """/help in `language`: what the assistant is, the commands, and 911."""
    return (say("telegram_help_intro", language)
            + "".join(f"/{command.name} - {command.help(language)}\n" for command in COMMANDS)
            + say("telegram_help_emergency", language))


def user_language(update: Update) -> str:
    """The language of the patient's Telegram app (language_code), for the channel's own sentences."""
    user = update.effective_user
    return language_or_default(user.language_code if user is not None else None)


BOT_COMMANDS = bot_commands(ENGLISH)
HELP_TEXT = help_text(ENGLISH)
GROUP_TEXT = say("telegram_group", ENGLISH)
TEXT_ONLY = say("telegram_text_only", ENGLISH)
EXPIRED_BUTTON = say("telegram_expired_button", ENGLISH)
APOLOGY = say("telegram_apology", ENGLISH)
"""The English sentences (the default; the tests compare with them)."""
MAX_GROUPS_REMEMBERED = 1000


class TelegramHandlers:
    """The typed handlers, bound to one output and one way of reaching Rasa."""

    def __init__(self, output: TelegramOutput, deliver: Deliver, group_policy: str,
                 limiter: Optional[RateLimiter] = None) -> None:
        self.output = output
        self.deliver = deliver
        self.group_policy = group_policy
        self.limiter = limiter or sender_limiter()
        self._groups_told: "OrderedDict[int, None]" = OrderedDict()

    def register(self, application: Application) -> None:
        application.add_handler(TypeHandler(Update, self.private_chats_only), group=-1)
        application.add_handler(CommandHandler(list(COMMAND_PAYLOADS), self.command))
        application.add_handler(MessageHandler(filters.COMMAND, self.help))  # /help and unknown ones
        application.add_handler(MessageHandler(filters.TEXT, self.text))
        # The generic handler first: python-telegram-bot lets a tap with empty data through every
        # pattern, and only this one refuses it; `appt:` data is not handled_here and passes on.
        application.add_handler(CallbackQueryHandler(self.button, pattern=handled_here))
        application.add_handler(appointment_button_handler(self.output, self._to_rasa))
        application.add_handler(MessageHandler(filters.ALL, self.not_text))
        application.add_error_handler(self.error)

    async def private_chats_only(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Let new messages and taps in private chats through; stop everything else."""
        chat = update.effective_chat
        if chat is not None and chat.type == ChatType.PRIVATE and (update.message or update.callback_query):
            return
        if chat is not None and update.message is not None and chat.type != ChatType.PRIVATE:
            await self._tell_group_once(chat.id)
        raise ApplicationHandlerStop

    async def help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        logger.info("telegram chat %s: help", update.effective_chat.id)
        await self.output.send_text_message(str(update.effective_chat.id), help_text(user_language(update)))

    async def command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        name = update.message.text.split()[0][1:].split("@")[0].lower()
        logger.info("telegram chat %s: command /%s", update.effective_chat.id, name)
        await self._to_rasa(str(update.effective_chat.id), COMMAND_PAYLOADS[name], user_language(update))

    async def text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.message.text.lstrip().startswith("/"):
            await self.help(update, context)
            return
        logger.info("telegram chat %s: text message", update.effective_chat.id)
        await self._to_rasa(str(update.effective_chat.id), update.message.text, user_language(update))

    async def button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Honour a tap only on a button the assistant issued under that very message."""
        query = update.callback_query
        chat_id = str(update.effective_chat.id)
        message_id = query.message.message_id if query.message is not None else None
        record = await self.output.callbacks.load(chat_id, message_id) if message_id is not None else None
        if is_checklist(record):
            await self._checklist_tap(update, Checklist.from_record(record))
            return
        payload = issued_payload(record, query.data)
        if payload is None:
            await self._expired(update)
            return
        logger.info("telegram chat %s: button tap", chat_id)
        await self.output.callbacks.forget(chat_id, message_id)
        remove_keyboard = self.output.bot.edit_message_reply_markup(
            chat_id=chat_id, message_id=message_id, reply_markup=None
        )
        await asyncio.gather(
            call_safely("answerCallbackQuery", chat_id, query.answer()),
            call_safely("editMessageReplyMarkup", chat_id, remove_keyboard),
        )
        await self._to_rasa(chat_id, payload, user_language(update))

    async def _checklist_tap(self, update: Update, checklist: Checklist) -> None:
        """Toggle a tick in place, or finish: Done (something ticked), None of these, Not sure."""
        query = update.callback_query
        chat_id, message_id = str(update.effective_chat.id), query.message.message_id
        toggled = checklist.toggled(query.data)
        if toggled is not None:
            logger.info("telegram chat %s: checklist tick", chat_id)
            await self.output.callbacks.save(chat_id, message_id, toggled.to_record())
            tick = self.output.bot.edit_message_reply_markup(
                chat_id=chat_id, message_id=message_id, reply_markup=toggled.keyboard()
            )
            await asyncio.gather(
                call_safely("answerCallbackQuery", chat_id, query.answer()),
                call_safely("editMessageReplyMarkup", chat_id, tick),
            )
            return
        if checklist.done_without_ticks(query.data):
            hint = query.answer(checklist.nothing_ticked_hint, show_alert=True)
            await call_safely("answerCallbackQuery", chat_id, hint)
            return
        outcome = checklist.outcome(query.data)
        if outcome is None:
            await self._expired(update)
            return
        payload, chosen = outcome
        logger.info("telegram chat %s: checklist answered", chat_id)
        await self.output.callbacks.forget(chat_id, message_id)
        answered = self.output.bot.edit_message_text(
            checklist.answered_text(chosen), chat_id=chat_id, message_id=message_id
        )
        await asyncio.gather(
            call_safely("answerCallbackQuery", chat_id, query.answer()),
            call_safely("editMessageText", chat_id, answered),
        )
        await self._to_rasa(chat_id, payload, user_language(update))

    async def _expired(self, update: Update) -> None:
        chat_id = str(update.effective_chat.id)
        logger.info("telegram chat %s: tap on an expired or unknown button", chat_id)
        await call_safely("answerCallbackQuery", chat_id, update.callback_query.answer(say("telegram_expired_button", user_language(update))))

    async def not_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        logger.info("telegram chat %s: non-text message", update.effective_chat.id)
        await self.output.send_text_message(str(update.effective_chat.id), say("telegram_text_only", user_language(update)))

    async def error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        update_id = update.update_id if isinstance(update, Update) else None
        logger.error("telegram update %s failed: %s", update_id, type(context.error).__name__)

    async def _to_rasa(self, chat_id: str, text: str, language: str = ENGLISH) -> None:
        """Hand the text to Rasa unless the chat is over its rate; what goes wrong is said in `language`."""
        if not self.limiter.allow(chat_id):
            logger.info("telegram chat %s: over the rate limit", chat_id)
            if self.limiter.tell_once(chat_id):
                await self.output.send_text_message(chat_id, say("too_fast", language))
            return
        async with self.output.typing(chat_id):
            try:
                await self.deliver(chat_id, text, language)
            except Exception as error:  # noqa: BLE001 - the patient must hear back whatever broke
                logger.error("telegram chat %s: Rasa did not handle the message: %s", chat_id, type(error).__name__)
                await self.output.send_text_message(chat_id, say("telegram_apology", language))

    async def _tell_group_once(self, chat_id: int) -> None:
        if self.group_policy != "reply" or chat_id in self._groups_told:
            return
        self._groups_told[chat_id] = None
        while len(self._groups_told) > MAX_GROUPS_REMEMBERED:
            self._groups_told.popitem(last=False)
        logger.info("telegram group %s: told to chat privately", chat_id)
        await self.output.send_text_message(str(chat_id), GROUP_TEXT)


async def register_commands(application: Application) -> None:
    """Publish the bot's menu commands (used as the poller's post_init and by set-webhook)."""
    await application.bot.set_my_commands(bot_commands(ENGLISH))
    await application.bot.set_my_commands(bot_commands(SPANISH), language_code=SPANISH)
