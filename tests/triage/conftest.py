"""Shared parts of the triage engine tests: the fixed test model.

Engine behaviour is tested on tests/triage/model_fixture.yml, so a clinic tuning
bot/triage/model.yml does not break these tests; the shipped model is checked by
the vignettes and the interview properties.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from bot.triage import Model, load_model

FIXTURE_FILE = Path(__file__).with_name("model_fixture.yml")
FIXTURE: Model = load_model(FIXTURE_FILE)


@pytest.fixture
def model() -> Model:
    return FIXTURE
