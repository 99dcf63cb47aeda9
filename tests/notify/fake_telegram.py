"""A stand-in for the Telegram Bot API on loopback: records sendMessage calls, can fail the first N."""
from __future__ import annotations

import json
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator, List

from tests.support.json_http import reply_json


class FakeTelegram:
    def __init__(self, token: str, fail_first: int = 0) -> None:
        self.token, self.fail_left = token, fail_first
        self.requests: List[dict] = []  # every sendMessage call, failed ones too
        self.base_url = ""


@contextmanager
def telegram_api(fake: FakeTelegram) -> Iterator[FakeTelegram]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            fake.requests.append(body)
            if self.path != f"/bot{fake.token}/sendMessage":
                status, answer = 404, {"ok": False, "description": "Not Found"}
            elif fake.fail_left:
                fake.fail_left -= 1
                status, answer = 502, {"ok": False, "description": "Bad Gateway"}
            else:
                status, answer = 200, {"ok": True, "result": {"message_id": len(fake.requests), "date": 0,
                                                              "chat": {"id": body["chat_id"], "type": "group"}}}
            reply_json(self, status, answer)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
