"""The widget in headless Chromium against the scripted bot behind the real socket.io channel.

These cover what the real conversation cannot provoke on demand: HTML in a
reply, a slow reply, a server that goes away while the patient types, and
exact counts of what reached the bot. test_widget_e2e.py drives the real bot.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

import widget_page
from scripted_rasa import CHECKLIST_ITEMS, CHECKLIST_LEGEND, GREETING, SPANISH_REPLY
from widget_page import ALL_IMPACTS, SCREENSHOT_TIME, Checklist, Widget, launcher_ready_ms, run_axe, screenshot
from widget_servers import ARTIFACTS, ScriptedStack, received_by_bot, static_page

expect.set_options(timeout=15_000)


@pytest.fixture
def page(context: BrowserContext, scripted_stack: ScriptedStack) -> Page:
    page = context.new_page()
    page.goto(scripted_stack.web.url + "/")
    return page


def said_by(stack: ScriptedStack, session_id: str) -> list:
    return [m["text"] for m in received_by_bot(stack.rasa) if m["session_id"] == session_id]


def test_greeting_quick_replies_typing_and_links(page: Page, scripted_stack: ScriptedStack) -> None:
    widget = Widget(page)
    expect(page.get_by_text("not a doctor", exact=False).first).to_be_visible()  # the page footer
    widget.open()
    expect(page.locator(".notice")).to_contain_text("not a doctor")
    expect(widget.quick_replies).to_have_text(["Yes, go on", "No thanks"])
    assert widget.bot_texts() == [GREETING, "Shall we begin?"]

    widget.act(lambda: widget.quick_replies.first.click())
    assert widget.user_texts() == ["Yes, go on"]  # the title is shown, the payload is sent
    assert widget.bot_texts()[-1] == "You said: /affirm"
    expect(widget.quick_replies).to_have_count(0)

    hostile = "<b>bold</b> & <img src=x onerror=alert(1)>"
    widget.act(lambda: widget.say(hostile))
    assert widget.user_texts()[-1] == hostile
    assert widget.bot_texts()[-1] == f"You said: {hostile}"
    expect(page.locator(".bubble b, .bubble img")).to_have_count(0)

    widget.act(lambda: widget.say("/link"))
    links = page.locator(".row.bot").last.locator("a")
    expect(links).to_have_count(2)
    assert links.nth(0).get_attribute("href") == "https://example.test/gait?a=1&b=2"
    assert links.nth(1).get_attribute("href") == "https://example.test/where"
    expect(links.nth(1)).to_have_text("our locations (opens in a new tab)")
    assert links.nth(0).get_attribute("rel") == "noopener noreferrer"

    assert page.locator(".row").count() == page.locator(".row time[datetime]").count() == 8
    assert said_by(scripted_stack, widget.session_id()) == ["/greet", "/affirm", hostile, "/link"]
    assert widget.csp_violations() == []


def test_typing_indicator_shows_while_the_bot_works(page: Page) -> None:
    widget = Widget(page)
    widget.open()
    expect(widget.quick_replies).to_have_count(2)
    widget.say("/slow")
    expect(widget.typing).to_be_visible()
    expect(page.get_by_text("Sorry for the wait.")).to_be_visible()
    expect(widget.typing).to_be_hidden()


def test_history_and_session_survive_a_reload(page: Page, scripted_stack: ScriptedStack) -> None:
    widget = Widget(page)
    widget.open()
    expect(widget.quick_replies).to_have_count(2)
    widget.act(lambda: widget.say("remember me"))
    session_id, bot_before, user_before = widget.session_id(), widget.bot_texts(), widget.user_texts()

    page.reload()
    widget = Widget(page)
    expect(widget.panel).to_be_visible()  # it was open, so it opens again
    expect(widget.bot_bubbles).to_have_count(len(bot_before))
    assert (widget.bot_texts(), widget.user_texts()) == (bot_before, user_before)
    assert widget.session_id() == session_id
    widget.act(lambda: widget.say("still here"))
    assert said_by(scripted_stack, session_id) == ["/greet", "remember me", "still here"]  # no second greeting


def test_offline_messages_wait_and_are_sent_once(page: Page, scripted_stack: ScriptedStack) -> None:
    widget = Widget(page)
    widget.open()
    expect(widget.quick_replies).to_have_count(2)
    scripted_stack.rasa.stop()
    try:
        expect(widget.banner).to_contain_text("offline")
        widget.say("typed while offline")
        expect(page.locator(".row.user .pending")).to_have_count(1)
    finally:
        scripted_stack.rasa.start()
    expect(widget.banner).to_contain_text("back online")
    expect(page.get_by_text("You said: typed while offline")).to_have_count(1)
    expect(page.locator(".row.user .pending")).to_have_count(0)
    page.wait_for_timeout(1500)  # time for any duplicate to arrive
    assert said_by(scripted_stack, widget.session_id()) == ["typed while offline"]  # a new server process
    assert widget.user_texts() == ["typed while offline"]
    expect(page.get_by_text("You said: typed while offline")).to_have_count(1)
    expect(widget.banner).to_be_hidden()


def test_start_over_clears_the_view_and_restarts(page: Page, scripted_stack: ScriptedStack) -> None:
    widget = Widget(page)
    widget.open()
    expect(widget.quick_replies).to_have_count(2)
    widget.act(lambda: widget.say("first try"))
    page.get_by_role("button", name="Start over").click()
    expect(page.get_by_text("You said: first try")).to_have_count(0)
    expect(page.get_by_text("Shall we begin?")).to_have_count(1)
    assert said_by(scripted_stack, widget.session_id())[-2:] == ["/restart", "/greet"]
    assert "first try" not in page.evaluate("localStorage.getItem('clinic-chat:transcript')")


def test_keyboard_only(page: Page) -> None:
    widget = Widget(page)
    for _ in range(40):
        page.keyboard.press("Tab")
        if widget.focused().get("launcher"):
            break
    assert widget.focused().get("launcher"), "Tab never reached the launcher"
    page.keyboard.press("Enter")
    expect(widget.panel).to_be_visible()
    assert widget.focused()["tag"] == "textarea"
    expect(widget.quick_replies).to_have_count(2)

    for _ in range(30):  # Tab cycles inside the panel and never leaves it
        page.keyboard.press("Tab")
        state = widget.focused()
        assert state["inPanel"], state
        if state["text"] == "Yes, go on":
            break
    assert widget.focused()["text"] == "Yes, go on"
    widget.act(lambda: page.keyboard.press("Enter"))
    assert widget.user_texts() == ["Yes, go on"]

    assert widget.focused()["tag"] == "textarea"
    widget.act(lambda: page.keyboard.type("typed with the keyboard\n"))
    assert widget.user_texts()[-1] == "typed with the keyboard"
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    assert widget.focused()["inPanel"]

    page.keyboard.press("Escape")
    expect(widget.panel).to_be_hidden()
    assert widget.focused().get("launcher")


def test_embedded_on_another_origin_and_configured_by_data_attributes(
    context: BrowserContext, scripted_stack: ScriptedStack
) -> None:
    """A clinic site elsewhere (no charset declared) with its own title, a light brand colour,
    another first message and open-on-load; widget files come from the widget server."""
    html = (
        "<!doctype html><html lang='en'><head><title>Another clinic</title></head><body><main><h1>Hi</h1></main>"
        f"<script src='{scripted_stack.web.url}/widget/widget.js' data-server='{scripted_stack.rasa.url}'"
        " data-title='Heel pain helper' data-color='#ffd54f' data-initial-message='/link' data-open></script>"
        "</body></html>"
    )
    with static_page(scripted_stack.embed_port, html) as url:
        page = context.new_page()
        page.goto(url)
        widget = Widget(page)
        expect(widget.panel).to_be_visible()
        expect(page.get_by_role("heading", name="Heel pain helper")).to_be_visible()
        expect(widget.bot_bubbles.first).to_contain_text("our locations")
        header = page.locator(".header")
        assert header.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(255, 213, 79)"
        assert header.evaluate("e => getComputedStyle(e).color") == "rgb(17, 17, 17)"  # dark on light
        assert widget.user_texts() == []  # the first message is sent, not shown
        expect(widget.input).to_have_attribute("placeholder", "Type your message\u2026")


def test_phone_layout_is_full_screen_with_16px_input(browser: Browser, scripted_stack: ScriptedStack) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(scripted_stack.web.url + "/")
    widget = Widget(page)
    widget.open()
    expect(widget.quick_replies).to_have_count(2)
    assert widget.panel.bounding_box() == {"x": 0, "y": 0, "width": 375, "height": 812}
    assert float(widget.input.evaluate("e => getComputedStyle(e).fontSize").rstrip("px")) >= 16
    assert widget.launcher.is_hidden()  # the panel covers the screen; the close button is inside
    screenshot(page, "widget-phone-scripted.png")
    context.close()


def test_reduced_motion_stops_animations(browser: Browser, scripted_stack: ScriptedStack) -> None:
    for motion, expected in (("reduce", "none"), ("no-preference", "blink")):
        context = browser.new_context(reduced_motion=motion)
        page = context.new_page()
        page.goto(scripted_stack.web.url + "/")
        widget = Widget(page)
        widget.open()
        widget.say("/slow")
        dot = page.locator(".typing span").first
        expect(dot).to_be_visible()
        assert dot.evaluate("e => getComputedStyle(e).animationName") == expected
        context.close()


def test_no_serious_accessibility_violations(browser: Browser, scripted_stack: ScriptedStack) -> None:
    """axe-core on the demo page with the widget closed, then open with quick replies and links."""
    context = browser.new_context(bypass_csp=True)  # to inject axe
    page = context.new_page()
    page.goto(scripted_stack.web.url + "/")
    widget = Widget(page)
    expect(widget.launcher).to_be_visible()
    assert run_axe(page, "axe-closed.json") == []
    widget.open()
    expect(widget.quick_replies).to_have_count(2)
    widget.act(lambda: widget.say("/link"))
    assert run_axe(page, "axe-open.json") == []
    context.close()


def test_launcher_is_interactive_quickly(browser: Browser, scripted_stack: ScriptedStack) -> None:
    timings = []
    for _ in range(5):
        context = browser.new_context()
        page = context.new_page()
        page.goto(scripted_stack.web.url + "/")
        expect(Widget(page).launcher).to_be_visible()
        timings.append(launcher_ready_ms(page))
        context.close()
    timings.sort()
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "widget-launcher-ready.json").write_text(json.dumps({"ms": timings}))
    print(f"launcher interactive after {timings[len(timings) // 2]:.0f} ms (median of {timings})")
    assert timings[len(timings) // 2] < 2000


# ---------- checklists (custom.checklist): the scripted bot sends one for "/checklist" ----------

ANSWER_1_AND_3 = '/answer{"q":"red_flags","yes":["rf_bladder_bowel","rf_fever"]}'
LABELS = [label + (f" ({note})" if note else "") for _, label, note in CHECKLIST_ITEMS]


def show_checklist(widget: Widget) -> Checklist:
    """Open the widget and have the bot ask its checklist."""
    widget.open()
    expect(widget.quick_replies).to_have_count(2)
    widget.act(lambda: widget.say("/checklist"))
    checklist = Checklist(widget.page)
    expect(checklist.fieldset).to_have_js_property("disabled", False)
    return checklist


def answers_sent(stack: ScriptedStack, widget: Widget) -> list:
    return [text for text in said_by(stack, widget.session_id()) if text.startswith("/answer")]


def test_checklist_replaces_the_numbered_text_and_sends_the_ticked_keys(
    page: Page, scripted_stack: ScriptedStack
) -> None:
    widget = Widget(page)
    checklist = show_checklist(widget)
    group = page.get_by_role("group", name=CHECKLIST_LEGEND)  # the fieldset, named by its legend
    expect(group).to_be_visible()
    assert widget.focused()["tag"] == "fieldset"
    expect(checklist.labels).to_have_text(LABELS)
    for label in LABELS:  # each checkbox is named by its label, the note included
        expect(group.get_by_role("checkbox", name=label, exact=True)).to_have_count(1)
    expect(checklist.buttons).to_have_text(["Done", "None of these", "Not sure"])
    expect(page.get_by_text("Reply with the numbers", exact=False)).to_have_count(0)
    expect(page.get_by_text("1. " + CHECKLIST_ITEMS[0][1], exact=False)).to_have_count(0)
    expect(widget.quick_replies).to_have_count(0)  # neither the old ones nor the message's two

    checklist.boxes.nth(0).check()
    checklist.labels.nth(2).click()  # the label is a tap target too
    widget.act(lambda: checklist.done.click())
    assert answers_sent(scripted_stack, widget) == [ANSWER_1_AND_3]
    assert widget.user_texts()[-1] == f"Ticked: {CHECKLIST_ITEMS[0][1]}; {CHECKLIST_ITEMS[2][1]}"
    assert widget.bot_texts()[-1] == f"You said: {ANSWER_1_AND_3}"
    expect(checklist.fieldset).to_have_js_property("disabled", True)
    assert widget.focused()["tag"] == "textarea"
    assert widget.csp_violations() == []


def test_checklist_by_keyboard_alone(page: Page, scripted_stack: ScriptedStack) -> None:
    widget = Widget(page)
    widget.open()
    expect(widget.quick_replies).to_have_count(2)
    widget.act(lambda: page.keyboard.type("/checklist\n"))
    checklist = Checklist(page)
    assert widget.focused()["tag"] == "fieldset"  # focus moved to the new question
    for key in ("Tab", "Space", "Tab", "Tab", "Space", "Tab"):
        page.keyboard.press(key)
    assert [box.is_checked() for box in checklist.boxes.all()] == [True, False, True]
    assert widget.focused()["text"] == "Done"
    widget.act(lambda: page.keyboard.press("Enter"))
    assert answers_sent(scripted_stack, widget) == [ANSWER_1_AND_3]
    assert widget.focused()["tag"] == "textarea"  # back where the patient types


def test_done_with_nothing_ticked_sends_nothing_and_says_why(
    page: Page, scripted_stack: ScriptedStack
) -> None:
    widget = Widget(page)
    checklist = show_checklist(widget)
    users_before = widget.user_texts()
    checklist.done.click()
    expect(checklist.hint).to_have_text("Tick the ones that apply, or choose None of these")
    assert checklist.hint.get_attribute("aria-live") == "polite"
    page.wait_for_timeout(1000)  # time for anything sent to arrive
    assert answers_sent(scripted_stack, widget) == []
    assert widget.user_texts() == users_before
    expect(checklist.fieldset).to_have_js_property("disabled", False)
    checklist.boxes.nth(1).check()
    expect(checklist.hint).to_have_text("")  # ticking answers the hint
    widget.act(lambda: checklist.done.click())
    assert answers_sent(scripted_stack, widget) == ['/answer{"q":"red_flags","yes":["rf_numb_saddle"]}']


@pytest.mark.parametrize(
    "button, payload",
    [("None of these", '/answer{"q":"red_flags","none":true}'), ("Not sure", '/answer{"q":"red_flags","unsure":true}')],
)
def test_none_of_these_and_not_sure_send_their_payloads(
    page: Page, scripted_stack: ScriptedStack, button: str, payload: str
) -> None:
    widget = Widget(page)
    checklist = show_checklist(widget)
    checklist.boxes.nth(0).check()  # ignored: the button answers the whole checklist
    widget.act(lambda: checklist.form.get_by_role("button", name=button, exact=True).click())
    assert answers_sent(scripted_stack, widget) == [payload]
    assert widget.user_texts()[-1] == button
    expect(checklist.fieldset).to_have_js_property("disabled", True)
    assert widget.focused()["tag"] == "textarea"


def test_a_sent_checklist_sends_nothing_twice(page: Page, scripted_stack: ScriptedStack) -> None:
    widget = Widget(page)
    checklist = show_checklist(widget)
    checklist.boxes.nth(0).check()
    checklist.boxes.nth(2).check()
    checklist.done.dblclick()
    expect(checklist.fieldset).to_have_js_property("disabled", True)
    checklist.form.evaluate("form => form.requestSubmit()")  # a submit that bypasses the disabled button
    page.wait_for_timeout(1500)  # time for a second answer to arrive
    assert answers_sent(scripted_stack, widget) == [ANSWER_1_AND_3]
    assert widget.user_texts().count(f"Ticked: {CHECKLIST_ITEMS[0][1]}; {CHECKLIST_ITEMS[2][1]}") == 1


def test_old_checklists_stay_closed_as_the_bot_asks_again(page: Page, scripted_stack: ScriptedStack) -> None:
    widget = Widget(page)
    first = show_checklist(widget)
    first.boxes.nth(1).check()
    widget.act(lambda: first.done.click())
    widget.act(lambda: widget.say("/checklist"))  # asked again: the first stays answered
    widget.act(lambda: widget.say("/checklist"))  # typing past an open one closes it too
    forms = page.locator("form.checklist fieldset")
    expect(forms).to_have_count(3)
    assert [forms.nth(i).evaluate("f => f.disabled") for i in range(3)] == [True, True, False]

    page.reload()  # the state is kept with the transcript
    forms = Widget(page).page.locator("form.checklist fieldset")
    expect(forms).to_have_count(3)
    assert [forms.nth(i).evaluate("f => f.disabled") for i in range(3)] == [True, True, False]
    assert [box.is_checked() for box in forms.nth(0).get_by_role("checkbox").all()] == [False, True, False]
    assert answers_sent(scripted_stack, widget) == ['/answer{"q":"red_flags","yes":["rf_numb_saddle"]}']


def test_a_malformed_checklist_shows_its_text_and_buttons(page: Page) -> None:
    widget = Widget(page)
    widget.open()
    expect(widget.quick_replies).to_have_count(2)
    widget.act(lambda: widget.say("/broken-checklist"))
    expect(page.locator("form.checklist")).to_have_count(0)
    assert widget.bot_texts()[-1].startswith(CHECKLIST_LEGEND + "\n1. " + CHECKLIST_ITEMS[0][1])
    expect(widget.quick_replies).to_have_text(["None of these", "Not sure"])


def test_checklist_on_a_phone_fits_and_has_big_targets(browser: Browser, scripted_stack: ScriptedStack) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(scripted_stack.web.url + "/")
    widget = Widget(page)
    checklist = show_checklist(widget)
    scroll = page.locator(".log").evaluate("e => [e.scrollWidth, e.clientWidth]")
    assert scroll[0] <= scroll[1], f"the conversation scrolls sideways: {scroll}"
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    for target in checklist.labels.all() + checklist.buttons.all():
        box = target.bounding_box()
        assert box and box["height"] >= 44 and box["width"] >= 44, (target.text_content(), box)
        assert box["x"] >= 0 and box["x"] + box["width"] <= 375, (target.text_content(), box)
    checklist.labels.nth(2).tap()
    assert [box.is_checked() for box in checklist.boxes.all()] == [False, False, True]
    screenshot(page, "widget-checklist-phone.png")
    context.close()


def test_checklist_has_no_accessibility_violations(browser: Browser, scripted_stack: ScriptedStack) -> None:
    """Every axe rule, any impact, on the checklist open and after it was sent; serious ones on the page."""
    context = browser.new_context(bypass_csp=True)  # to inject axe
    page = context.new_page()
    page.goto(scripted_stack.web.url + "/")
    widget = Widget(page)
    checklist = show_checklist(widget)
    within = ["#clinic-chat-widget", "form.checklist"]
    assert run_axe(page, "axe-checklist.json", within, ALL_IMPACTS) == []
    checklist.done.click()
    expect(checklist.hint).not_to_be_empty()
    assert run_axe(page, "axe-checklist-hint.json", within, ALL_IMPACTS) == []
    checklist.boxes.nth(0).check()
    widget.act(lambda: checklist.done.click())
    assert run_axe(page, "axe-checklist-sent.json", within, ALL_IMPACTS) == []
    assert run_axe(page, "axe-checklist-page.json") == []
    context.close()


@pytest.mark.screenshots
def test_checklist_screenshot_for_the_docs(browser: Browser, scripted_stack: ScriptedStack) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.clock.set_fixed_time(SCREENSHOT_TIME)
    page.goto(scripted_stack.web.url + "/")
    checklist = show_checklist(Widget(page))
    checklist.boxes.nth(2).check()
    page.locator(".row.user").last.evaluate("row => row.remove()")  # the typed trigger, not a patient's words
    page.mouse.move(0, 0)  # no hover highlight in the picture
    screenshot(page, "widget-checklist.png", for_docs=True)
    context.close()


def test_screenshots_reach_the_docs_only_when_asked(
    page: Page, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A test run must not rewrite tracked files: docs/img/ only with SCREENSHOTS_TO_DOCS=1."""
    docs = tmp_path / "img"
    monkeypatch.setattr(widget_page, "DOCS_IMG", docs)
    for value in ("", "0"):
        monkeypatch.setenv("SCREENSHOTS_TO_DOCS", value)
        assert screenshot(page, "widget-docs-probe.png", for_docs=True) == ARTIFACTS / "widget-docs-probe.png"
        assert (ARTIFACTS / "widget-docs-probe.png").is_file() and not docs.exists()
    monkeypatch.setenv("SCREENSHOTS_TO_DOCS", "1")
    screenshot(page, "widget-docs-probe.png", for_docs=True)
    assert (docs / "widget-docs-probe.png").read_bytes() == (ARTIFACTS / "widget-docs-probe.png").read_bytes()
    screenshot(page, "widget-artifact-only.png")
    assert not (docs / "widget-artifact-only.png").exists()


