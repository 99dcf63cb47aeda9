"""The deployment files parse and start the servers as `make run-scaled` does.

No container daemon or cluster is available here (deploy/README.md), so these check the
files themselves: the images' commands, docker-compose.yml, nginx's config and the Helm values.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Dict, List

import pytest
import yaml

from bot.paths import REPO_ROOT
from bot.scaled import COMPOSE_NGINX, compose_nginx_config, scaled_services
from bot.serve import SERVICES, service_argv

DEPLOY = REPO_ROOT / "deploy"


def dockerfile_stages() -> Dict[str, List[str]]:
    """Each named stage of deploy/Dockerfile -> its CMD (JSON form), [] when it has none."""
    stages: Dict[str, List[str]] = {}
    current = None
    for line in (DEPLOY / "Dockerfile").read_text().splitlines():
        if match := re.match(r"FROM \S+ AS (\S+)", line):
            current = match.group(1)
            stages[current] = []
        elif line.startswith("CMD ") and current:
            stages[current] = json.loads(line[4:])
    return stages


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())


@pytest.mark.parametrize("name", SERVICES)
def test_image_compose_and_helm_run_the_same_command(name: str) -> None:
    command = ["python", "-m", "bot.serve", name]
    assert dockerfile_stages()[name] == command
    assert compose()["services"][name]["command"] == command
    values = "rasa-values.yaml" if name == "rasa" else "action-server-values.yaml"
    assert yaml.safe_load((DEPLOY / "helm" / values).read_text())["command"] == command


def test_every_compose_build_target_is_a_dockerfile_stage() -> None:
    stages = dockerfile_stages()
    targets = {s["build"]["target"] for s in compose()["services"].values() if "build" in s}
    assert targets and targets <= set(stages)


@pytest.mark.parametrize("name", SERVICES)
def test_bot_serve_builds_the_replicas_command_line(name: str, tmp_path: Path) -> None:
    """What an image runs (bot.serve) is what make run-scaled starts for a replica on the same port."""
    env = {"RASA_PORT": "5005", "ACTION_PORT": "5055", "RASA_AUTH_TOKEN": "t", "REPLICAS": "1",
           "ACTION_REPLICAS": "1", "WIDGET_ORIGINS": "https://clinic.example.org"}
    replica = next(s for s in scaled_services(env, Path("models/triage.tar.gz"), tmp_path)
                   if s.name == f"{'rasa' if name == 'rasa' else 'actions'}-1")
    served = service_argv(name, {**env, **{"RASA_PORT" if name == "rasa" else "ACTION_PORT": str(replica.port)}})

    def without_file_paths(argv: List[str]) -> List[str]:
        return [Path(a).name if "/" in a else a for a in argv]

    assert without_file_paths(served) == without_file_paths(replica.argv)


def test_compose_nginx_config_is_rendered_from_the_template() -> None:
    assert COMPOSE_NGINX.read_text() == compose_nginx_config(), "run: python -m bot.scaled compose-nginx"


def test_helm_values_use_redis_locks_and_several_replicas() -> None:
    values = yaml.safe_load((DEPLOY / "helm" / "rasa-values.yaml").read_text())
    assert values["replicaCount"] >= 2
    assert values["applicationSettings"]["endpoints"]["lockStore"]["enabled"] is True
    assert values["applicationSettings"]["endpoints"]["lockStore"]["type"] == "bot.lock_store.AtomicRedisLockStore"
    assert values["applicationSettings"]["endpoints"]["additionalEndpoints"]["tracker_store"]["type"] == \
        "bot.tracker_store.UrlSQLTrackerStore"


def test_compose_replicas_share_the_telegram_button_records() -> None:
    """A tap may reach another replica than the one that sent the keyboard: the records' file is on one volume."""
    compose_file = compose()
    rasa = compose_file["services"]["rasa"]
    path = rasa["environment"]["TELEGRAM_CALLBACK_DB"]
    mounts = dict(volume.split(":", 1)[::-1] for volume in rasa["volumes"])  # mount point -> volume
    shared = [volume for mount, volume in mounts.items() if path.startswith(mount.rstrip("/") + "/")]
    assert shared and shared[0] in compose_file["volumes"], "the file must be on a named volume"
    assert rasa["environment"]["TRACKER_DB_URL"] == compose_file["x-app"]["environment"]["TRACKER_DB_URL"]
