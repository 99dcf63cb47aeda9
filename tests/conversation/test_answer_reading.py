"""A yes/no intent is trusted for buttons and words, never for emoji alone (a red flag must not fire on 🦶)."""
from __future__ import annotations

import pytest
from rasa_sdk import Tracker

from actions.answer_reading import read_answer


def _tracker(text: str, intent: str) -> Tracker:
    message = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": []}
    return Tracker("s", {"requested_slot": "rf_fever"}, message, [], False, None, {}, "action_listen")


@pytest.mark.parametrize("text, intent, expected", [
    ("/affirm", "affirm", True), ("yes", "affirm", True), ("nope", "deny", False),
    ("yeah mostly when I walk to work", "affirm", True),
])
def test_buttons_and_words_are_read(text: str, intent: str, expected: bool):
    reading = read_answer("rf_fever", _tracker(text, intent))
    assert reading.understood and reading.value is expected


def test_emoji_alone_is_not_a_yes_even_if_the_classifier_says_affirm():
    assert not read_answer("rf_fever", _tracker("🦶🦶🦶", "affirm")).understood
