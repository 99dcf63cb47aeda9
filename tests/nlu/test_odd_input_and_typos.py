"""Odd input is recognised before any classifier guess; misspellings are corrected, real words kept."""
from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from bot.nlu.odd_input import MAX_MESSAGE_CHARS, odd_input_intent
from bot.nlu.typos import TYPOS, fix_typos


@pytest.mark.parametrize("text", ["", "   ", "🦶🦶🦶", "?!?!", "xxxxxxxxxxxx", "zzzzzzzzz", "....."])
def test_text_without_a_word_is_no_words(text):
    assert odd_input_intent(text) == "no_words"


@pytest.mark.parametrize("text", ["y", "n", "no", "45", "ok 👍", "¿Dónde está la clínica?", "my knee"])
def test_short_answers_and_other_languages_are_words(text):
    assert odd_input_intent(text) is None


def test_an_over_long_message_is_too_long():
    assert odd_input_intent("my knee hurts " * 100) == "too_long"
    assert odd_input_intent("a" * MAX_MESSAGE_CHARS + " b") == "too_long"


@pytest.mark.parametrize("typed, meant", [("4 monts", "4 months"), ("my heals hurt", "my heels hurt"),
                                          ("non of thos", "none of those"), ("bak pain", "back pain")])
def test_common_misspellings_are_corrected(typed, meant):
    assert fix_typos(typed) == meant


@pytest.mark.parametrize("text", ["non-stop pain", "the sore won't heal", "waking up at night", "a nonsense"])
def test_real_words_are_left_alone(text):
    assert fix_typos(text) == text


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80))
def test_correcting_twice_changes_nothing_more(text):
    once = fix_typos(text)
    assert fix_typos(once) == once
    assert not set(TYPOS) & set(TYPOS.values())
