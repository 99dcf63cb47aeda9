"""Query-string dates for pages, API and export: ISO dates (clinic-local days) or ISO datetimes."""
from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from typing import Mapping, Optional, Tuple

from aiohttp import web

from bot.clinic import Clinic


def bad_request(message: str, as_json: bool = False) -> web.HTTPBadRequest:
    if as_json:
        return web.HTTPBadRequest(text=json.dumps({"error": message}), content_type="application/json")
    return web.HTTPBadRequest(text=message)


def parse_day(text: Optional[str], default: date, as_json: bool = False) -> date:
    if not text:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise bad_request(f"not a date: {text[:40]!r}; use YYYY-MM-DD", as_json) from None


def day_start(clinic: Clinic, day: date) -> datetime:
    """Local midnight at the clinic, as an aware datetime."""
    return datetime.combine(day, time.min, tzinfo=clinic.tz)


def parse_bound(text: Optional[str], clinic: Clinic, default: datetime, end: bool, as_json: bool = False) -> datetime:
    """A range bound: a date means the local day's start (or, as an end, the next day's start)."""
    if not text:
        return default
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return day_start(clinic, day + timedelta(days=1) if end else day)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise bad_request(f"not a date or datetime: {text[:40]!r}; use YYYY-MM-DD or ISO 8601", as_json) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=clinic.tz)


def parse_int(text: Optional[str], default: int, low: int, high: int) -> int:
    try:
        return min(max(int(text), low), high) if text else default
    except ValueError:
        raise bad_request(f"not a number: {text[:20]!r}") from None


def recent_range(query: Mapping[str, str], clinic: Clinic, now: datetime, days: int = 28,
                 as_json: bool = False) -> Tuple[datetime, datetime]:
    """?from=&to= bounds, by default the last `days` local days up to today; 'to' must follow 'from'."""
    today = clinic.local(now).date()
    start = parse_bound(query.get("from"), clinic, day_start(clinic, today - timedelta(days=days - 1)), False, as_json)
    end = parse_bound(query.get("to"), clinic, day_start(clinic, today + timedelta(days=1)), True, as_json)
    if end <= start:
        raise bad_request("'to' must be after 'from'.", as_json)
    return start, end
