"""Start-up safety: busy ports and unreachable databases fail fast with a clear message;
the conversation store works on SQLite and PostgreSQL and forgets a sender on request."""
from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, AllSlotsReset, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.db_check import DatabaseUnavailable, check_reachable
from bot.launcher import LaunchError, ensure_port_free, render_endpoints
from bot.paths import REPO_ROOT
from bot.storage.testing import BACKENDS, temporary_database
from bot.tracker_store import UrlSQLTrackerStore

DOMAIN = Domain.load(str(REPO_ROOT / "domain.yml"))


def test_a_busy_port_is_named_with_the_variable_to_change():
    with socket.socket() as busy:
        busy.bind(("0.0.0.0", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(LaunchError, match=rf"Port {port} is already in use \(set by RASA_PORT\)"):
            ensure_port_free(port, "RASA_PORT")


def test_make_run_refuses_a_busy_port_without_starting_anything(tmp_path: Path):
    with socket.socket() as busy:
        busy.bind(("0.0.0.0", 0))
        busy.listen()
        port = busy.getsockname()[1]
        env = {**os.environ, "RASA_PORT": str(port), "VAR_DIR": str(tmp_path),
               "TRACKER_DB_URL": f"sqlite:///{tmp_path / 'c.db'}", "RASA_AUTH_TOKEN": "t"}
        result = subprocess.run([sys.executable, "-m", "bot.run"], cwd=REPO_ROOT, env=env,
                                capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert f"Port {port} is already in use" in result.stderr


def test_an_unreachable_database_fails_fast_without_the_password():
    started = time.monotonic()
    with pytest.raises(DatabaseUnavailable) as error:
        check_reachable("postgresql://clinic:s3cret@127.0.0.1:9/clinic", timeout_s=3)
    assert time.monotonic() - started < 10
    assert "127.0.0.1:9/clinic" in str(error.value) and "s3cret" not in str(error.value)


def test_the_tracker_store_fails_fast_instead_of_retrying_forever():
    with pytest.raises(DatabaseUnavailable):
        UrlSQLTrackerStore(domain=DOMAIN, host="postgresql://x@127.0.0.1:9/none")


def test_endpoints_get_the_action_port(tmp_path: Path):
    rendered = render_endpoints({"ACTION_PORT": "6123"}, tmp_path / "endpoints.yml").read_text()
    assert "http://127.0.0.1:6123/webhook" in rendered and "${" not in rendered


@pytest.mark.parametrize("backend", BACKENDS)
def test_conversations_persist_and_are_forgotten_on_request(backend: str, tmp_path: Path):
    with temporary_database(backend, tmp_path, revision=None) as url:
        store = UrlSQLTrackerStore(domain=DOMAIN, host=url)
        tracker = DialogueStateTracker.from_events("patient-1", [
            ActionExecuted("action_listen"), UserUttered("my knee hurts"), SlotSet("consent", True)], DOMAIN.slots)
        asyncio.run(store.save(tracker))
        again = UrlSQLTrackerStore(domain=DOMAIN, host=url)  # a restarted server
        restored = asyncio.run(again.retrieve("patient-1"))
        assert restored.get_slot("consent") is True
        restored.update(ActionExecuted("action_forget_me"))
        restored.update(AllSlotsReset())
        asyncio.run(again.save(restored))
        assert asyncio.run(again.retrieve("patient-1")) is None
        again.engine.dispose()
        store.engine.dispose()


def test_a_failed_forget_keeps_the_conversation(tmp_path: Path):
    store = UrlSQLTrackerStore(domain=DOMAIN, host=f"sqlite:///{tmp_path / 'c.db'}")
    tracker = DialogueStateTracker.from_events("patient-2", [UserUttered("hello")], DOMAIN.slots)
    tracker.update(ActionExecuted("action_forget_me"))  # no AllSlotsReset: the erase failed
    asyncio.run(store.save(tracker))
    assert asyncio.run(store.retrieve("patient-2")) is not None


def test_no_secret_is_on_a_command_line_and_each_service_gets_only_its_own(tmp_path: Path):
    from bot.launcher import SECRET_VARIABLES, rasa_services

    env = {"RASA_PORT": "5005", "ACTION_PORT": "5055", **{name: f"-secret-{name}" for name in SECRET_VARIABLES}}
    services = {s.name: s for s in rasa_services(env, tmp_path / "m.tar.gz", run_dir=tmp_path)}

    for service in services.values():
        assert not [arg for arg in service.argv if "-secret-" in arg], service.name
    given = {name: {key for key in SECRET_VARIABLES if key in service.env} for name, service in services.items()}
    assert given["actions"] == {"ACTION_SERVER_TOKEN"}
    assert given["rasa"] == {"RASA_AUTH_TOKEN", "ACTION_SERVER_TOKEN", "TELEGRAM_TOKEN", "TELEGRAM_WEBHOOK_SECRET",
                             "WIDGET_SESSION_SECRET"}
    assert "-secret-" not in (tmp_path / "endpoints.yml").read_text()


def test_make_runs_other_services_get_only_their_secrets_and_none_on_the_command_line():
    from bot.launcher import SECRET_VARIABLES
    from bot.run import extra_services

    env = {"WEB_PORT": "8080", "STAFF_PORT": "8081", **{name: f"-secret-{name}" for name in SECRET_VARIABLES}}
    services = {s.name: s for s in extra_services(env)}

    assert not [arg for s in services.values() for arg in s.argv if "-secret-" in arg]
    given = {name: {key for key in SECRET_VARIABLES if key in s.env} for name, s in services.items()}
    assert given == {
        "web": set(),
        "staff": {"RASA_AUTH_TOKEN", "STAFF_API_TOKEN", "SMTP_PASSWORD", "TELEGRAM_TOKEN"},
        "telegram": {"TELEGRAM_TOKEN", "TELEGRAM_WEBHOOK_SECRET"},
    }
