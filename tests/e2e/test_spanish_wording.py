"""A conversation whose `language` slot is "es" is said in Spanish end to end, through the real servers:
the interview (bot.conversation), the booking form's questions (domain responses, conditional on the
slot), the times (Babel) and the confirmation (bot/wording.yml).

The slot is set here through Rasa's tracker API: detecting the language is another part's job
(bot/nlu/language.py); this test checks that every reply follows the slot, an interruption's
(action_interruption, a domain response) included.
"""
from __future__ import annotations

import re
import uuid

import requests

from bot.conversation.message import answer_text
from bot.conversation.state import BOOKING_OFFER
from tests.e2e.patient import KNEE_WITH_FOOT_SIGNS, Patient, buttons, texts
from tests.support.spanish import assert_spanish

ALLOWED = ("Juana Perez", "juana.perez@example.com", "Midtown Manhattan", "Upper East Side", "/calendar/", ".ics")


def set_language(stack, sender: str, language: str) -> None:
    response = requests.post(f"{stack.rasa_url}/conversations/{sender}/tracker/events", params={"token": stack.token},
                             json={"event": "slot", "name": "language", "value": language}, timeout=30)
    response.raise_for_status()


def spanish_replies(replies) -> None:
    for text in texts(replies) + [button["title"] for button in buttons(replies)]:
        assert_spanish(re.sub(r"https?://\S+", " ", text), allowed=ALLOWED)


def test_a_spanish_conversation_is_answered_and_booked_in_spanish(rasa_stack):
    patient = Patient(rasa_stack, f"es-{uuid.uuid4().hex[:10]}", KNEE_WITH_FOOT_SIGNS)
    patient.say("/greet")  # the first message starts the session (which resets slots), then the slot is set
    set_language(rasa_stack, patient.sender, "es")
    again = patient.say("/greet")
    assert "Antes de preguntarle sobre su salud, necesito su autorización." in texts(again), patient.last_lines()
    spanish_replies(again)
    spanish_replies(patient.say("/ask_hours"))
    spanish_replies(patient.say(answer_text("consent", value=True)))
    result = patient.answer_until_result()
    assert "¿Le gustaría agendar un análisis de la marcha?" in texts(result), patient.last_lines()
    spanish_replies(result)
    where = patient.say(answer_text(BOOKING_OFFER, value=True))
    assert "¿Qué sede le queda mejor?" in texts(where), patient.last_lines()
    times = patient.say(next(b["payload"] for b in buttons(where) if "Midtown" in b["title"]))
    assert any(b["title"] == "Horarios más tarde" for b in buttons(times))
    assert re.match(r"^(lun|mar|mié|jue|vie|sáb|dom) \d{1,2} de \w+, \d{1,2}:\d\d [ap]\.m\.$", buttons(times)[0]["title"])
    spanish_replies(times)
    spanish_replies(patient.say(buttons(times)[0]["payload"]))
    spanish_replies(patient.say("Juana Perez"))
    check = patient.say("juana.perez@example.com")
    assert any(text.startswith("Por favor, revise: Análisis de la marcha en Midtown") for text in texts(check))
    spanish_replies(check)
    booked = patient.say("/affirm")
    confirmation = " ".join(texts(booked))
    assert "Su cita está agendada" in confirmation and "los zapatos" in confirmation, patient.last_lines()
    spanish_replies(booked)
    assert patient.slot("language") == "es"
