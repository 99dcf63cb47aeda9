"""make run-scaled's configuration: the lock store from one setting, nginx's config, clear failures."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.launcher import LaunchError, free_port, redis_lock_store, render_endpoints
from bot.paths import REPO_ROOT
from bot.scaled import check_redis, nginx_binary, nginx_config


def test_redis_url_adds_rasas_redis_lock_store(tmp_path: Path) -> None:
    env = {"ACTION_PORT": "5055", "REDIS_URL": "redis://:s%40cret@10.0.0.5:6380/3"}
    endpoints = yaml.safe_load(render_endpoints(env, tmp_path / "endpoints.yml").read_text())
    assert endpoints["lock_store"] == {"type": "bot.lock_store.AtomicRedisLockStore", "url": "10.0.0.5", "port": 6380, "db": 3,
                                       "use_ssl": False, "socket_timeout": 5, "password": "s@cret"}
    assert endpoints["action_endpoint"]["url"] == "http://127.0.0.1:5055/webhook"


def test_without_redis_url_there_is_no_lock_store(tmp_path: Path) -> None:
    endpoints = yaml.safe_load(render_endpoints({"ACTION_PORT": "5055"}, tmp_path / "e.yml").read_text())
    assert "lock_store" not in endpoints


def test_a_redis_url_of_another_scheme_is_refused() -> None:
    with pytest.raises(LaunchError, match="REDIS_URL"):
        redis_lock_store("http://127.0.0.1:6379")


def test_unreachable_redis_fails_at_once_with_a_clear_message() -> None:
    with pytest.raises(LaunchError, match=r"Cannot reach Redis \(the lock store\) at redis://127.0.0.1:\d+/1"):
        check_redis(f"redis://127.0.0.1:{free_port()}/1", timeout_s=1)


def test_make_run_scaled_stops_at_once_when_postgresql_is_unreachable(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "VAR_DIR": str(tmp_path), "RASA_PORT": str(free_port()),
           "TRACKER_DB_URL": f"postgresql://postgres:secret@127.0.0.1:{free_port()}/x",
           "RASA_TELEMETRY_ENABLED": "false"}
    result = subprocess.run([sys.executable, "-m", "bot.scaled"], cwd=REPO_ROOT, env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 1
    assert "Could not start: Cannot reach the database at postgresql://postgres:***@127.0.0.1" in result.stderr
    assert "secret" not in result.stderr


def test_the_rendered_nginx_config_is_valid_for_nginx(tmp_path: Path) -> None:
    try:
        nginx = nginx_binary()
    except LaunchError as error:
        pytest.skip(str(error))
    config = tmp_path / "nginx.conf"
    config.write_text(nginx_config(free_port(), f"127.0.0.1:{free_port()}", ["127.0.0.1:1", "127.0.0.1:2"],
                                   ["127.0.0.1:3"], tmp_path))
    result = subprocess.run([nginx, "-t", "-c", str(config), "-p", str(tmp_path)], capture_output=True, text=True,
                            timeout=30)
    assert result.returncode == 0, result.stderr
