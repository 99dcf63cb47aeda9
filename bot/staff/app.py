"""The staff web application: pages at /, the JSON API at /api/."""
from __future__ import annotations

from aiohttp import web
from sqlalchemy.orm import sessionmaker

from bot.clinic import Clinic
from bot.staff import api, pages, patient
from bot.staff.context import CONTEXT, StaffContext, make_templates
from bot.staff.middleware import require_staff, security_headers
from bot.staff.settings import StaffSettings


def create_app(factory: sessionmaker, clinic: Clinic, settings: StaffSettings) -> web.Application:
    ctx = StaffContext(factory=factory, clinic=clinic, settings=settings, templates=make_templates())
    # No sub-applications: aiohttp 3.9's prefixed sub-app routing breaks with the yarl
    # Rasa's dependencies install (Host header with a port is rejected), so /api/ is
    # guarded by a path-checking middleware instead.
    app = web.Application(middlewares=[security_headers, api.bearer_token, require_staff],
                          client_max_size=64 * 1024)
    app[CONTEXT] = ctx
    app.add_routes(pages.routes)
    app.add_routes(api.routes)
    app.add_routes(patient.routes)
    return app
