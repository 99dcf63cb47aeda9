"""What every staff handler needs: the database, the clinic, settings and templates."""
from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Callable, TypeVar

import jinja2
from aiohttp import web
from sqlalchemy.orm import sessionmaker

from bot.clinic import Clinic, clock
from bot.staff.settings import StaffSettings
from bot.staff.throttle import LoginThrottle

T = TypeVar("T")
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


@dataclass(frozen=True)
class StaffContext:
    factory: sessionmaker
    clinic: Clinic
    settings: StaffSettings
    templates: jinja2.Environment
    login_throttle: LoginThrottle = field(default_factory=LoginThrottle)


@dataclass(frozen=True)
class Staff:
    """The logged-in user of a request."""

    username: str
    csrf_token: str
    cookie: str


CONTEXT = web.AppKey("staff_context", StaffContext)
STAFF = "staff"  # request key holding a Staff


def long_day(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def make_templates() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
    )
    env.filters["clock"] = clock
    env.filters["long_day"] = long_day
    return env


def context(request: web.Request) -> StaffContext:
    return request.app[CONTEXT]


def _in_session(factory: sessionmaker, fn: Callable[..., T], args: tuple) -> T:
    with factory.begin() as session:
        return fn(session, *args)


async def in_db(request: web.Request, fn: Callable[..., T], *args: Any) -> T:
    """Run fn(session, *args) in one transaction on a worker thread (keeps the event loop free)."""
    return await asyncio.to_thread(_in_session, context(request).factory, fn, args)


def render(request: web.Request, template: str, status: int = 200, **values: Any) -> web.Response:
    ctx = context(request)
    html = ctx.templates.get_template(template).render(
        clinic=ctx.clinic, staff=request.get(STAFF), path=request.path, **values
    )
    return web.Response(text=html, status=status, content_type="text/html")
