"""On a shared computer the next visitor sees nothing of the last patient's chat: the
browser keeps the transcript only for clinic.yml's widget_history_hours after the last
message, and "Clear this conversation" wipes it and its session at once. Headless
Chromium against the scripted bot behind the real socket.io channel."""

from __future__ import annotations

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from bot.clinic import load_clinic
from widget_page import STORE, Widget
from widget_servers import ScriptedStack

expect.set_options(timeout=15_000)
HOUR_MS = 3600 * 1000


@pytest.fixture
def page(context: BrowserContext, scripted_stack: ScriptedStack) -> Page:
    page = context.new_page()
    page.goto(scripted_stack.web.url + "/")
    return page


def a_private_message(page: Page) -> Widget:
    widget = Widget(page)
    widget.open()
    expect(widget.quick_replies).to_have_count(2)
    widget.act(lambda: widget.say("my knee hurts since my fall"))
    assert "my knee hurts since my fall" in widget.user_texts()
    return widget


def next_visitor(page: Page) -> Widget:
    """The page loaded again in the same browser (the widget reopens itself as it was left)."""
    page.reload()
    widget = Widget(page)
    expect(widget.panel).to_be_visible()
    expect(widget.quick_replies).to_have_count(2)  # a fresh greeting
    return widget


def test_clear_this_conversation_leaves_nothing_for_the_next_visitor(page: Page) -> None:
    widget = a_private_message(page)
    old_session = widget.session_id()

    page.get_by_role("button", name="Clear this conversation").click()

    expect(page.locator(".row.user")).to_have_count(0)
    expect(widget.quick_replies).to_have_count(2)
    assert widget.session_id() != old_session
    later = next_visitor(page)
    assert later.user_texts() == [] and later.session_id() != old_session
    assert "my knee hurts" not in page.evaluate("JSON.stringify(localStorage)")


def test_a_transcript_older_than_the_setting_is_gone_on_the_next_visit(page: Page) -> None:
    hours = load_clinic().widget_history_hours
    widget = a_private_message(page)
    old_session = widget.session_id()
    assert page.evaluate(f"JSON.parse(localStorage.getItem('{STORE}history_hours'))") == hours
    page.evaluate(  # the last message was sent just over the setting's hours ago
        f"""() => {{
          const key = '{STORE}transcript';
          const entries = JSON.parse(localStorage.getItem(key));
          for (const entry of entries) entry.ts -= {hours * HOUR_MS + 60_000};
          localStorage.setItem(key, JSON.stringify(entries));
        }}""")

    later = next_visitor(page)

    assert later.user_texts() == []
    assert later.session_id() != old_session
    assert "my knee hurts" not in page.evaluate("JSON.stringify(localStorage)")


def test_a_transcript_within_the_setting_stays(page: Page) -> None:
    widget = a_private_message(page)
    session = widget.session_id()

    page.reload()
    later = Widget(page)
    expect(later.panel).to_be_visible()

    expect(page.locator(".row.user")).to_have_count(1)
    assert later.session_id() == session
