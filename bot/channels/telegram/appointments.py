"""The reminder's buttons: Confirm / Reschedule / Cancel / Stop reminders (callback data `appt:…`).

The outbox worker sends reminders and confirmations with these buttons (see
bot.notify.messages); a tap arrives here, before the generic button handler.
Confirm, Cancel and Stop reminders act on the clinic database directly, through
the same token checks as the e-mail links. Reschedule hands `/change_booking`
to the Rasa conversation exactly as a typed message would be handed on, so the
booking conversation offers other times.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Awaitable, Callable, Dict, Optional

from sqlalchemy.orm import sessionmaker
from telegram import Update
from telegram.ext import CallbackQueryHandler, ContextTypes

from bot.channels.telegram.output import TelegramOutput, call_safely
from bot.storage import appointments
from bot.storage.booking import BookingError
from bot.storage.engine import default_sessionmaker

logger = logging.getLogger(__name__)

RESCHEDULE_PAYLOAD = "/change_booking"
DONE: Dict[str, str] = {
    "confirm": "Thank you! Your appointment is confirmed. See you then.",
    "cancel": "Your appointment is cancelled and the time is free for someone else.",
    "stop-reminders": "OK, no more reminders for this appointment.",
}
ACT = {"confirm": appointments.confirm_attendance, "cancel": appointments.cancel_by_patient,
       "stop-reminders": appointments.stop_reminders}
NOT_VALID = "This button is no longer valid."


def _act(factory: sessionmaker, action: str, token: str) -> None:
    with factory.begin() as session:
        ACT[action](session, token)


def appointment_button_handler(
    output: TelegramOutput, to_rasa: Callable[[str, str], Awaitable[None]],
    factory: Optional[sessionmaker] = None,
) -> CallbackQueryHandler:
    """The handler for `appt:` taps; `to_rasa` is how the chat's typed text reaches Rasa."""

    async def tap(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        chat_id = str(update.effective_chat.id)
        parsed = appointments.parse_button(query.data or "")
        action = parsed[0] if parsed else "unknown"
        logger.info("telegram chat %s: appointment button %s", chat_id, action)
        if parsed is None:
            await call_safely("answerCallbackQuery", chat_id, query.answer(NOT_VALID))
            return
        if action == "reschedule":
            await call_safely("answerCallbackQuery", chat_id, query.answer())
            await to_rasa(chat_id, RESCHEDULE_PAYLOAD)
            return
        try:
            await asyncio.to_thread(_act, factory or default_sessionmaker(), action, parsed[1])
        except (appointments.WrongToken, BookingError) as error:
            reply = NOT_VALID if isinstance(error, appointments.WrongToken) else str(error)
            await call_safely("answerCallbackQuery", chat_id, query.answer(reply))
            return
        steps = [call_safely("answerCallbackQuery", chat_id, query.answer())]
        if query.message is not None and action != "stop-reminders":
            steps.append(call_safely("editMessageReplyMarkup", chat_id, output.bot.edit_message_reply_markup(
                chat_id=chat_id, message_id=query.message.message_id, reply_markup=None)))
        await asyncio.gather(*steps)
        await output.send_text_message(chat_id, DONE[action])

    return CallbackQueryHandler(tap, pattern=f"^{appointments.BUTTON_PREFIX}")
