"""Every simulated patient of patients.yml, in free text, against the real stack.

Each reaches the disposition its answers give, is never asked what its first
message already said, hears red-flag advice in reply to the message that
mentioned the red flag, and, when scripted, ends with a confirmed booking
(converse() fails on anything unscripted, on more than 40 messages, and
when a scripted booking is never confirmed).
"""
from __future__ import annotations

import pytest

from tests.e2e.simulated import PatientScript, load_patients, served

pytestmark = pytest.mark.e2e

PATIENTS = [pytest.param(p, id=p.id, marks=[pytest.mark.xfail(strict=True, reason=p.known_gap)] if p.known_gap else [])
            for p in load_patients()]


@pytest.mark.parametrize("patient", PATIENTS)
def test_simulated_patient(rasa_stack, patient: PatientScript) -> None:
    served(rasa_stack, patient)