def test_a_spanish_conversation_switches_the_widgets_own_words_and_sets_lang(page: Page,
                                                                              scripted_stack: ScriptedStack) -> None:
    widget = Widget(page)
    widget.open()
    expect(widget.quick_replies).to_have_count(2)
    expect(page.locator(".panel")).to_have_attribute("lang", "en")
    widget.act(lambda: widget.say("/espanol"))
    reply = page.locator(".row.bot").last
    expect(reply).to_have_attribute("lang", "es")
    expect(reply).to_contain_text(SPANISH_REPLY)
    expect(page.locator(".panel")).to_have_attribute("lang", "es")
    expect(page.get_by_role("button", name="Empezar de nuevo")).to_be_visible()
    expect(page.locator("#chat-input")).to_have_attribute("placeholder", "Escriba su mensaje\u2026")
    expect(page.locator(".send")).to_have_attribute("aria-label", "Enviar mensaje")
    expect(page.locator(".icon-button")).to_have_attribute("aria-label", "Cerrar el chat")
    expect(reply.locator(".quick-replies")).to_have_attribute("aria-label", "Respuestas sugeridas")
    expect(page.locator(".row.bot").first).to_have_attribute("lang", "en")  # earlier messages keep theirs
    widget.act(lambda: widget.quick_replies.first.click())
    expect(page.locator(".row.user").last).to_have_attribute("lang", "es")
    sent = [m for m in received_by_bot(scripted_stack.rasa) if m["session_id"] == widget.session_id()]
    assert {m["language"] for m in sent} == {"en"}  # the page's <html lang>, for the bot to read
