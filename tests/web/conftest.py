"""Fixtures for the widget's tests: real servers on loopback ports and the system Chromium."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext

from widget_page import CSP_PROBE
from widget_servers import (
    FIXED_CHANNEL,
    ScriptedStack,
    free_port,
    start_scripted_rasa,
    start_web_server,
    write_credentials,
)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def scripted_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScriptedStack]:
    """The demo page and the scripted bot. The bot accepts two page origins: the demo
    page's, and a port kept free for a clinic page that embeds the widget from afar."""
    web_port, rasa_port, embed_port = free_port(), free_port(), free_port()
    credentials = write_credentials(tmp_path_factory.mktemp("scripted") / "credentials.yml", FIXED_CHANNEL)
    origins = f"http://127.0.0.1:{web_port} http://127.0.0.1:{embed_port}"
    rasa = start_scripted_rasa(rasa_port, credentials, widget_origins=origins)
    try:
        web = start_web_server(web_port, rasa.url)
    except Exception:
        rasa.stop()
        raise
    yield ScriptedStack(web, rasa, embed_port)
    web.stop()
    rasa.stop()


@pytest.fixture(scope="module")
def browser():
    """Headless system Chromium, driven by Playwright's sync API."""
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing: apt-get update && apt-get install -y --no-install-recommends chromium"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh desktop-sized page context that records CSP violations."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.add_init_script(CSP_PROBE)
    yield context
    context.close()
