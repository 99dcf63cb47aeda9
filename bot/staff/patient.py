"""The patient's own links, /appointment/<token>/{confirm,move,cancel,stop-reminders}: no login.

A GET only shows the appointment and a button; the change happens on POST, so a
mail scanner that opens links cannot cancel anyone's appointment. The token is
the credential (checked in constant time by bot.storage.appointments); a wrong
one gets the same 404 as an unknown booking.
"""
from __future__ import annotations

import logging
from typing import Any, Callable, Dict, Optional

from aiohttp import web
from sqlalchemy.orm import Session

from bot.clinic import Clinic
from bot.staff.context import context, in_db, render
from bot.storage import appointments
from bot.storage.booking import BookingError
from bot.storage.models import Booking, utcnow

log = logging.getLogger(__name__)
routes = web.RouteTableDef()
TOKEN = r"{token:\d{1,12}\.[A-Za-z0-9_-]{16,64}}"
ACTIONS: Dict[str, Dict[str, Any]] = {
    "confirm": {"question": "Confirm that you are coming?", "button": "Yes, I am coming",
                "done": "Thank you, your appointment is confirmed.", "do": appointments.confirm_attendance},
    "cancel": {"question": "Cancel this appointment?", "button": "Cancel my appointment",
               "done": "Your appointment is cancelled; the time is free for someone else.",
               "do": appointments.cancel_by_patient},
    "stop-reminders": {"question": "Stop reminders for this appointment?", "button": "Stop reminders",
                       "done": "You will get no more reminders for this appointment.",
                       "do": appointments.stop_reminders},
}


def _summary(booking: Booking, clinic: Clinic) -> Dict[str, Any]:
    return {"when": clinic.when(booking.slot.starts_at), "place": booking.slot.location.name,
            "address": booking.slot.location.address, "status": booking.status,
            "confirmed": booking.patient_confirmed_at is not None, "opted_out": booking.reminders_opt_out}


def _look(session: Session, clinic: Clinic, token: str, change: Optional[Callable] = None,
          *args: Any) -> Dict[str, Any]:
    if change is not None:
        change(session, token, *args)
    return _summary(appointments.booking_for_token(session, token), clinic)


def _other_times(session: Session, clinic: Clinic, token: str) -> list:
    return [{"id": s.id, "when": clinic.when(s.starts_at)} for s in appointments.other_times(session, token, clinic)]


async def _page(request: web.Request, work: tuple, **values: Any) -> web.Response:
    """Run the page's database work (fn, *args); a wrong token is 404, a refused change 409 with the reason."""
    try:
        found = await in_db(request, *work)
    except appointments.WrongToken:
        log.info("patient link with a wrong token refused")
        return render(request, "error.html", status=404, message="This link is not valid.", back=None)
    except BookingError as error:
        return render(request, "appointment.html", status=409, appointment=None, **{**values, "message": str(error)})
    return render(request, "appointment.html", appointment=found, **values)


@routes.get(rf"/appointment/{TOKEN}/{{action:confirm|cancel|stop-reminders}}")
async def ask(request: web.Request) -> web.Response:
    action = request.match_info["action"]
    work = (_look, context(request).clinic, request.match_info["token"])
    return await _page(request, work, action=action, text=ACTIONS[action], message=None, times=None)


@routes.post(rf"/appointment/{TOKEN}/{{action:confirm|cancel|stop-reminders}}")
async def act(request: web.Request) -> web.Response:
    action = request.match_info["action"]
    work = (_look, context(request).clinic, request.match_info["token"], ACTIONS[action]["do"])
    log.info("patient link: %s", action)
    return await _page(request, work, action=None, text=ACTIONS[action], message=ACTIONS[action]["done"], times=None)


@routes.get(rf"/appointment/{TOKEN}/move")
async def move_form(request: web.Request) -> web.Response:
    clinic, token = context(request).clinic, request.match_info["token"]
    try:
        times = await in_db(request, _other_times, clinic, token)
    except (appointments.WrongToken, BookingError):
        times = []
    return await _page(request, (_look, clinic, token), action="move",
                       text={"question": "Pick another time:", "button": "Move here"}, message=None, times=times)


@routes.post(rf"/appointment/{TOKEN}/move")
async def move(request: web.Request) -> web.Response:
    clinic, token = context(request).clinic, request.match_info["token"]
    form = await request.post()
    try:
        slot_id = int(str(form.get("slot_id", "")))
    except ValueError:
        raise web.HTTPBadRequest(text="Pick a time.") from None
    log.info("patient link: move")
    work = (_look, clinic, token, appointments.move_by_patient, slot_id, clinic, utcnow())
    return await _page(request, work, action=None, text={}, message="Your appointment is moved.", times=None)
