"""Shared end-to-end fixture: real Rasa and action servers on free loopback ports.

The model is trained once per test run (skipped when nothing changed). Each run
gets its own SQLite tracker store and clinic database in a temporary folder, so
tests never touch var/.
"""
from __future__ import annotations

import os
import secrets
import subprocess
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import pytest
from hypothesis import HealthCheck, settings

from bot.launcher import Stack, free_port, rasa_services
from bot.paths import REPO_ROOT
from bot.security.secrets import with_secrets
from bot.training import train
from tests.support import rasa_rest

# Property tests: `make test` runs thousands of examples, `make test-fast` (HYPOTHESIS_PROFILE=fast) fewer.
settings.register_profile("ci", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("fast", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


TEST_MESSAGES_PER_MINUTE = 50  # above any scripted conversation's pace; tests/security's floods exceed it


@dataclass
class RasaStack:
    """Handles to the running servers, and helpers to talk to them over HTTP (logs in tmp/log/)."""

    stack: Stack
    env: Dict[str, str]
    rasa_url: str
    action_url: str
    token: str
    telegram_api_port: int
    web_port: int
    tmp: Path

    def say(self, sender_id: str, text: str, metadata: Optional[Dict[str, Any]] = None) -> List[Dict[str, Any]]:
        """Send one message (with the channel's metadata, if any) through the REST channel, with the token."""
        return rasa_rest.say(self.rasa_url, self.token, sender_id, text, metadata=metadata)

    def tracker(self, sender_id: str) -> Dict[str, Any]:
        return rasa_rest.tracker(self.rasa_url, self.token, sender_id)

    def slot(self, sender_id: str, name: str) -> Any:
        return self.tracker(sender_id)["slots"].get(name)

    def restart_rasa(self) -> None:
        """Stop and start the Rasa server only: same port, same tracker store."""
        self.stack.restart("rasa")


def _stack_env(tmp: Path, overrides: Dict[str, str]) -> Dict[str, str]:
    telegram_port, web_port = free_port(), free_port()
    env = {
        **os.environ,
        "RASA_PORT": str(free_port()),
        "ACTION_PORT": str(free_port()),
        "RASA_AUTH_TOKEN": secrets.token_urlsafe(16),
        "RASA_TELEMETRY_ENABLED": "false",
        "TRACKER_DB_URL": f"sqlite:///{tmp / 'conversations.db'}",
        "DATABASE_URL": f"sqlite:///{tmp / 'clinic.db'}",
        "VAR_DIR": str(tmp / "var"),
        "TELEGRAM_TOKEN": "123456:TEST-TOKEN",
        "TELEGRAM_WEBHOOK_SECRET": "test-secret",
        "TELEGRAM_API_BASE_URL": f"http://127.0.0.1:{telegram_port}/bot",
        "TELEGRAM_API_FILE_URL": f"http://127.0.0.1:{telegram_port}/file/bot",
        "FAKE_TELEGRAM_PORT": str(telegram_port),
        "WEB_PORT": str(web_port),
        "WIDGET_ORIGINS": f"http://127.0.0.1:{web_port} http://localhost:{web_port}",
        "SENDER_MESSAGES_PER_MINUTE": str(TEST_MESSAGES_PER_MINUTE),
        "TICKET_LOCK_LIFETIME": "600",  # a flood queues that many messages for one sender behind Rasa's lock
        **overrides,
    }
    return with_secrets(env, tmp / "var")  # the action server's token and the widget's key, in tmp


@contextmanager
def running_stack(tmp: Path, env_overrides: Optional[Dict[str, str]] = None) -> Iterator[RasaStack]:
    """Train (if needed), start both servers with their stores in tmp, and stop them afterwards.

    env_overrides replaces variables of the stack's environment, e.g. the stores' URLs to run on PostgreSQL."""
    model = train(log=tmp / "train.log")
    env = _stack_env(tmp, env_overrides or {})
    subprocess.run([sys.executable, "-m", "bot.storage", "upgrade"], cwd=REPO_ROOT, env=env, check=True)
    stack = Stack(rasa_services(env, model, run_dir=tmp), env, log_dir=tmp / "log")
    stack.start(progress=lambda line: None)
    try:
        yield RasaStack(
            stack=stack, env=env,
            rasa_url=f"http://127.0.0.1:{env['RASA_PORT']}",
            action_url=f"http://127.0.0.1:{env['ACTION_PORT']}",
            token=env["RASA_AUTH_TOKEN"],
            telegram_api_port=int(env["FAKE_TELEGRAM_PORT"]),
            web_port=int(env["WEB_PORT"]),
            tmp=tmp,
        )
    finally:
        stack.stop()


@pytest.fixture(scope="session")
def rasa_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RasaStack]:
    with running_stack(tmp_path_factory.mktemp("stack")) as stack:
        yield stack
