"""`make run-scaled`: Rasa's own production topology on one machine.

PostgreSQL holds the conversations and the clinic database, Redis the per-conversation
locks, N Rasa replicas and M action servers sit behind nginx, which is the one entry
point on RASA_PORT (REST, socket.io, Telegram's webhook). Any replica serves any turn.
The replicas and action servers are built by bot.launcher.rasa_services with their own
ports, so they start exactly as `make run` starts its single pair.

Settings (environment): REPLICAS (2), ACTION_REPLICAS (REPLICAS), TRACKER_DB_URL and
DATABASE_URL (PostgreSQL on 127.0.0.1:5432, databases `triage_conversations` and
`triage_clinic`, created when missing), REDIS_URL (redis://127.0.0.1:6379/1).
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from string import Template
from typing import Dict, List
from urllib.parse import urlsplit

import redis
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from bot.db_check import DatabaseUnavailable, check_reachable, redacted
from bot.launcher import LaunchError, Service, Stack, free_port, rasa_services
from bot.paths import REPO_ROOT, VAR_DIR
from bot.run import _interrupt, build_env, extra_services, run_stack
from bot.training import MODEL_PATH

NGINX_TEMPLATE = REPO_ROOT / "deploy" / "nginx" / "scaled.conf.template"
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432"
SCALED_DEFAULTS = {
    "TRACKER_DB_URL": f"{DEFAULT_POSTGRES}/triage_conversations",
    "DATABASE_URL": f"{DEFAULT_POSTGRES}/triage_clinic",
    "REDIS_URL": "redis://127.0.0.1:6379/1",
    # A replica killed mid-turn leaves its conversation's lock behind; the next turn of that
    # conversation waits at most this long (Rasa's default is 60 s). Turns take well under 1 s.
    "TICKET_LOCK_LIFETIME": "15",
}


def scaled_env(replicas: int, action_replicas: int) -> Dict[str, str]:
    """bot.run's environment with the scaled stores filled in (given URLs win)."""
    env = build_env()
    for key, value in SCALED_DEFAULTS.items():
        env.setdefault(key, value)
    env["REPLICAS"], env["ACTION_REPLICAS"] = str(replicas), str(action_replicas)
    return env


