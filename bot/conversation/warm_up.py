"""Load what reading a patient's words needs before the first patient writes.

The language identifier (about 1.5 s to build), the fact, checklist and red-flag
patterns and the blank spaCy pipelines are built on first use, once per process. Left
lazy, the first patients to reach a freshly started action server waited for them
(turns of 1-2 s in bench/load.py's first seconds). The action server calls
`warm_up()` before it listens, so that cost is paid at start-up, as Rasa's own model
load is.
"""
from __future__ import annotations

from bot.clinic import default_clinic
from bot.conversation.message import PatientMessage
from bot.conversation.state import InterviewState
from bot.conversation.turn import take_turn
from bot.nlu.language import conversation_language

SAMPLES = ("my right knee hurts when I run, for about 3 months", "me duele la rodilla derecha cuando corro")


def warm_up() -> None:
    """One consented interview turn per language, thrown away: nothing is stored or sent."""
    for text in SAMPLES:
        language = conversation_language(None, text)
        state = InterviewState(consent=True, language=language)
        take_turn(state, PatientMessage.from_parse(text, "describe_pain", []), default_clinic())
