"""The conversation's language, English or Spanish: asked for, detected, or given by the channel.

Why: a patient who writes in Spanish must be answered in Spanish from the first reply,
and one who asks "English please" (or "en español") is switched at once, at any turn.

How it decides, per message (`conversation_language`):
1. an explicit request in the text ("English please", "in Spanish", "en español",
   "¿hablas español?") switches, whatever was before;
2. a button payload ("/answer{...}") says nothing about language: the current one stays;
3. the text's own language when it is clear: short greetings and answers from a word
   table ("hola", "buenas", "sí, claro" / "hi", "yes please"), longer text from the
   language identifier below with a high confidence; ambiguous text ("ok", "no", "3",
   "doctor") keeps the current language, and so do fewer than SWITCH_WORDS words of
   the other language (a Spanish patient's "yes" or "ok thanks");
4. else the current language; for the first message, the channel's hint (Telegram's
   `language_code`, the web page's `lang`: message metadata `language`), else English.

Library: lingua-language-detector (pinned in requirements.txt). Chosen because it is
accurate on very short text (a chat answer is often two or three words), works fully
offline with its models inside the wheel (no download at run time), is deterministic,
can be restricted to the two languages the clinic supports, and is actively maintained.
langdetect is non-deterministic unless seeded and weak on short text; py3langid and
fastText-based detectors are less accurate on a few words (fastText's models must also be
downloaded). Built once per process with only English and Spanish preloaded (about
1.5 s and 100 MB of disk; a call takes well under 1 ms). Even lingua cannot tell "hello"
or "yes" apart reliably (it says "hello" is Spanish): the word table decides those.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any, Mapping, Optional

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

ENGLISH = "en"
SPANISH = "es"
LANGUAGES = (ENGLISH, SPANISH)
DEFAULT_LANGUAGE = ENGLISH
CONFIDENCE = 0.85
"""The identifier's confidence needed to call a message's language (two languages only)."""
MIN_LETTERS = 8
"""Shorter text than this is left to the word table: the identifier guesses on it."""

_REQUESTS = {
    ENGLISH: re.compile(
        r"\b(english\s+(please|pls|por\s+favor)|in\s+english|speak\s+english|en\s+ingles"
        r"|habla(s|r)?\s+ingles|do\s+you\s+speak\s+english|can\s+we\s+(speak|talk|do\s+this)\s+in\s+english)\b"
    ),
    SPANISH: re.compile(
        r"\b(en\s+espanol|in\s+spanish|spanish\s+(please|pls)|espanol\s+(por\s+favor|porfa|please)"
        r"|habla(s|r)?\s+espanol|speak\s+spanish|do\s+you\s+speak\s+spanish|en\s+castellano)\b"
    ),
}
"""Explicit requests to switch, matched on lower-cased text without accents."""

SWITCH_WORDS = 3
"""A conversation already in one language switches only on this many words of the other (or a request)."""

_WORDS = {
    ENGLISH: {
        "hi", "hello", "hey", "hiya", "yes", "yeah", "yep", "no", "nope", "ok", "okay", "please", "thanks",
        "thank", "you", "sure", "good", "morning", "afternoon", "evening", "help", "knee", "back", "pain",
        "hurts", "my", "i", "it", "the", "and", "not", "don't", "dont", "know", "none", "maybe", "of", "course",
        "bye", "start", "yup", "nah", "fine", "what", "why",
    },
    SPANISH: {
        "hola", "buenas", "buenos", "dias", "tardes", "noches", "si", "no", "vale", "claro", "gracias",
        "por", "favor", "bueno", "pues", "quiero", "necesito", "ayuda", "rodilla", "espalda", "dolor", "me",
        "duele", "mi", "yo", "el", "la", "y", "se", "nada", "ninguno", "ninguna", "quizas", "tal", "vez",
        "adios", "de", "acuerdo", "perfecto", "cita", "que", "porque", "ok",
        "ni", "idea", "estoy", "seguro", "segura", "primero", "segundo", "tercero", "todos", "menos", "anos",
        "tengo", "hace", "meses", "semanas", "unos", "para", "sin", "supuesto", "exacto", "correcto",
    },
}
"""Short messages are judged by these words: all must be known and one language's only."""


def language_of_code(code: Any) -> Optional[str]:
    """"es", "es-MX", "es_419", "ES" -> "es"; "en-US" -> "en"; anything else -> None."""
    if not isinstance(code, str):
        return None
    base = re.split(r"[-_]", code.strip().lower(), maxsplit=1)[0]
    return base if base in LANGUAGES else None


def requested_language(text: str) -> Optional[str]:
    """The language the patient explicitly asks for ("English please", "en español"), or None."""
    folded = _folded(text)
    found = [language for language, pattern in _REQUESTS.items() if pattern.search(folded)]
    return found[0] if len(found) == 1 else None


def detected_language(text: str) -> Optional[str]:
    """The text's language when it is clear, else None (ambiguous, too short, not words)."""
    folded = _folded(text)
    words = re.findall(r"[a-z']+", folded)
    if not words:
        return None
    by_table = _by_word_table(words)
    if by_table or sum(len(word) for word in words) < MIN_LETTERS:
        return by_table
    confidences = {
        value.language.iso_code_639_1.name.lower(): value.value
        for value in _identifier().compute_language_confidence_values(text)
    }
    best = max(confidences, key=confidences.__getitem__)
    return best if confidences[best] >= CONFIDENCE else None


def conversation_language(current: Optional[str], text: str, metadata: Optional[Mapping[str, Any]] = None) -> str:
    """The conversation's language after this message (see the module docstring for the order)."""
    current = current if current in LANGUAGES else None
    hint = language_of_code((metadata or {}).get("language"))
    fallback = current or hint or DEFAULT_LANGUAGE
    text = text or ""
    if text.startswith("/"):
        return fallback
    detected = detected_language(text)
    if current and detected != current and len(re.findall(r"[a-z']+", _folded(text))) < SWITCH_WORDS:
        detected = None  # a lone "yes" or "ok" from a bilingual patient does not switch the conversation
    return requested_language(text) or detected or fallback


def _by_word_table(words: list) -> Optional[str]:
    """The one language all these words belong to, when only one does."""
    fits = [language for language, table in _WORDS.items() if all(word in table for word in words)]
    return fits[0] if len(fits) == 1 else None


def _folded(text: str) -> str:
    """Lower-cased, accents dropped ("Español" -> "espanol"), so patients' spellings match."""
    decomposed = unicodedata.normalize("NFD", (text or "").lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@lru_cache(maxsize=1)
def _identifier() -> LanguageDetector:
    """lingua's detector for English and Spanish only, built once per process."""
    return (
        LanguageDetectorBuilder.from_languages(Language.ENGLISH, Language.SPANISH)
        .with_preloaded_language_models()
        .build()
    )
