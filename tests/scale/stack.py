"""A `make run-scaled` stack on free ports with throw-away databases: fault tests and bench/load.py.

    with scaled_stack(tmp, replicas=2) as stack:
        stack.say("patient-1", "hi"); stack.tracker("patient-1"); stack.kill("rasa-1")

The conversations and the clinic database are fresh PostgreSQL databases (dropped afterwards)
on `postgres_url` (default: the machine's server, TEST_POSTGRES_URL); the lock store is the
Redis at `redis_url`. Senders are unique per run, so a shared Redis is safe.
"""
from __future__ import annotations

import os
import secrets
import signal
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from bot.db_check import DatabaseUnavailable, check_reachable
from bot.launcher import LaunchError, Service, Stack, free_port
from bot.scaled import check_redis, nginx_binary, prepare_stores, scaled_services
from bot.security.secrets import with_secrets
from bot.storage.testing import postgres_test_url
from bot.training import train
from tests.support import rasa_rest

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/1"


def unavailable_reason(postgres_url: Optional[str] = None, redis_url: Optional[str] = None) -> Optional[str]:
    """Why a scaled stack cannot be had here (for pytest.skip), or None."""
    try:
        nginx_binary()
        check_reachable(postgres_url or postgres_test_url())
        check_redis(redis_url or os.environ.get("TEST_REDIS_URL", DEFAULT_REDIS_URL))
    except (LaunchError, DatabaseUnavailable) as error:
        return str(error)
    return None


@dataclass
class ScaledStack:
    """Handles to a running scaled stack, and REST helpers that send the token on every call."""

    stack: Stack
    env: Dict[str, str]
    url: str
    token: str

    def say(self, sender: str, text: str, timeout: float = 60) -> List[Dict[str, Any]]:
        return rasa_rest.say(self.url, self.token, sender, text, timeout=timeout)

    def tracker(self, sender: str) -> Dict[str, Any]:
        return rasa_rest.tracker(self.url, self.token, sender)

    def service(self, name: str) -> Service:
        return next(s for s in self.stack.services if s.name == name)

    def replica_url(self, name: str) -> str:
        """One service's own address, past nginx (e.g. to look without moving nginx's rotation)."""
        return f"http://127.0.0.1:{self.service(name).port}"

    def services(self, prefix: str) -> List[Service]:
        return [s for s in self.stack.services if s.name.startswith(prefix)]

    def kill(self, name: str, hang_s: float = 0.0) -> None:
        """SIGKILL one service's process group: a crash, not a clean stop. With `hang_s`, the
        process is first stopped (SIGSTOP) that long, so the requests it is handed meanwhile are
        in flight when it dies, however fast the machine answers otherwise."""
        process = self.service(name).process
        assert process is not None
        if hang_s:
            os.killpg(process.pid, signal.SIGSTOP)
            time.sleep(hang_s)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def user_texts(tracker: Dict[str, Any]) -> List[str]:
    """The patient's messages stored in a tracker, in order."""
    return [event.get("text") for event in tracker["events"] if event["event"] == "user"]


@contextmanager
def temporary_postgres_databases(base_url: str, names: List[str]) -> Iterator[Dict[str, str]]:
    """Fresh databases on the server of base_url: name -> URL; dropped afterwards."""
    suffix = secrets.token_hex(4)
    urls = {name: make_url(base_url).set(database=f"scale_{name}_{suffix}").render_as_string(hide_password=False)
            for name in names}
    yield urls
    admin = sa.create_engine(make_url(base_url), future=True, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            for url in urls.values():
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    finally:
        admin.dispose()


@contextmanager
def scaled_stack(tmp: Path, replicas: int = 2, action_replicas: Optional[int] = None,
                 postgres_url: Optional[str] = None, redis_url: Optional[str] = None,
                 extra_env: Optional[Dict[str, str]] = None) -> Iterator[ScaledStack]:
    """Train if needed, start `replicas` Rasa servers and action servers behind nginx; stop them after."""
    model = train(log=tmp / "train.log")
    with temporary_postgres_databases(postgres_url or postgres_test_url(), ["conversations", "clinic"]) as urls:
        port = free_port()
        env = with_secrets({
            **os.environ, "RASA_PORT": str(port), "ACTION_PORT": str(free_port()),
            "RASA_TELEMETRY_ENABLED": "false",
            "TF_CPP_MIN_LOG_LEVEL": "2", "VAR_DIR": str(tmp / "var"),
            "TRACKER_DB_URL": urls["conversations"], "DATABASE_URL": urls["clinic"],
            "REDIS_URL": redis_url or os.environ.get("TEST_REDIS_URL", DEFAULT_REDIS_URL),
            "TICKET_LOCK_LIFETIME": "15", "REPLICAS": str(replicas),
            "ACTION_REPLICAS": str(action_replicas or replicas),
            "WIDGET_ORIGINS": "http://127.0.0.1:8080", **(extra_env or {}),
        }, tmp / "var")  # the API token, the action server's token and the widget's key, in tmp
        prepare_stores(env)
        stack = Stack(scaled_services(env, model, tmp / "run"), env, log_dir=tmp / "log")
        started = time.monotonic()
        stack.start(progress=lambda line: None)
        env["STARTUP_SECONDS"] = f"{time.monotonic() - started:.1f}"
        try:
            yield ScaledStack(stack, env, f"http://127.0.0.1:{port}", env["RASA_AUTH_TOKEN"])
        finally:
            stack.stop()
