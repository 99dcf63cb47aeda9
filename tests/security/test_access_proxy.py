"""deploy/nginx/public-site.conf exposes exactly the widget's socket, Telegram's webhook and
the widget files: read from the file, checked by `nginx -t`, and tried with real nginx in
front of the real Rasa server (Rasa's API answers 404 through it, even with the token)."""
from __future__ import annotations

import re
import shutil
import subprocess
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple

import pytest
import requests

from bot.launcher import free_port
from bot.paths import REPO_ROOT

CONFIG = REPO_ROOT / "deploy" / "nginx" / "public-site.conf"
EXPOSED = {"/socket.io/", "= /webhooks/telegram/webhook", "/widget/", "/"}
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def blocks(text: str, keyword: str) -> List[Tuple[str, str]]:
    """(argument, body) of each `keyword <argument> { body }` block (comments removed, braces matched)."""
    text = re.sub(r"#[^\n]*", "", text)
    found = []
    for match in re.finditer(rf"(?m)^\s*{keyword}\b([^{{;]*){{", text):
        depth, start = 1, match.end()
        for index in range(start, len(text)):
            depth += {"{": 1, "}": -1}.get(text[index], 0)
            if depth == 0:
                found.append((match.group(1).strip(), text[start:index]))
                break
    return found


def public_server() -> str:
    return next(body for _, body in blocks(CONFIG.read_text(), "server") if "listen 443" in body)


def test_the_public_server_has_exactly_the_three_locations_and_a_404_for_the_rest() -> None:
    server = public_server()
    locations = dict(blocks(server, "location"))

    assert set(locations) == EXPOSED
    assert re.search(r"return\s+404", locations["/"])
    assert "assistant_rasa" in locations["/socket.io/"] and "assistant_rasa" in locations["= /webhooks/telegram/webhook"]
    assert "assistant_widget_files" in locations["/widget/"]
    assert "client_max_body_size 64k" in server
    assert not re.search(r"/conversations|/webhooks/rest|/model", server)


@pytest.fixture
def nginx_prefix(tmp_path: Path) -> Path:
    if not Path(NGINX).exists():
        pytest.fail("nginx is not installed: apt-get install -y nginx-light (the proxy tests need it)")
    for folder in ("logs", "temp"):
        (tmp_path / folder).mkdir()
    return tmp_path


def main_config(prefix: Path, site: Path, extra: str = "") -> Path:
    path = prefix / "nginx.conf"
    path.write_text(
        f"daemon off;\nmaster_process off;\npid {prefix}/nginx.pid;\nerror_log {prefix}/logs/error.log;\n{extra}"
        "events {}\n"
        f"http {{\n  access_log off;\n  client_body_temp_path {prefix}/temp/body;\n"
        f"  proxy_temp_path {prefix}/temp/proxy;\n  fastcgi_temp_path {prefix}/temp/fastcgi;\n"
        f"  uwsgi_temp_path {prefix}/temp/uwsgi;\n  scgi_temp_path {prefix}/temp/scgi;\n  include {site};\n}}\n")
    return path


def test_nginx_accepts_the_file_as_shipped(nginx_prefix: Path) -> None:
    key, cert = nginx_prefix / "privkey.pem", nginx_prefix / "fullchain.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=chat.clinic.example",
                    "-days", "1", "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    site = nginx_prefix / "site.conf"
    site.write_text(CONFIG.read_text().replace("/etc/ssl/clinic/privkey.pem", str(key))
                    .replace("/etc/ssl/clinic/fullchain.pem", str(cert)))

    checked = subprocess.run([NGINX, "-t", "-p", str(nginx_prefix), "-c", str(main_config(nginx_prefix, site))],
                             capture_output=True, text=True)

    assert checked.returncode == 0, checked.stderr


@contextmanager
def widget_files_stub() -> Iterator[int]:
    """Stands in for bot.web: answers every GET with 200 "widget"."""
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"widget")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()


@contextmanager
def running_nginx(prefix: Path, rasa_port: int, files_port: int) -> Iterator[str]:
    """The shipped file in front of the stack, on a free loopback port over plain HTTP."""
    port = free_port()
    text = (CONFIG.read_text().replace("127.0.0.1:5005", f"127.0.0.1:{rasa_port}")
            .replace("127.0.0.1:8080", f"127.0.0.1:{files_port}")
            .replace("listen 443 ssl;", f"listen 127.0.0.1:{port};").replace("listen 80;", f"listen 127.0.0.1:{free_port()};"))
    text = re.sub(r"\n\s*ssl_[a-z_]+\s[^;]*;", "", text)
    site = prefix / "site.conf"
    site.write_text(text)
    process = subprocess.Popen([NGINX, "-p", str(prefix), "-c", str(main_config(prefix, site))],
                               stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                requests.get(f"http://127.0.0.1:{port}/", timeout=1)
                break
            except requests.ConnectionError:
                assert process.poll() is None and time.monotonic() < deadline, (prefix / "logs/error.log").read_text()
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.e2e
def test_through_nginx_only_the_socket_the_telegram_webhook_and_the_widget_files_answer(
    rasa_stack: Any, nginx_prefix: Path
) -> None:
    token = rasa_stack.token
    with widget_files_stub() as files_port, running_nginx(nginx_prefix, int(rasa_stack.env["RASA_PORT"]), files_port) as url:
        def status(method: str, path: str, **kwargs: Any) -> int:
            return requests.request(method, url + path, timeout=30, **kwargs).status_code

        hidden: Dict[str, int] = {
            path: status("GET", path, params={"token": token})
            for path in ("/", "/status", "/version", "/conversations/tg:1/tracker", "/webhooks/rest/", "/model")
        }
        hidden["POST /webhooks/rest/webhook"] = status(
            "POST", "/webhooks/rest/webhook", json={"sender": "x", "message": "hi"},
            headers={"Authorization": f"Bearer {token}"})
        hidden["POST /model/parse"] = status("POST", "/model/parse", params={"token": token}, json={"text": "hi"})
        socket = requests.get(f"{url}/socket.io/", params={"EIO": "4", "transport": "polling"}, timeout=30)
        telegram_without_secret = status("POST", "/webhooks/telegram/webhook", json={"update_id": 1})
        telegram_get = status("GET", "/webhooks/telegram/webhook")
        oversize = status("POST", "/webhooks/telegram/webhook", data=b"x" * 100_000)
        widget = requests.get(f"{url}/widget/widget.js", timeout=30)

    assert set(hidden.values()) == {404}, hidden
    assert socket.status_code == 200 and socket.text.startswith("0{"), socket.text[:80]
    assert telegram_without_secret == 403  # Rasa's own answer: the request got through, the secret did not
    assert telegram_get == 403
    assert oversize == 413
    assert (widget.status_code, widget.text) == (200, "widget")
