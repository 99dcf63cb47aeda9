"""Shared helpers of the data-protection tests (tests/security/test_data_*.py).

A canary is a made-up word a patient uses; afterwards no log and no table may
hold it. The helpers scan log files, every table of an SQL database and the
Telegram button file.
"""
from __future__ import annotations

import random
import string
from pathlib import Path
from typing import Dict, Iterable, List

import requests
import sqlalchemy as sa


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
