"""JSON API for a clinic's scheduling system, behind a bearer token (STAFF_API_TOKEN).

Without the variable the API is switched off (503), so a forgotten setting can
never mean an open API. Bookings include cancelled ones, with their status, so
a puller sees cancellations.
"""
from __future__ import annotations

from datetime import timedelta
from typing import Any, Dict

from aiohttp import web

from bot.staff.auth import tokens_match
from bot.staff.context import context, in_db
from bot.staff.funnel import funnel_between
from bot.staff.middleware import Handler
from bot.staff.params import parse_bound, recent_range
from bot.staff.views import assessment_json, booking_rows
from bot.storage.models import utcnow

routes = web.RouteTableDef()
PREFIX = "/api/"


def _json_error(status: int, message: str, **headers: str) -> web.Response:
    return web.json_response({"error": message}, status=status, headers=headers)


@web.middleware
async def bearer_token(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Guards /api/ only (the pages have their own session check)."""
    if not request.path.startswith(PREFIX):
        return await handler(request)
    expected = context(request).settings.api_token
    if not expected:
        return _json_error(503, "The staff API is disabled: set STAFF_API_TOKEN to enable it.")
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not tokens_match(expected, given.strip()):
        return _json_error(401, "A valid bearer token is required.", **{"WWW-Authenticate": 'Bearer realm="staff"'})
    return await handler(request)


NOT_FOR_THE_API = frozenset({"conversation_id"})  # it opens the patient's chat on the Rasa API: staff pages only


def _json_booking(row: Dict[str, Any]) -> Dict[str, Any]:
    return {key: value.isoformat() if hasattr(value, "isoformat") else value for key, value in row.items()
            if key not in NOT_FOR_THE_API}


@routes.get("/api/bookings")
async def bookings(request: web.Request) -> web.Response:
    """?from=&to= (YYYY-MM-DD clinic-local days, inclusive, or ISO datetimes); default: the next 30 days."""
    ctx = context(request)
    start = parse_bound(request.query.get("from"), ctx.clinic, utcnow(), end=False, as_json=True)
    end = parse_bound(request.query.get("to"), ctx.clinic, start + timedelta(days=30), end=True, as_json=True)
    if end <= start:
        return _json_error(400, "'to' must be after 'from'.")
    rows = await in_db(request, booking_rows, ctx.clinic, ctx.settings.public_url, start, end)
    return web.json_response({"from": start.isoformat(), "to": end.isoformat(),
                              "bookings": [_json_booking(row) for row in rows]})


@routes.get(r"/api/assessments/{id:\d+}")
async def assessment(request: web.Request) -> web.Response:
    found = await in_db(request, assessment_json, int(request.match_info["id"]))
    if found is None:
        return _json_error(404, "No such assessment.")
    return web.json_response(found)



@routes.get("/api/funnel")
async def funnel(request: web.Request) -> web.Response:
    """?from=&to= as for bookings; default: the last 28 days. Counts only, no conversation content."""
    ctx = context(request)
    start, end = recent_range(request.query, ctx.clinic, utcnow(), as_json=True)
    counts = await in_db(request, funnel_between, ctx.clinic, ctx.settings.tracker_url, start, end)
    return web.json_response({"from": start.isoformat(), "to": end.isoformat(), **counts})
