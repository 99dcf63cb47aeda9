"""The staff pages: login, upcoming bookings, booking detail, callbacks, slots, CSV, calendar files."""
from __future__ import annotations

import logging
import secrets
from datetime import timedelta
from typing import Optional
from urllib.parse import urlencode

import sqlalchemy as sa
from aiohttp import web
from sqlalchemy.orm import Session

from bot.calendar import booking_ics
from bot.staff.auth import authenticate, end_session, start_session, tokens_match
from bot.staff.charts import bar_chart
from bot.staff.context import STAFF, context, in_db, render
from bot.staff.export import bookings_csv
from bot.staff.funnel import funnel_between, funnel_charts
from bot.staff.middleware import SESSION_COOKIE
from bot.staff.params import day_start, parse_bound, parse_day, parse_int, recent_range
from bot.staff.throttle import keys_for
from bot.staff.transcript import fetch_transcript
from bot.staff.views import booking_detail, booking_rows, callback_rows, slot_rows, upcoming_by_day
from bot.storage.booking import BookingError, cancel_booking, confirm_booking, set_slot_blocked
from bot.storage.conversations import mark_callback_done
from bot.storage.findings import calibration_records, record_finding, set_attendance
from bot.storage.models import Booking, utcnow
from bot.triage.calibrate import band_rates

log = logging.getLogger(__name__)
routes = web.RouteTableDef()
LOGIN_COOKIE = "staff_login_csrf"


