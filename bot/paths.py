"""Where the project keeps its files, and the defaults every process agrees on."""
from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", REPO_ROOT / "var"))


def default_sqlite_url(filename: str) -> str:
    """An SQLite URL for a file under var/, creating var/ so first runs just work."""
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{VAR_DIR / filename}"


def tracker_db_url() -> str:
    """The conversation store: TRACKER_DB_URL, else SQLite under var/."""
    return os.environ.get("TRACKER_DB_URL") or default_sqlite_url("conversations.db")
