"""A PostgreSQL server of a test's own, so that stopping it (a database outage) touches nobody else.

initdb in a temporary folder, run as the postgres user (runuser), trust auth, loopback only, on a
free port. Used by tests/scale's faults and tests/security's canary; `missing()` says why one cannot
be had (the tests skip with that reason).
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import List

from bot.launcher import free_port

PG_BIN = Path("/usr/local/bin")


def missing() -> str:
    """Why a private PostgreSQL cannot be started here; empty when it can."""
    if not (PG_BIN / "initdb").exists() or not (PG_BIN / "pg_ctl").exists() or not shutil.which("runuser"):
        return f"PostgreSQL's initdb and pg_ctl are not in {PG_BIN} (or runuser is missing)"
    return ""


class OwnPostgres:
    """A PostgreSQL cluster of our own: initdb in a temporary folder, trust auth, loopback, free port."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="own-pg-", dir="/tmp"))
        self.port = free_port()
        shutil.chown(self.dir, "postgres", "postgres")
        self._as_postgres([str(PG_BIN / "initdb"), "-D", str(self.dir / "data"), "-U", "postgres", "--auth=trust",
                           "-E", "UTF8"])
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _as_postgres(self, argv: List[str]) -> None:
        subprocess.run(["runuser", "-u", "postgres", "--", *argv], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=90)

    def start(self) -> None:
        self._as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.dir / "data"), "-l", str(self.dir / "log"), "-w",
                           "-o", f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1", "start"])

    def stop(self) -> None:
        self._as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "fast", "-w", "stop"])

    def remove(self) -> None:
        try:
            self.stop()
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)
