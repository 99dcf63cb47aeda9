"""The Spanish simulated patients of patients_es.yml, in free text, against the real stack.

Each is served as the English ones are (tests/e2e/simulated.py `served`: the expected
disposition, nothing asked twice, red-flag advice in the same turn), the conversation's
language is Spanish (or English after "English please"), and no reply of a Spanish
conversation is in English.
"""
from __future__ import annotations

from typing import Dict

import pytest

from tests.e2e.simulated import SPANISH_PATIENTS_FILE, Conversation, PatientScript, load_patients, served
from tests.support.spanish import english_in

pytestmark = pytest.mark.e2e

PATIENTS = load_patients(SPANISH_PATIENTS_FILE)
SWITCHES = {"es_switches_to_english": "en"}
"""Patients who ask for another language, and the language they end in."""
TALKS: Dict[str, Conversation] = {}


def bot_replies(talk: Conversation) -> list:
    return [line[2:] for line in talk.transcript if line.startswith("< ")]


@pytest.mark.parametrize("patient", PATIENTS, ids=[p.id for p in PATIENTS])
def test_spanish_patient_is_served_in_spanish(rasa_stack, patient: PatientScript) -> None:
    talk = served(rasa_stack, patient)
    TALKS[patient.id] = talk
    assert rasa_stack.slot(talk.sender, "language") == SWITCHES.get(patient.id, "es"), talk.tail()
    if patient.booking:
        assert rasa_stack.slot(talk.sender, "booking_status") == "booked", talk.tail()


def test_the_spanish_patients_cover_the_issue() -> None:
    assert len(PATIENTS) >= 10
    assert {p.style for p in PATIENTS} >= {"terse", "chatty", "typos"}
    assert any(p.red_flag_at == "first" for p in PATIENTS) and any(p.booking for p in PATIENTS)
    assert SWITCHES.keys() <= {p.id for p in PATIENTS}


def test_no_reply_in_a_spanish_conversation_is_english(rasa_stack) -> None:
    """Every reply of every conversation that stays Spanish (those of the test above, else three)."""
    talks = TALKS or {p.id: served(rasa_stack, p) for p in PATIENTS[:3]}  # when run alone
    spanish = [talk for patient_id, talk in talks.items() if patient_id not in SWITCHES]
    english = [(talk.patient.id, text) for talk in spanish for text in bot_replies(talk) if english_in(text)]
    assert english == []
