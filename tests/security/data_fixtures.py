"""Shared helpers of the data-protection tests (tests/security/test_data_*.py).

A canary is a made-up word a patient uses; afterwards no log and no table may
hold it. The helpers scan log files, every table of an SQL database and the
Telegram button file.
"""
from __future__ import annotations

import asyncio
import random
import string
from datetime import datetime
from pathlib import Path
from typing import Dict, Iterable, Iterator, List, Optional

import pytest
import requests
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.paths import REPO_ROOT
from bot.storage.testing import temporary_database
from bot.tracker_store import UrlSQLTrackerStore

DOMAIN = Domain.load(str(REPO_ROOT / "domain.yml"))


def canary_word() -> str:
    """A capitalised word of random letters (a valid name part), found nowhere else."""
    letters = "".join(random.SystemRandom().choice(string.ascii_lowercase) for _ in range(10))
    return "Qz" + letters


def files_containing(word: str, files: Iterable[Path]) -> List[str]:
    """The files whose bytes contain `word` (case-insensitive)."""
    needle = word.lower().encode()
    return [str(path) for path in files if path.is_file() and needle in path.read_bytes().lower()]


def logs_under(directory: Path) -> List[Path]:
    return sorted(path for path in directory.rglob("*.log"))


def rows_containing(url: str, *needles: str) -> Dict[str, int]:
    """{table: rows} of every table of the database at `url` whose text holds any needle."""
    engine = sa.create_engine(url, future=True)
    found: Dict[str, int] = {}
    try:
        inspector = sa.inspect(engine)
        with engine.connect() as connection:
            for table_name in inspector.get_table_names():
                table = sa.Table(table_name, sa.MetaData(), autoload_with=connection)
                for row in connection.execute(sa.select(table)):
                    text = " ".join(str(value) for value in row).lower()
                    if any(needle.lower() in text for needle in needles):
                        found[table_name] = found.get(table_name, 0) + 1
    finally:
        engine.dispose()
    return found


def rest_say(rasa_url: str, token: str, sender: str, message: object) -> requests.Response:
    """One REST message, with the API token (the REST channel requires it once access control lands)."""
    return requests.post(f"{rasa_url}/webhooks/rest/webhook", params={"token": token},
                         json={"sender": sender, "message": message}, timeout=60)


def reply_texts(response: requests.Response) -> str:
    response.raise_for_status()
    return " ".join(reply.get("text", "") for reply in response.json())


def save_conversation(url: str, sender: str, words: str, consent: Optional[bool], at: datetime) -> None:
    """Store a short conversation through Rasa's own (our) SQL tracker store, its events dated `at`."""
    store = UrlSQLTrackerStore(domain=DOMAIN, host=url)
    moment = at.timestamp()
    events = [ActionExecuted("action_listen", timestamp=moment), UserUttered(words, timestamp=moment)]
    if consent is not None:
        events.append(SlotSet("consent", consent, timestamp=moment))
    asyncio.run(store.save(DialogueStateTracker.from_events(sender, events, DOMAIN.slots)))
    store.engine.dispose()


@pytest.fixture
def tracker_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """An empty conversation store on the test's backend (Rasa creates its table on first use)."""
    with temporary_database(backend, tmp_path, revision=None) as url:
        yield url
