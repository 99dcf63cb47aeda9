"""The widget in headless Chromium against the real stack (tests/conftest.py's rasa_stack).

The patient answers whatever the assistant has open (the tracker's open_question,
not a fixed script): checklists with checkboxes or "None of these", choices with
quick replies, numbers by typing. They reload the page half-way, live through a
Rasa restart, and reach the gait-analysis result.
"""

from __future__ import annotations

import json
import threading
from typing import Callable, Dict, Iterator, List, Optional, Tuple

import pytest
from playwright.sync_api import Browser, BrowserContext, expect

from bot.conversation.state import BOOKING_OFFER, SUMMARY
from bot.triage import question_by_id
from tests.e2e.patient import KNEE_WITH_FOOT_SIGNS
from widget_page import SCREENSHOT_TIME, Checklist, Widget, launcher_ready_ms, run_axe, screenshot
from widget_servers import ARTIFACTS, ServerProcess, start_web_server

pytestmark = pytest.mark.e2e
expect.set_options(timeout=60_000)

#: Typed answers; every other question is answered with the buttons or checkboxes.
TYPED = {"duration": "about 6 months", "age": "I'm 40", "severity": "5 out of 10"}


@pytest.fixture(scope="module")
def site(rasa_stack) -> Iterator[ServerProcess]:
    """The demo page on the port the stack allows as a widget origin."""
    server = start_web_server(rasa_stack.web_port, rasa_stack.rasa_url)
    yield server
    server.stop()


def pending(rasa_stack, widget: Widget) -> Tuple[Optional[str], List[str]]:
    """What the assistant has open for this widget's session (bot/conversation/state.py)."""
    slots = rasa_stack.tracker(widget.session_id())["slots"]
    return slots.get("open_question"), slots.get("open_question_keys") or []


def give_answer(widget: Widget, question_id: str, open_keys: List[str]) -> None:
    """Tick, click or type what KNEE_WITH_FOOT_SIGNS says, as a patient would."""
    page = widget.page
    if question_id == SUMMARY:
        page.locator(".quick-reply").get_by_text("Yes, that's right", exact=True).click()
        return
    if question_id in TYPED:
        widget.say(TYPED[question_id])
        return
    question = question_by_id(question_id)
    if question.kind == "multi":
        checklist = Checklist(page)
        ticked = [key for key in open_keys if KNEE_WITH_FOOT_SIGNS.get(key) is True]
        if not ticked:
            checklist.none.click()
            return
        for key, box in zip(open_keys, checklist.boxes.all()):
            if key in ticked:
                box.check()
        checklist.done.click()
        return
    if question.kind == "yes_no":
        title = "Yes" if KNEE_WITH_FOOT_SIGNS.get(question.keys[0]) else "No"
    else:
        title = next(o.label.en for o in question.options
                     if all(KNEE_WITH_FOOT_SIGNS.get(k) == v for k, v in o.sets.items()))
    page.locator(".quick-reply").get_by_text(title, exact=True).click()


def answer(rasa_stack, widget: Widget) -> List[str]:
    """Answer what is open and wait for the bot's turn; its messages in reply."""
    before = widget.bot_bubbles.count()
    give_answer(widget, *pending(rasa_stack, widget))
    widget.wait_for_turn(before)
    return widget.bot_texts()[before:]


def consent(widget: Widget) -> List[str]:
    expect(widget.quick_replies.first).to_be_visible()
    before = widget.bot_bubbles.count()
    assert "not a doctor" in " ".join(widget.bot_texts())
    widget.page.locator(".quick-reply").get_by_text("Yes", exact=False).first.click()
    widget.wait_for_turn(before)
    return widget.bot_texts()[before:]


