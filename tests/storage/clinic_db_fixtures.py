"""Fixtures shared by tests/storage, tests/staff and tests/notify (imported by their conftest.py).

`backend` runs a test on SQLite and on PostgreSQL (127.0.0.1:5432/test, a fresh
schema per test). Without a reachable PostgreSQL the PostgreSQL runs are skipped,
except in CI (CI=1), where that is a failure.
"""
from __future__ import annotations

import copy
import functools
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, Iterator, Optional

import pytest
import yaml
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from bot.clinic import Clinic, load_clinic
from bot.paths import REPO_ROOT
from bot.storage.engine import DatabaseUnavailable, check_reachable, make_engine, make_sessionmaker
from bot.storage.testing import postgres_test_url, temporary_database

# Monday 4 March 2030, 12:00 UTC (7:00 am in New York, still on EST until 10 March).
NOW = datetime(2030, 3, 4, 12, 0, tzinfo=timezone.utc)

TEST_HOURS: Dict[str, Dict[str, list]] = {
    "midtown": {"mon": ["09:00-12:00"], "tue": ["09:00-12:00"], "wed": ["09:00-12:00"], "thu": ["09:00-12:00"],
                "fri": ["09:00-12:00"], "sat": ["10:00-11:30"], "sun": []},
    "upper_east_side": {"mon": ["13:00-15:00"], "tue": [], "wed": ["13:00-15:00"], "thu": [], "fri": [],
                        "sat": [], "sun": []},
}


@functools.lru_cache(maxsize=None)
def postgres_unavailable() -> Optional[str]:
    try:
        check_reachable(postgres_test_url(), timeout_s=3)
    except DatabaseUnavailable as error:
        return str(error)
    return None


def clinic_data(**booking: Any) -> Dict[str, Any]:
    """The shipped clinic.yml with fixed hours, holidays and booking rules, so tests don't follow edits."""
    data = yaml.safe_load((REPO_ROOT / "clinic.yml").read_text())
    data["booking"] = {"slot_minutes": 60, "lead_time_hours": 24, "horizon_days": 14, **booking}
    data["holidays"] = [{"date": "2030-03-08", "name": "Test holiday"}]
    for location in data["locations"]:
        location["hours"] = copy.deepcopy(TEST_HOURS[location["id"]])
        location["holidays"] = []
    data["locations"][1]["holidays"] = [{"date": "2030-03-06", "name": "UES staff training"}]
    return data


def write_clinic(path: Path, data: Dict[str, Any]) -> Clinic:
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return load_clinic(path)


@pytest.fixture
def clinic(tmp_path: Path) -> Clinic:
    return write_clinic(tmp_path / "clinic.yml", clinic_data())


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    if request.param == "postgresql" and postgres_unavailable():
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required in CI: {postgres_unavailable()}")
        pytest.skip(f"PostgreSQL not reachable: {postgres_unavailable()}")
    return request.param


@pytest.fixture
def db_url(backend: str, tmp_path: Path) -> Iterator[str]:
    with temporary_database(backend, tmp_path) as url:
        yield url


@pytest.fixture
def engine(db_url: str, backend: str) -> Iterator[Engine]:
    options = {"pool_size": 25, "max_overflow": 0} if backend == "postgresql" else {}
    engine = make_engine(db_url, **options)
    yield engine
    engine.dispose()


@pytest.fixture
def factory(engine: Engine) -> sessionmaker:
    return make_sessionmaker(engine)
