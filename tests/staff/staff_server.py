"""Run the staff aiohttp app on a loopback port in a background thread, and a fake Rasa tracker API."""
from __future__ import annotations

import asyncio
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Dict, Iterator, List
from urllib.parse import parse_qs, urlsplit

from aiohttp import web

from bot.launcher import free_port

from tests.support.json_http import reply_json


@contextmanager
def serving(app: web.Application) -> Iterator[str]:
    """The app's base URL while it serves real HTTP on 127.0.0.1, from a loop in its own thread
    (so the caller's thread may run another loop, e.g. Playwright's)."""
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(app)
    port = free_port()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()

    def run(coroutine) -> None:
        asyncio.run_coroutine_threadsafe(coroutine, loop).result(timeout=30)

    try:
        run(runner.setup())
        run(web.TCPSite(runner, "127.0.0.1", port).start())
        yield f"http://127.0.0.1:{port}"
    finally:
        run(runner.cleanup())
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()


@dataclass
class FakeRasa:
    url: str
    asked: List[str] = field(default_factory=list)


@contextmanager
def fake_rasa(token: str, trackers: Dict[str, dict]) -> Iterator[FakeRasa]:
    """GET /conversations/<id>/tracker?token=…, answering 401 for a wrong token."""
    asked: List[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            url = urlsplit(self.path)
            asked.append(url.path)
            conversation = url.path.removeprefix("/conversations/").removesuffix("/tracker")
            if parse_qs(url.query).get("token") != [token]:
                status, body = 401, {"message": "unauthorized"}
            elif conversation in trackers:
                status, body = 200, trackers[conversation]
            else:
                status, body = 404, {"message": "not found"}
            reply_json(self, status, body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield FakeRasa(f"http://127.0.0.1:{server.server_address[1]}", asked)
    finally:
        server.shutdown()
        server.server_close()
