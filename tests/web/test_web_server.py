"""`python -m bot.web serve` and `size` over real HTTP: the demo page, its CSP, the widget's files."""

from __future__ import annotations

import re
import subprocess
import sys
import urllib.error
import urllib.request
from html.parser import HTMLParser
from typing import Dict, Iterator, List

import pytest

from bot.clinic import load_clinic
from bot.web.assets import WIDGET_DIR
from bot.web.size import BUDGET_BYTES, gzipped_sizes
from widget_servers import REPO_ROOT, ServerProcess, free_port, start_web_server

PUBLIC_RASA = "https://chat.clinic.example"


@pytest.fixture(scope="module")
def web() -> Iterator[ServerProcess]:
    server = start_web_server(free_port(), PUBLIC_RASA)
    yield server
    server.stop()


def fetch(url: str) -> "tuple[int, Dict[str, str], bytes]":
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), b""


class ScriptTags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: List[Dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "script":
            self.scripts.append(dict(attrs))


def test_demo_page_embeds_the_widget_with_one_script_tag(web: ServerProcess) -> None:
    status, _, body = fetch(web.url + "/")
    page = body.decode()
    parser = ScriptTags()
    parser.feed(page)
    assert status == 200
    assert parser.scripts == [
        {
            "src": "/widget/widget.js",
            "data-server": PUBLIC_RASA,
            "data-title": "Foot & knee pain check",
            "data-color": "#0b5cab",
            "defer": None,
        }
    ]
    clinic = load_clinic()
    assert clinic.name in page
    for location in clinic.locations:
        assert location.address in page and location.phone in page
    assert "tel:+12125550142" in page


def test_demo_page_csp_allows_no_eval_and_no_inline_code(web: ServerProcess) -> None:
    _, headers, _ = fetch(web.url + "/")
    policy = headers["Content-Security-Policy"]
    assert "unsafe-eval" not in policy and "unsafe-inline" not in policy
    assert "script-src 'self'" in policy
    assert "connect-src 'self' https://chat.clinic.example wss://chat.clinic.example" in policy


def test_widget_files_can_be_loaded_from_other_sites(web: ServerProcess) -> None:
    for name, kind in (("widget.js", "text/javascript"), ("widget.css", "text/css"),
                       ("socket.io.esm.min.js", "text/javascript")):
        status, headers, body = fetch(f"{web.url}/widget/{name}")
        assert status == 200 and body
        assert headers["Content-Type"] == f"{kind}; charset=utf-8"
        assert headers["Access-Control-Allow-Origin"] == "*"  # the ES module import is a CORS fetch
    _, _, client = fetch(web.url + "/widget/socket.io.esm.min.js")
    assert re.match(rb"/\*!\n \* Socket\.IO v4\.", client)


@pytest.mark.parametrize("path", ["/widget/nope.js", "/widget/..%2Fserver.py", "/widget/package.json"])
def test_only_the_widget_files_are_served(web: ServerProcess, path: str) -> None:
    assert fetch(web.url + path)[0] == 404


def test_widget_source_never_evaluates_code_or_parses_html() -> None:
    """Bot text goes into text nodes only, and the clinic's CSP needs no unsafe-eval."""
    source = (WIDGET_DIR / "widget.js").read_text()
    for forbidden in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
                      "new Function", "setTimeout(\"", "cssText"):
        assert forbidden not in source, forbidden


def test_widget_sources_are_ascii_so_a_page_charset_cannot_garble_them() -> None:
    for name in ("widget.js", "widget.css"):
        (WIDGET_DIR / name).read_text(encoding="ascii")


def test_widget_stays_under_60_kb_gzipped() -> None:
    sizes = gzipped_sizes()
    assert set(sizes) == {"widget.js", "widget.css", "socket.io.esm.min.js"}
    assert sum(sizes.values()) < BUDGET_BYTES
    printed = subprocess.run(
        [sys.executable, "-m", "bot.web", "size"], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    ).stdout
    total_kb = sum(sizes.values()) / 1024
    assert f"total {' ' * 22} {total_kb:6.1f} kB gzipped (within the 60 kB budget)" in printed
