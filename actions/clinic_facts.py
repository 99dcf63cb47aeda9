"""The clinic's facts for the actions, loaded once per action-server process."""
from __future__ import annotations

from functools import lru_cache

from bot.clinic import Clinic, load_clinic


@lru_cache(maxsize=1)
def clinic() -> Clinic:
    return load_clinic()