def ensure_postgres_database(url: str) -> None:
    """Create the database of a PostgreSQL URL when the server answers but it does not exist."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        check_reachable(url)
        return
    try:
        check_reachable(url)
        return
    except DatabaseUnavailable as error:
        if "does not exist" not in str(error):
            raise
    admin = sa.create_engine(parsed.set(database="postgres"), future=True, isolation_level="AUTOCOMMIT",
                             connect_args={"connect_timeout": 5})
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{parsed.database}"'))
    finally:
        admin.dispose()
    check_reachable(url)


def check_redis(url: str, timeout_s: float = 3.0) -> None:
    """PING Redis once; raise LaunchError with a clear message when it does not answer."""
    try:
        redis.Redis.from_url(url, socket_timeout=timeout_s, socket_connect_timeout=timeout_s).ping()
    except redis.RedisError as error:
        raise LaunchError(
            f"Cannot reach Redis (the lock store) at {redacted_redis(url)}: {error}. "
            "Start redis-server, or set REDIS_URL."
        ) from None


def redacted_redis(url: str) -> str:
    """The Redis URL without its password, safe to print."""
    password = urlsplit(url).password
    return url.replace(f":{password}@", ":***@") if password else url


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if not found:
        raise LaunchError("nginx is not installed: run scripts/setup.sh --scaled (apt-get install nginx-light).")
    return found


def nginx_config(listen_port: int, action_lb_listen: str, rasa_servers: List[str], action_servers: List[str],
                 run_dir: Path) -> str:
    """deploy/nginx/scaled.conf.template filled in: servers are host:port addresses."""
    def servers(addresses: List[str]) -> str:
        return "\n".join(f"        server {address} max_fails=1 fail_timeout=5s;" for address in addresses)

    # safe_substitute: nginx's own $variables stay; every ${NAME} of ours must be filled.
    text = Template(NGINX_TEMPLATE.read_text()).safe_substitute(
        LISTEN_PORT=listen_port, ACTION_LB_LISTEN=action_lb_listen, RUN_DIR=run_dir,
        RASA_SERVERS=servers(rasa_servers), ACTION_SERVERS=servers(action_servers),
    )
    if "${" in text:
        raise LaunchError(f"{NGINX_TEMPLATE} has a placeholder bot/scaled.py does not fill")
    return text


def nginx_service(env: Dict[str, str], rasa_ports: List[int], action_ports: List[int], run_dir: Path) -> Service:
    listen, action_lb = int(env["RASA_PORT"]), int(env["ACTION_PORT"])
    nginx_dir = run_dir / "nginx"
    nginx_dir.mkdir(parents=True, exist_ok=True)
    config = nginx_dir / "nginx.conf"
    config.write_text(nginx_config(listen, f"127.0.0.1:{action_lb}", [f"127.0.0.1:{p}" for p in rasa_ports],
                                   [f"127.0.0.1:{p}" for p in action_ports], nginx_dir))
    return Service("nginx", [nginx_binary(), "-c", str(config), "-p", str(nginx_dir), "-g", "daemon off;"],
                   health_url=f"http://127.0.0.1:{listen}/nginx-health", port=listen, port_var="RASA_PORT")


def _built(env: Dict[str, str], model: Path, run_dir: Path, kind: str, name: str, **ports: int) -> Service:
    """One service of bot.launcher.rasa_services, built with the given ports and renamed."""
    service = next(s for s in rasa_services({**env, **{k: str(v) for k, v in ports.items()}}, model, run_dir)
                   if s.name == kind)
    service.name, service.port_var = name, ""
    return service


def scaled_services(env: Dict[str, str], model: Path, run_dir: Path = VAR_DIR / "scaled") -> List[Service]:
    """M action servers, N Rasa replicas (their action endpoint is nginx's internal port) and nginx."""
    replicas, action_replicas = int(env["REPLICAS"]), int(env["ACTION_REPLICAS"])
    if replicas < 1 or action_replicas < 1:
        raise LaunchError("REPLICAS and ACTION_REPLICAS must be at least 1")
    action_ports = [free_port() for _ in range(action_replicas)]
    rasa_ports = [free_port() for _ in range(replicas)]
    actions = [_built(env, model, run_dir, "actions", f"actions-{i + 1}", ACTION_PORT=port)
               for i, port in enumerate(action_ports)]
    rasas = [_built(env, model, run_dir, "rasa", f"rasa-{i + 1}", RASA_PORT=port)
             for i, port in enumerate(rasa_ports)]
    return actions + rasas + [nginx_service(env, rasa_ports, action_ports, run_dir)]


def prepare_stores(env: Dict[str, str]) -> None:
    """Fail at once, clearly, when a store cannot be reached; create and migrate the databases."""
    for key in ("TRACKER_DB_URL", "DATABASE_URL"):
        ensure_postgres_database(env[key])
    check_redis(env["REDIS_URL"])
    subprocess.run([sys.executable, "-m", "bot.storage", "upgrade", "--url", env["DATABASE_URL"]],
                   cwd=REPO_ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def main() -> int:
    replicas = int(os.environ.get("REPLICAS", "2"))
    env = scaled_env(replicas, int(os.environ.get("ACTION_REPLICAS") or replicas))
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)
    try:
        prepare_stores(env)
        stack = Stack(scaled_services(env, MODEL_PATH) + extra_services(env), env, log_dir=VAR_DIR / "log" / "scaled")
    except (DatabaseUnavailable, LaunchError) as error:
        print(f"\nCould not start: {error}", file=sys.stderr)
        return 1
    return run_stack(stack, env, f"Starting {env['ACTION_REPLICAS']} action servers, {env['REPLICAS']} Rasa replicas "
                     f"and nginx (conversations: {redacted(env['TRACKER_DB_URL'])}, "
                     f"locks: {redacted_redis(env['REDIS_URL'])})...")


COMPOSE_NGINX = REPO_ROOT / "deploy" / "nginx" / "compose.conf"


def compose_nginx_config() -> str:
    """deploy/nginx/compose.conf: the same template, with docker-compose's service names."""
    return nginx_config(5005, "5056", ["rasa:5005"], ["actions:5055"], Path("/tmp"))


if __name__ == "__main__":
    if sys.argv[1:] == ["compose-nginx"]:
        COMPOSE_NGINX.write_text(compose_nginx_config())
        sys.exit(0)
    sys.exit(main())
