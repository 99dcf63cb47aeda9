"""Where the project keeps its files, and the defaults every process agrees on."""
from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", REPO_ROOT / "var"))


def ensure_var_dir() -> Path:
    """var/ (databases, logs, tokens), created readable by this user only, and tightened if it was not."""
    VAR_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    if VAR_DIR.stat().st_uid == os.getuid() and VAR_DIR.stat().st_mode & 0o077:
        VAR_DIR.chmod(0o700)
    return VAR_DIR


def default_sqlite_url(filename: str) -> str:
    """An SQLite URL for a file under var/, creating var/ so first runs just work."""
    return f"sqlite:///{ensure_var_dir() / filename}"


def tracker_db_url() -> str:
    """The conversation store: TRACKER_DB_URL, else SQLite under var/."""
    return os.environ.get("TRACKER_DB_URL") or default_sqlite_url("conversations.db")
