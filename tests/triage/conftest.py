"""Shared answer sets for the triage engine tests."""
from __future__ import annotations

from typing import Dict

import pytest

GENERAL_FLAGS = (
    "rf_bladder_bowel", "rf_saddle_numbness", "rf_leg_weakness", "rf_calf_swelling", "rf_cold_foot",
    "rf_trauma", "rf_cannot_bear_weight", "rf_fever", "rf_cancer_history", "rf_night_pain",
)
KNEE_FLAGS = ("rf_hot_swollen_knee", "rf_knee_locked")
POINTS_AWAY = ("sitting_relieves", "calf_pain_walking", "morning_stiffness")


@pytest.fixture
def clear_knee() -> Dict[str, object]:
    """A knee patient who answered no to the whole screen."""
    answers: Dict[str, object] = {key: False for key in GENERAL_FLAGS + KNEE_FLAGS + POINTS_AWAY}
    answers.update(pain_location="knee", has_diabetes=False)
    return answers


@pytest.fixture
def clear_back() -> Dict[str, object]:
    """A lower-back patient (aged 35, pain for 8 weeks) who answered no to the whole screen."""
    answers: Dict[str, object] = {key: False for key in GENERAL_FLAGS + POINTS_AWAY}
    answers.update(pain_location="lower_back", has_diabetes=False, duration_weeks=8, age=35)
    return answers
