"""Login and CSRF checks for the staff pages, and security headers for every response.

Pages need a live session cookie; every POST needs the session's CSRF token in
its form (403 otherwise). The JSON API (/api/), the patients' calendar links
(/calendar/), their appointment links (/appointment/, token-checked), the health
check and the login page are outside the session.
"""
from __future__ import annotations

import logging
from typing import Awaitable, Callable, Optional, Tuple
from urllib.parse import quote

from aiohttp import web
from sqlalchemy.orm import Session

from bot.staff.auth import load_session, tokens_match
from bot.staff.context import STAFF, Staff, in_db

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

SESSION_COOKIE = "staff_session"
PUBLIC_PREFIXES = ("/login", "/healthz", "/calendar/", "/appointment/", "/api/")


def _session_identity(session: Session, cookie: Optional[str]) -> Optional[Tuple[str, str]]:
    found = load_session(session, cookie)
    return (found.user.username, found.csrf_token) if found else None


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as error:
        response = error
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault(
        "Content-Security-Policy", "default-src 'none'; style-src 'self' 'unsafe-inline'; form-action 'self'"
    )
    if not request.path.startswith("/calendar/"):
        response.headers.setdefault("Cache-Control", "no-store")
    if isinstance(response, web.HTTPException):
        raise response
    return response


@web.middleware
async def require_staff(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.path.startswith(PUBLIC_PREFIXES):
        return await handler(request)
    cookie = request.cookies.get(SESSION_COOKIE)
    identity = await in_db(request, _session_identity, cookie)
    if identity is None:
        if request.method == "GET":
            raise web.HTTPFound(f"/login?next={quote(request.path_qs, safe='')}")
        raise web.HTTPForbidden(text="Your session has ended. Please log in again.")
    request[STAFF] = Staff(username=identity[0], csrf_token=identity[1], cookie=cookie)
    if request.method == "POST":
        given = (await request.post()).get("csrf_token")
        if not tokens_match(identity[1], given if isinstance(given, str) else None):
            log.warning("CSRF check failed for %s %s", request.method, request.path)
            raise web.HTTPForbidden(text="The form's security token is missing or wrong. Reload the page and retry.")
    return await handler(request)
