"""Real servers on loopback ports for the widget's tests: the demo page and a scripted bot."""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "test-artifacts"
FIXED_CHANNEL = "bot.channels.socketio.SocketIOInput"
RASA_CHANNEL = "socketio"


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_http(url: str, process: subprocess.Popen, timeout: float = 30.0) -> None:
    """Return once url answers; fail early if the process died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server for {url} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout} s")


@dataclass
class ServerProcess:
    """A server started as a child process in its own process group, logging to a file."""

    name: str
    argv: List[str]
    url: str  # where it serves, e.g. http://127.0.0.1:8080
    health_path: str
    env: Dict[str, str]
    process: Optional[subprocess.Popen] = field(default=None, repr=False)

    def start(self) -> "ServerProcess":
        ARTIFACTS.mkdir(exist_ok=True)
        log = open(ARTIFACTS / f"{self.name}.log", "ab")
        self.process = subprocess.Popen(
            self.argv, cwd=REPO_ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        wait_for_http(self.url + self.health_path, self.process)
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process = None


WIDGET_SESSION_SECRET = secrets.token_urlsafe(32)


def base_env(**extra: str) -> Dict[str, str]:
    """The test's environment with the given variables set."""
    env = {key: value for key, value in os.environ.items() if key != "WIDGET_ORIGINS"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    env["WIDGET_SESSION_SECRET"] = WIDGET_SESSION_SECRET  # the same across restarts, as in var/
    env.update(extra)
    return env


def start_web_server(port: int, rasa_public_url: str) -> ServerProcess:
    """`python -m bot.web serve` on a loopback port."""
    return ServerProcess(
        f"web-{port}",
        [sys.executable, "-m", "bot.web", "serve", "--host", "127.0.0.1", "--port", str(port)],
        f"http://127.0.0.1:{port}",
        "/",
        base_env(RASA_PUBLIC_URL=rasa_public_url),
    ).start()


def write_credentials(path: Path, channel: str) -> Path:
    """A credentials file registering one socket.io channel class with persistence on."""
    path.write_text(
        f"{channel}:\n"
        "  user_message_evt: user_uttered\n"
        "  bot_message_evt: bot_uttered\n"
        "  session_persistence: true\n"
    )
    return path


def start_scripted_rasa(
    port: int, credentials: Path, widget_origins: str, cors: Optional[str] = None
) -> ServerProcess:
    """The scripted bot behind a real socket.io channel (see scripted_rasa.py)."""
    argv = [sys.executable, str(Path(__file__).with_name("scripted_rasa.py")), str(port), str(credentials)]
    if cors is not None:
        argv += ["--cors", cors]
    return ServerProcess(
        f"scripted-rasa-{port}",
        argv,
        f"http://127.0.0.1:{port}",
        "/webhooks/socketio/",
        base_env(WIDGET_ORIGINS=widget_origins),
    ).start()


def received_by_bot(server: ServerProcess) -> List[Dict[str, Any]]:
    """What the scripted bot was given so far: [{session_id, text, message_id}]."""
    with urllib.request.urlopen(f"{server.url}/test/received", timeout=5) as answer:
        return json.loads(answer.read())


@dataclass
class ScriptedStack:
    """The demo page's server plus the scripted bot, wired to accept each other."""

    web: ServerProcess
    rasa: ServerProcess
    embed_port: int  # allowed by the bot, free for a test's own page server


@contextmanager
def static_page(port: int, html: str) -> Iterator[str]:
    """Serve one HTML page at http://127.0.0.1:port/ from a thread; yields its URL."""
    body = html.encode()

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")  # no charset, like many old sites
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.shutdown()
        server.server_close()
