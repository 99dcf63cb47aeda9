"""Driving the chat widget in a Playwright page the way a patient would.

Playwright's CSS and role locators pierce the widget's open shadow root.
"""

from __future__ import annotations

import json
import os
import re
import time
from datetime import datetime
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

from playwright.sync_api import Page, expect

from bot.security.senders import widget_sender
from bot.web.assets import AXE_CORE
from widget_servers import ARTIFACTS, REPO_ROOT

STORE = "clinic-chat:"
ALL_IMPACTS = ("minor", "moderate", "serious", "critical")
DOCS_IMG = REPO_ROOT / "docs" / "img"
SCREENSHOT_TIME = datetime(2026, 3, 2, 10, 30)  # fixed, so the docs' screenshots only change with the UI
CSP_PROBE = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation',
  (e) => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
"""


class Widget:
    """The widget inside one page."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.launcher = page.get_by_role("button", name=re.compile(r"^Open chat"))
        self.panel = page.get_by_role("dialog")
        self.input = page.get_by_label("Your message")
        self.banner = page.locator(".banner")
        self.typing = page.locator(".typing")
        self.quick_replies = page.locator(".quick-reply")
        self.bot_bubbles = page.locator(".row.bot .bubble")
        self.user_bubbles = page.locator(".row.user .bubble")

    def open(self) -> None:
        self.launcher.click()
        expect(self.panel).to_be_visible()
        self.settle()

    def settle(self) -> None:
        """Wait for the panel's entry animation to end."""
        self.panel.evaluate("e => Promise.all(e.getAnimations().map(a => a.finished))")

    def say(self, text: str) -> None:
        self.input.fill(text)
        self.input.press("Enter")

    def bot_texts(self) -> List[str]:
        return [strip_speaker(text) for text in self.bot_bubbles.all_text_contents()]

    def user_texts(self) -> List[str]:
        return [strip_speaker(text) for text in self.user_bubbles.all_text_contents()]

    def reply_titles(self) -> List[str]:
        return self.quick_replies.all_text_contents()

    def wait_for_turn(self, bot_count_before: int, timeout_s: float = 60) -> None:
        """Wait until the bot said something new and finished its turn."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.bot_bubbles.count() > bot_count_before and self.typing.is_hidden():
                return
            self.page.wait_for_timeout(100)
        raise AssertionError(f"no reply within {timeout_s} s; bot said: {self.bot_texts()[-3:]}")

    def act(self, action: Any) -> None:
        """Run action (a callable) and wait for the bot's whole answer to it."""
        before = self.bot_bubbles.count()
        action()
        self.wait_for_turn(before)

    def session_id(self) -> str:
        """The conversation's sender id (``web:<id>``) from the token the widget stored (``<id>.<signature>``)."""
        token = self.page.evaluate(f"JSON.parse(localStorage.getItem('{STORE}session'))")
        return widget_sender(token.split(".")[0])

    def csp_violations(self) -> List[str]:
        return self.page.evaluate("window.__cspViolations || []")

    def focused(self) -> Dict[str, Any]:
        """What has the keyboard focus inside the widget (tag, text, label, in panel)."""
        return self.page.evaluate(
            """() => {
              const host = document.getElementById('clinic-chat-widget');
              const active = document.activeElement === host ? host.shadowRoot.activeElement : null;
              if (!active) return {inWidget: false};
              return {inWidget: true, tag: active.tagName.toLowerCase(),
                      text: active.textContent.trim(), label: active.getAttribute('aria-label') || '',
                      inPanel: !!active.closest('.panel'), launcher: active.classList.contains('launcher')};
            }"""
        )


class Checklist:
    """The newest checklist form in the conversation."""

    def __init__(self, page: Page) -> None:
        self.form = page.locator("form.checklist").last
        self.fieldset = self.form.locator("fieldset")
        self.boxes = self.form.get_by_role("checkbox")
        self.labels = self.form.locator("label")
        self.buttons = self.form.get_by_role("button")
        self.done = self.form.get_by_role("button", name="Done", exact=True)
        self.none = self.form.get_by_role("button", name="None of these", exact=True)
        self.unsure = self.form.get_by_role("button", name="Not sure", exact=True)
        self.hint = self.form.locator(".checklist-hint")


def strip_speaker(text: str) -> str:
    """A bubble's text without the screen-reader prefix."""
    return re.sub(r"^(Assistant|You): ", "", text)


def launcher_ready_ms(page: Page) -> float:
    """Milliseconds from navigation start to the launcher being shown with its handlers."""
    return page.evaluate(
        "performance.getEntriesByName('clinic-chat-launcher-ready')[0].startTime"
    )


def run_axe(
    page: Page,
    report_name: str,
    within: Optional[List[str]] = None,
    impacts: Sequence[str] = ("serious", "critical"),
) -> List[Dict[str, Any]]:
    """Inject axe-core (needs a context with bypass_csp) and return its violations of the
    given impacts, on the page or only within one element (a shadow host's selector, then
    selectors inside its shadow root, as axe's shadow DOM selectors are written)."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_CORE))
    results = page.evaluate(
        "within => axe.run(within ? {include: [within]} : document, {resultTypes: ['violations']})", within
    )
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / report_name).write_text(json.dumps(results["violations"], indent=2))
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in results["violations"]
        if v["impact"] in impacts
    ]


def screenshots_to_docs() -> bool:
    """True when the docs' pictures are being re-taken (`make screenshots` sets the env)."""
    return os.environ.get("SCREENSHOTS_TO_DOCS") == "1"


def screenshot(page: Page, name: str, for_docs: bool = False) -> Path:
    """Save to test-artifacts/; a docs picture (for_docs) goes to docs/img/ as well, but only
    with SCREENSHOTS_TO_DOCS=1, so that a test run never rewrites tracked files."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path))
    if for_docs and screenshots_to_docs():
        DOCS_IMG.mkdir(parents=True, exist_ok=True)
        (DOCS_IMG / name).write_bytes(path.read_bytes())
    return path