def test_patient_reaches_a_disposition_through_reload_and_rasa_restart(
    context: BrowserContext, site: ServerProcess, rasa_stack
) -> None:
    page = context.new_page()
    page.goto(site.url + "/")
    widget = Widget(page)
    widget.open()
    latest = consent(widget)
    assert pending(rasa_stack, widget)[0] == "where"
    assert widget.reply_titles()[:4] == ["Lower back", "Left knee", "Right knee", "Both knees"]

    done: List[str] = []

    def reload_and_answer() -> List[str]:
        nonlocal widget
        shown = (widget.bot_texts(), widget.user_texts())
        page.reload()
        widget = Widget(page)
        expect(widget.panel).to_be_visible()
        expect(widget.bot_bubbles).to_have_count(len(shown[0]))
        assert (widget.bot_texts(), widget.user_texts()) == shown
        done.append("reload")
        return answer(rasa_stack, widget)

    def restart_rasa_and_answer() -> List[str]:
        open_now = pending(rasa_stack, widget)
        restarting = threading.Thread(target=rasa_stack.restart_rasa)
        restarting.start()
        try:
            expect(widget.banner).to_contain_text("offline")
            before = widget.bot_bubbles.count()
            give_answer(widget, *open_now)  # while offline: queued, sent after the reconnect
            expect(page.locator(".row.user .pending")).to_have_count(1)
        finally:
            restarting.join()
        expect(widget.banner).to_contain_text("back online")
        widget.wait_for_turn(before, 120)
        done.append("restart")
        return widget.bot_texts()[before:]

    # Early, so they are exercised however far the triage conversation goes.
    events: Dict[int, Callable[[], List[str]]] = {1: reload_and_answer, 2: restart_rasa_and_answer}
    for turn in range(40):
        if pending(rasa_stack, widget)[0] in (None, BOOKING_OFFER):
            break
        latest = events.get(turn, lambda: answer(rasa_stack, widget))()
    else:
        pytest.fail("the triage never ended: " + " | ".join(widget.bot_texts()[-4:]))
    ARTIFACTS.mkdir(exist_ok=True)
    transcript = [text.strip() for text in page.locator(".row").all_inner_texts()]
    (ARTIFACTS / "widget-e2e-transcript.json").write_text(json.dumps(transcript, indent=1))
    assert done == ["reload", "restart"], "the conversation ended before the reload and the restart"

    session_id = widget.session_id()
    tracker = rasa_stack.tracker(session_id)
    assert tracker["slots"]["disposition"] == "gait_analysis", "see test-artifacts/widget-e2e-transcript.json"
    assert "not a doctor" in " ".join(latest)
    user_events = [e for e in tracker["events"] if e["event"] == "user"]
    message_ids = [(e.get("metadata") or {}).get("message_id") for e in user_events]
    assert all(message_ids) and len(message_ids) == len(set(message_ids))  # nothing arrived twice
    assert {e["input_channel"] for e in user_events} == {"socketio"}
    assert len(user_events) == len(widget.user_texts()) + 1  # + the hidden first message
    assert widget.csp_violations() == []


@pytest.mark.screenshots
@pytest.mark.parametrize(
    "name, viewport",
    [("widget-desktop.png", {"width": 1280, "height": 800}), ("widget-phone.png", {"width": 375, "height": 812})],
)
def test_screenshots_at_the_location_question(
    browser: Browser, site: ServerProcess, name: str, viewport: Dict[str, int]
) -> None:
    phone = viewport["width"] < 480
    context = browser.new_context(viewport=viewport, is_mobile=phone, has_touch=phone)
    page = context.new_page()
    page.clock.set_fixed_time(SCREENSHOT_TIME)
    page.goto(site.url + "/")
    widget = Widget(page)
    widget.open()
    consent(widget)
    expect(widget.quick_replies.get_by_text("Left knee", exact=True)).to_be_visible()
    page.mouse.move(0, 0)  # no hover highlight in the picture
    screenshot(page, name, for_docs=True)
    context.close()


def test_keyboard_only_and_accessibility_with_the_real_bot(
    browser: Browser, site: ServerProcess
) -> None:
    context = browser.new_context(bypass_csp=True)  # to inject axe-core
    page = context.new_page()
    page.goto(site.url + "/")
    widget = Widget(page)
    expect(widget.launcher).to_be_visible()
    ready_ms = launcher_ready_ms(page)
    for _ in range(40):
        page.keyboard.press("Tab")
        if widget.focused().get("launcher"):
            break
    page.keyboard.press("Enter")
    expect(widget.quick_replies.first).to_be_visible()
    for _ in range(30):
        page.keyboard.press("Shift+Tab")
        assert widget.focused()["inPanel"]
        if widget.focused()["text"].startswith("Yes"):
            break
    before = widget.bot_bubbles.count()
    page.keyboard.press("Enter")
    widget.wait_for_turn(before)
    assert question_by_id("where").text.en in widget.bot_texts()[before:]
    violations = run_axe(page, "axe-e2e.json")
    page.keyboard.press("Escape")
    expect(widget.panel).to_be_hidden()
    context.close()
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "widget-e2e-launcher-ready.json").write_text(json.dumps({"ms": ready_ms}))
    assert violations == []