def _safe_next(target: Optional[str]) -> str:
    """Only same-site paths, so the login page cannot be used to redirect elsewhere."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/bookings"


def _cookie_options(request: web.Request) -> dict:
    return {"httponly": True, "samesite": "Lax", "secure": context(request).settings.secure_cookies}


def _today(request: web.Request):
    return context(request).clinic.local(utcnow()).date()


def _login_page(request: web.Request, status: int = 200, error: Optional[str] = None) -> web.Response:
    token = secrets.token_urlsafe(32)
    response = render(request, "login.html", status=status, csrf=token, error=error,
                      next=_safe_next(request.query.get("next")))
    response.set_cookie(LOGIN_COOKIE, token, path="/login", max_age=3600, **_cookie_options(request))
    return response


def _log_in(session: Session, username: str, password: str, hours: float) -> Optional[str]:
    user = authenticate(session, username, password)
    return start_session(session, user, hours) if user else None


@routes.get("/healthz")
async def healthz(request: web.Request) -> web.Response:
    return web.Response(text="ok")


@routes.get("/")
async def home(request: web.Request) -> web.Response:
    raise web.HTTPFound("/bookings")


@routes.get("/login")
async def login_form(request: web.Request) -> web.Response:
    return _login_page(request)


@routes.post("/login")
async def login(request: web.Request) -> web.Response:
    form = await request.post()
    given = form.get("csrf_token")
    if not tokens_match(request.cookies.get(LOGIN_COOKIE, ""), given if isinstance(given, str) else None):
        raise web.HTTPForbidden(text="The login form's security token is missing or expired. Reload the page.")
    username, password = str(form.get("username", "")), str(form.get("password", ""))
    throttle, keys = context(request).login_throttle, keys_for(username, request.remote or "")
    wait_s = throttle.retry_after(keys)
    if wait_s:
        log.warning("staff login throttled from %s (too many failures), retry in %d s", request.remote, wait_s)
        response = _login_page(request, status=429, error=f"Too many failed logins. Try again in {wait_s // 60 + 1} minutes.")
        response.headers["Retry-After"] = str(wait_s)
        return response
    cookie = await in_db(request, _log_in, username, password, context(request).settings.session_hours)
    if cookie is None:
        throttle.failed(keys)
        log.info("staff login refused from %s", request.remote)  # never the password, nor the name typed
        return _login_page(request, status=401, error="Wrong username or password.")
    throttle.succeeded(keys[0])
    log.info("staff login accepted")
    response = web.HTTPSeeOther(_safe_next(str(form.get("next", ""))))
    response.set_cookie(SESSION_COOKIE, cookie, path="/", max_age=int(context(request).settings.session_hours * 3600),
                        **_cookie_options(request))
    response.del_cookie(LOGIN_COOKIE, path="/login")
    raise response


@routes.post("/logout")
async def logout(request: web.Request) -> web.Response:
    await in_db(request, end_session, request[STAFF].cookie)
    response = web.HTTPSeeOther("/login")
    response.del_cookie(SESSION_COOKIE, path="/")
    raise response


def _location_param(request: web.Request, default: Optional[str]) -> Optional[str]:
    location = request.query.get("location") or default
    if location is not None and location not in {loc.id for loc in context(request).clinic.locations}:
        raise web.HTTPBadRequest(text=f"unknown location {location[:40]!r}")
    return location


@routes.get("/bookings")
async def bookings(request: web.Request) -> web.Response:
    ctx = context(request)
    start_day = parse_day(request.query.get("from"), _today(request))
    days = parse_int(request.query.get("days"), 14, 1, 92)
    location = _location_param(request, None)
    groups = await in_db(request, upcoming_by_day, ctx.clinic, ctx.settings.public_url,
                         day_start(ctx.clinic, start_day), days, location)
    return render(request, "bookings.html", groups=groups, start_day=start_day, days=days, location=location)


@routes.get(r"/bookings/{id:\d+}")
async def booking(request: web.Request) -> web.Response:
    ctx = context(request)
    detail = await in_db(request, booking_detail, ctx.clinic, ctx.settings.public_url, int(request.match_info["id"]))
    if detail is None:
        raise web.HTTPNotFound(text="No such booking.")
    transcript = await fetch_transcript(ctx.settings.rasa_url, ctx.settings.rasa_token, detail["conversation_id"])
    return render(request, "booking.html", booking=detail, transcript=transcript)


async def _staff_change(request: web.Request, change, target_id: int, redirect_to: str, *args) -> web.Response:
    """Run a staff action; a refused one shows the reason with 409 instead of a stack trace."""
    try:
        await in_db(request, change, target_id, *args)
    except (BookingError, LookupError) as error:
        return render(request, "error.html", status=409, message=str(error), back=redirect_to)
    log.info("staff %s: %s %d", request[STAFF].username, change.__name__, target_id)
    raise web.HTTPSeeOther(redirect_to)


def _staff_cancel(session: Session, booking_id: int) -> Booking:
    return cancel_booking(session, booking_id, notify_clinic=False)


@routes.post(r"/bookings/{id:\d+}/cancel")
async def cancel(request: web.Request) -> web.Response:
    booking_id = int(request.match_info["id"])
    return await _staff_change(request, _staff_cancel, booking_id, f"/bookings/{booking_id}")


@routes.post(r"/bookings/{id:\d+}/confirm")
async def confirm(request: web.Request) -> web.Response:
    booking_id = int(request.match_info["id"])
    return await _staff_change(request, confirm_booking, booking_id, f"/bookings/{booking_id}")


@routes.post(r"/bookings/{id:\d+}/attendance")
async def attendance(request: web.Request) -> web.Response:
    booking_id = int(request.match_info["id"])
    value = str((await request.post()).get("attendance", ""))
    return await _staff_change(request, set_attendance, booking_id, f"/bookings/{booking_id}", value)


def _finding_form(form) -> dict:
    try:
        return {"fpi_left": int(str(form.get("fpi_left", ""))), "fpi_right": int(str(form.get("fpi_right", ""))),
                "foot_posture": str(form.get("foot_posture", "")), "orthotics": form.get("orthotics") == "yes",
                "note": str(form.get("note", ""))}
    except ValueError:
        raise web.HTTPBadRequest(text="The Foot Posture Index is a whole number from -12 to +12 per foot.") from None


def _save_finding(session: Session, booking_id: int, fields: dict) -> None:
    record_finding(session, booking_id, **fields)


@routes.post(r"/bookings/{id:\d+}/finding")
async def finding(request: web.Request) -> web.Response:
    booking_id = int(request.match_info["id"])
    fields = _finding_form(await request.post())
    return await _staff_change(request, _save_finding, booking_id, f"/bookings/{booking_id}", fields)


@routes.get("/funnel")
async def funnel_page(request: web.Request) -> web.Response:
    ctx = context(request)
    start, end = recent_range(request.query, ctx.clinic, utcnow())
    counts = await in_db(request, funnel_between, ctx.clinic, ctx.settings.tracker_url, start, end)
    return render(request, "funnel.html", funnel=counts, charts=funnel_charts(counts), start=ctx.clinic.local(start),
                  end=ctx.clinic.local(end) - timedelta(days=1))


def _calibration(session: Session) -> list:
    return band_rates(calibration_records(session))


@routes.get("/calibration")
async def calibration(request: web.Request) -> web.Response:
    rates = await in_db(request, _calibration)
    chart = bar_chart("Share of attended patients with a foot-mechanics finding, per likelihood band", [
        (f"{r.band} (n={r.patients})", 100 * (r.rate or 0),
         f"{100 * r.rate:.0f}% (95% CI {100 * r.low:.0f}-{100 * r.high:.0f}%)" if r.patients else "no patients")
        for r in rates], maximum=100)
    return render(request, "calibration.html", rates=rates, chart=chart)


@routes.get("/callbacks")
async def callbacks(request: web.Request) -> web.Response:
    rows = await in_db(request, callback_rows, context(request).clinic)
    return render(request, "callbacks.html", callbacks=rows)


@routes.post(r"/callbacks/{id:\d+}/done")
async def callback_done(request: web.Request) -> web.Response:
    return await _staff_change(request, mark_callback_done, int(request.match_info["id"]), "/callbacks")


@routes.get("/slots")
async def slots(request: web.Request) -> web.Response:
    clinic = context(request).clinic
    location = _location_param(request, clinic.locations[0].id)
    day = parse_day(request.query.get("day"), _today(request))
    rows = await in_db(request, slot_rows, clinic, location, day)
    return render(request, "slots.html", slots=rows, location=location, day=day,
                  previous_day=day - timedelta(days=1), next_day=day + timedelta(days=1))


@routes.post(r"/slots/{id:\d+}/{action:block|unblock}")
async def block(request: web.Request) -> web.Response:
    form = await request.post()
    back = "/slots?" + urlencode({"location": str(form.get("location", "")), "day": str(form.get("day", ""))})
    blocked = request.match_info["action"] == "block"
    return await _staff_change(request, set_slot_blocked, int(request.match_info["id"]), back, blocked)


@routes.get("/export.csv")
async def export(request: web.Request) -> web.Response:
    ctx = context(request)
    start = parse_bound(request.query.get("from"), ctx.clinic, day_start(ctx.clinic, _today(request)), end=False)
    end = parse_bound(request.query.get("to"), ctx.clinic, start + timedelta(days=31), end=True)
    rows = await in_db(request, booking_rows, ctx.clinic, ctx.settings.public_url, start, end)
    return web.Response(
        text=bookings_csv(rows), content_type="text/csv", charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="bookings-{start:%Y-%m-%d}.csv"'},
    )


def _ics_for(session: Session, clinic, token: str) -> Optional[str]:
    found = session.scalars(sa.select(Booking).where(Booking.calendar_token == token)).first()
    return booking_ics(found, clinic) if found else None


@routes.get(r"/calendar/{token:[A-Za-z0-9_-]{16,64}}.ics")
async def calendar(request: web.Request) -> web.Response:
    ics = await in_db(request, _ics_for, context(request).clinic, request.match_info["token"])
    if ics is None:
        raise web.HTTPNotFound(text="No such calendar entry.")
    return web.Response(
        text=ics, content_type="text/calendar", charset="utf-8",
        headers={"Content-Disposition": 'attachment; filename="gait-analysis.ics"',
                 "Cache-Control": "no-cache", "X-Robots-Tag": "noindex"},
    )
