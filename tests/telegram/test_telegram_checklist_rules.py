"""Rules of the checklist message that must hold for every label, note and sequence of taps."""
from __future__ import annotations

import json
from typing import List

from hypothesis import given
from hypothesis import strategies as st
from tg_channel_host import CHECKLIST_ITEMS, checklist_message

from bot.channels.telegram.checklist import (
    BUTTON_WIDTH,
    DONE,
    NONE,
    NOTE_WIDTH,
    UNSURE,
    Checklist,
    Item,
    item_button_text,
)
from bot.triage.model import MAX_CHECKLIST_ITEMS

CHECKLIST = checklist_message("rf_screen", "Do any of these apply?", CHECKLIST_ITEMS)["custom"]
words = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=120)
notes = st.sampled_from(["", "you said no"]) | st.text(max_size=40)


@given(words, notes, st.booleans(), st.none() | st.integers(1, MAX_CHECKLIST_ITEMS))
def test_an_item_button_fits_a_phone_and_keeps_a_label_that_fits(label: str, note: str, ticked: bool, number) -> None:
    text = item_button_text(Item("k", label, note), ticked, number)

    assert len(text) <= BUTTON_WIDTH
    assert text.startswith("☑ " if ticked else "☐ ")
    full = item_button_text(Item("k", label, note), ticked, number, full=True)
    if len(full) <= BUTTON_WIDTH and len(note) <= NOTE_WIDTH:
        assert text == full
    else:
        assert "…" in text


@given(st.lists(st.integers(0, len(CHECKLIST_ITEMS) - 1), max_size=12))
def test_done_sends_the_keys_tapped_an_odd_number_of_times_in_item_order(taps: List[int]) -> None:
    checklist = Checklist.from_custom(CHECKLIST)
    for index in taps:
        checklist = Checklist.from_record(json.loads(json.dumps(checklist.toggled(f"t{index}").to_record())))

    expected = [key for n, (key, _, _) in enumerate(CHECKLIST_ITEMS) if taps.count(n) % 2]
    if not expected:
        assert checklist.done_without_ticks(DONE) and checklist.outcome(DONE) is None
    else:
        payload, _ = checklist.outcome(DONE)
        assert payload == "/answer" + json.dumps({"q": "rf_screen", "yes": expected}, separators=(",", ":"))
        assert not checklist.done_without_ticks(DONE)


def test_none_and_not_sure_send_the_payloads_they_came_with() -> None:
    checklist = Checklist.from_custom(CHECKLIST)

    assert checklist.outcome(NONE)[0] == CHECKLIST["checklist"]["none"]["payload"]
    assert checklist.outcome(UNSURE)[0] == CHECKLIST["checklist"]["unsure"]["payload"]


@given(st.text(max_size=8))
def test_only_item_tokens_toggle(data: str) -> None:
    checklist = Checklist.from_custom(CHECKLIST)
    tokens = {f"t{n}" for n in range(len(CHECKLIST_ITEMS))}

    assert (checklist.toggled(data) is not None) == (data in tokens)


def test_a_malformed_block_is_not_a_checklist() -> None:
    broken = {"checklist": {**CHECKLIST["checklist"], "items": [{"label": "no key"}]}}

    assert Checklist.from_custom(broken) is None
    assert Checklist.from_custom({"checklist": {**CHECKLIST["checklist"], "items": []}}) is None
    assert Checklist.from_custom({"widget": "booking-calendar"}) is None


def test_a_checklist_in_spanish_hints_in_spanish_when_done_is_tapped_with_nothing_ticked():
    from bot.conversation.render import question_reply
    from bot.triage import question_by_id

    spanish = Checklist.from_custom(question_reply(question_by_id("emergency_signs"), language="es").custom)
    assert spanish.nothing_ticked_hint == "Marque las que apliquen, o toque Ninguna de estas"
    assert Checklist.from_record(spanish.to_record()).nothing_ticked_hint == spanish.nothing_ticked_hint
    english = Checklist.from_custom(question_reply(question_by_id("emergency_signs")).custom)
    assert english.nothing_ticked_hint == "Tick the ones that apply, or tap None of these"
