"""The widget in headless Chromium against the real stack (tests/conftest.py's rasa_stack).

The patient answers whichever triage question the bot asks (read from the page,
not a fixed script), some by clicking quick replies and some by typing, reloads
the page half-way, lives through a Rasa restart, and reaches a disposition.
"""

from __future__ import annotations

import json
import threading
from typing import Callable, Dict, Iterator, List, Optional, Tuple

import pytest
from playwright.sync_api import Browser, BrowserContext, expect

from bot.triage import QUESTIONS
from tests.e2e.patient import NO_RED_FLAGS
from widget_page import SCREENSHOT_TIME, Widget, launcher_ready_ms, run_axe, screenshot
from widget_servers import ARTIFACTS, ServerProcess, start_web_server

pytestmark = pytest.mark.e2e
expect.set_options(timeout=60_000)

QUESTION_KEYS = {text: key for key, text in QUESTIONS.items()}
CLICK, TYPE = "click", "type"
#: How this patient answers each question: click a quick reply by its title, or type.
ANSWERS: Dict[str, Tuple[str, str]] = {
    **{key: (CLICK, "No") for key in NO_RED_FLAGS},
    "pain_location": (CLICK, "Knee"),
    "pain_side": (TYPE, "my left one"),
    "duration_weeks": (TYPE, "about 3 months"),
    "pain_severity": (CLICK, "Moderate (4-6)"),
    "worse_walking": (TYPE, "yeah mostly when I walk to work"),
    "front_knee_pain": (TYPE, "yes, around the kneecap"),
    "heel_arch_pain": (CLICK, "Yes"),
    "flat_feet": (CLICK, "Yes"),
    "high_arches": (CLICK, "No"),
    "worse_footwear": (CLICK, "Yes"),
    "insoles_tried": (CLICK, "No"),
    "on_feet_job": (CLICK, "Yes"),
    "age": (TYPE, "45"),
}


@pytest.fixture(scope="module")
def site(rasa_stack) -> Iterator[ServerProcess]:
    """The demo page on the port the stack allows as a widget origin."""
    server = start_web_server(rasa_stack.web_port, rasa_stack.rasa_url)
    yield server
    server.stop()


def asked(texts: List[str]) -> Optional[str]:
    """The triage question among the bot's latest messages, if any."""
    keys = [QUESTION_KEYS[text] for text in texts if text in QUESTION_KEYS]
    return keys[-1] if keys else None


def give_answer(widget: Widget, key: str) -> None:
    """Click or type the answer ANSWERS gives (unknown questions: "No", else the first choice)."""
    how, value = ANSWERS.get(key, (CLICK, "No"))
    titles = widget.reply_titles()
    if how == CLICK and titles:
        title = value if value in titles else titles[0]
        widget.page.locator(".quick-reply").get_by_text(title, exact=True).click()
    else:
        widget.say(value if how == TYPE else "I don't know")


def answer(widget: Widget, key: str) -> List[str]:
    """Answer and wait for the bot's turn; its messages in reply."""
    before = widget.bot_bubbles.count()
    give_answer(widget, key)
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
    assert asked(latest) == "pain_location"
    assert widget.reply_titles() == ["Lower back", "Knee", "Both", "Somewhere else"]

    done: List[str] = []

    def reload_and_answer(key: str) -> List[str]:
        nonlocal widget
        shown = (widget.bot_texts(), widget.user_texts())
        page.reload()
        widget = Widget(page)
        expect(widget.panel).to_be_visible()
        expect(widget.bot_bubbles).to_have_count(len(shown[0]))
        assert (widget.bot_texts(), widget.user_texts()) == shown
        done.append("reload")
        return answer(widget, key)

    def restart_rasa_and_answer(key: str) -> List[str]:
        restarting = threading.Thread(target=rasa_stack.restart_rasa)
        restarting.start()
        try:
            expect(widget.banner).to_contain_text("offline")
            before = widget.bot_bubbles.count()
            give_answer(widget, key)  # while offline: queued, sent after the reconnect
            expect(page.locator(".row.user .pending")).to_have_count(1)
        finally:
            restarting.join()
        expect(widget.banner).to_contain_text("back online")
        widget.wait_for_turn(before, 120)
        done.append("restart")
        return widget.bot_texts()[before:]

    # Early, so they are exercised however far the triage conversation goes.
    events: Dict[int, Callable[[str], List[str]]] = {0: reload_and_answer, 1: restart_rasa_and_answer}
    for turn in range(60):
        key = asked(latest)
        if key is None:
            break
        latest = events.get(turn, lambda k: answer(widget, k))(key)
    else:
        pytest.fail("the triage never ended: " + " | ".join(widget.bot_texts()[-4:]))
    ARTIFACTS.mkdir(exist_ok=True)
    transcript = [text.strip() for text in page.locator(".row").all_inner_texts()]
    (ARTIFACTS / "widget-e2e-transcript.json").write_text(json.dumps(transcript, indent=1))
    assert done == ["reload", "restart"], "the conversation ended before the reload and the restart"

    session_id = widget.session_id()
    tracker = rasa_stack.tracker(session_id)
    assert tracker["slots"]["disposition"], "no disposition; see test-artifacts/widget-e2e-transcript.json"
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
    expect(widget.quick_replies.get_by_text("Knee", exact=True)).to_be_visible()
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
    assert asked(widget.bot_texts()[before:]) == "pain_location"
    violations = run_axe(page, "axe-e2e.json")
    page.keyboard.press("Escape")
    expect(widget.panel).to_be_hidden()
    context.close()
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "widget-e2e-launcher-ready.json").write_text(json.dumps({"ms": ready_ms}))
    assert violations == []
