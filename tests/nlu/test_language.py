"""The conversation's language: asked for, detected from the words, or the channel's hint."""
import pytest

from bot.nlu.language import conversation_language, detected_language, language_of_code, requested_language


@pytest.mark.parametrize(
    "text, language",
    [
        ("hola", "es"), ("buenas", "es"), ("buenos días", "es"), ("sí", "es"), ("claro", "es"),
        ("me duele la rodilla izquierda", "es"), ("tengo cuarenta y dos", "es"), ("hace tres meses", "es"),
        ("pies planos", "es"), ("no estoy seguro", "es"), ("para nada", "es"), ("unos 6 de 10", "es"),
        ("hi", "en"), ("hello", "en"), ("yes", "en"), ("my knee hurts when I walk", "en"), ("flat feet", "en"),
        ("I dont know", "en"),
    ],
)
def test_clear_text_is_detected_short_greetings_included(text, language):
    assert detected_language(text) == language


@pytest.mark.parametrize("text", ["no", "ok", "3", "doctor", "👍", ""])
def test_ambiguous_text_names_no_language(text):
    assert detected_language(text) is None


@pytest.mark.parametrize(
    "text, language",
    [
        ("English please", "en"), ("can we do this in English?", "en"), ("¿hablas inglés?", "en"),
        ("en español", "es"), ("En Espanol por favor", "es"), ("in Spanish", "es"), ("do you speak spanish", "es"),
    ],
)
def test_explicit_requests_switch(text, language):
    assert requested_language(text) == language
    other = "es" if language == "en" else "en"
    assert conversation_language(other, text) == language


def test_ambiguous_text_and_buttons_keep_the_current_language():
    assert conversation_language("es", "ok") == "es" and conversation_language("en", "no") == "en"
    assert conversation_language("es", '/answer{"q":"pain_location","option":1}') == "es"
    assert conversation_language("es", "doctor", {"language": "en"}) == "es"


@pytest.mark.parametrize("text", ["yes", "ok thanks", "sí", "hola"])
def test_a_word_or_two_of_the_other_language_does_not_switch_a_settled_conversation(text):
    for current in ("en", "es"):
        assert conversation_language(current, text) == current
    assert conversation_language("es", "my knee hurts when I walk") == "en"  # three words and more do
    assert conversation_language("en", "me duele la rodilla") == "es"


def test_the_channels_hint_counts_only_until_the_conversation_has_a_language():
    assert conversation_language(None, "ok", {"language": "es-MX"}) == "es"
    assert conversation_language(None, "/greet", {"language": "es"}) == "es"
    assert conversation_language(None, "ok", {}) == "en"
    assert conversation_language(None, "my knee hurts", {"language": "es"}) == "en"  # the words win
    assert conversation_language("en", "ok", {"language": "es"}) == "en"


@pytest.mark.parametrize(
    "code, language", [("es", "es"), ("es-MX", "es"), ("ES_419", "es"), ("en-GB", "en"), ("pt-BR", None), (None, None), (3, None)]
)
def test_language_codes(code, language):
    assert language_of_code(code) == language
