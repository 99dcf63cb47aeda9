"""`python -m bot.web serve`: the demo clinic page and the widget's files over HTTP.

The page is a plausible home page for the clinic in clinic.yml with the widget
embedded by one script tag, and it is served under a strict content-security
policy (no unsafe-eval, no inline scripts or styles) to prove the widget needs none.
"""

from __future__ import annotations

import os
import re
from typing import Awaitable, Callable
from urllib.parse import urlsplit

import jinja2
from aiohttp import web

from bot import log_privacy
from bot.clinic import load_clinic
from bot.web.assets import SITE_DIR, widget_files

DEFAULT_RASA_PUBLIC_URL = "http://localhost:5005"
CONTENT_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def rasa_public_url() -> str:
    """The Rasa server as browsers reach it (env RASA_PUBLIC_URL)."""
    return (os.environ.get("RASA_PUBLIC_URL") or DEFAULT_RASA_PUBLIC_URL).rstrip("/")


def content_security_policy(rasa_url: str) -> str:
    """The demo page's CSP: only this server's files, and sockets to the Rasa server."""
    parts = urlsplit(rasa_url)
    socket_scheme = "wss" if parts.scheme == "https" else "ws"
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            f"connect-src 'self' {parts.scheme}://{parts.netloc} {socket_scheme}://{parts.netloc}",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def tel_link(phone: str) -> str:
    """A US phone number as a tel: link target, e.g. tel:+12125550142."""
    return "tel:+1" + re.sub(r"\D", "", phone)[-10:]


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Headers every response carries."""
    response = await handler(request)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    return response


def create_app(rasa_url: str) -> web.Application:
    """The aiohttp app: / (demo page), /widget/* (the widget), /site/* (the page's assets)."""
    clinic = load_clinic()
    files = widget_files()
    templates = jinja2.Environment(
        loader=jinja2.FileSystemLoader(SITE_DIR), autoescape=True, undefined=jinja2.StrictUndefined
    )
    templates.filters["tel"] = tel_link
    page = templates.get_template("index.html").render(clinic=clinic, rasa_url=rasa_url)
    policy = content_security_policy(rasa_url)

    async def home(_: web.Request) -> web.Response:
        return web.Response(
            text=page, content_type="text/html", headers={"Content-Security-Policy": policy}
        )

    async def widget_file(request: web.Request) -> web.FileResponse:
        path = files.get(request.match_info["name"])
        if path is None:
            raise web.HTTPNotFound()
        # Clinics embed the widget from their own origin: the ES module import needs CORS.
        return web.FileResponse(
            path,
            headers={
                "Access-Control-Allow-Origin": "*",
                "Cross-Origin-Resource-Policy": "cross-origin",
                "Cache-Control": "no-cache",
                "Content-Type": CONTENT_TYPES[path.suffix],
            },
        )

    app = web.Application(middlewares=[security_headers])
    app.router.add_get("/", home)
    app.router.add_get("/widget/{name}", widget_file)
    app.router.add_static("/site/", SITE_DIR / "static")
    return app


def serve(host: str, port: int) -> None:
    """Serve until interrupted and say where the page is."""
    log_privacy.install()
    app = create_app(rasa_public_url())
    shown_host = "localhost" if host in ("0.0.0.0", "127.0.0.1", "::") else host
    print(f"Clinic demo page with the chat widget: http://{shown_host}:{port}/", flush=True)
    web.run_app(app, host=host, port=port, print=None, access_log=None)
