"""Start, watch and stop the assistant's processes: `make run` and the test fixture share it.

Each service runs in its own process group with its output in var/log/, so
Ctrl-C (or a failing test session) stops everything and leaves no strays. Each
gets only the secrets it needs (service_env; none on a command line), and the
servers bind 127.0.0.1 unless RASA_INTERFACE / ACTION_INTERFACE / BIND_HOST say otherwise.
"""
from __future__ import annotations

import os
import signal
import socket
import string
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional
from urllib.parse import unquote, urlsplit

import yaml

from bot.paths import REPO_ROOT, VAR_DIR

# Every secret a service may be given; service_env passes each only to the services that need it.
SECRET_VARIABLES = ("RASA_AUTH_TOKEN", "ACTION_SERVER_TOKEN", "TELEGRAM_TOKEN", "TELEGRAM_WEBHOOK_SECRET",
                    "WIDGET_SESSION_SECRET", "STAFF_API_TOKEN", "SMTP_PASSWORD")
RASA_SECRETS = ("RASA_AUTH_TOKEN", "ACTION_SERVER_TOKEN", "TELEGRAM_TOKEN", "TELEGRAM_WEBHOOK_SECRET",
                "WIDGET_SESSION_SECRET")


class LaunchError(RuntimeError):
    """A service could not be started; the message says why and what to do."""


@dataclass
class Service:
    """One long-running process and the URL that answers once it is ready."""

    name: str
    argv: List[str]
    health_url: Optional[str] = None
    port: Optional[int] = None
    port_var: str = ""
    env: Optional[Dict[str, str]] = field(default=None, repr=False)  # None: the stack's environment
    process: Optional[subprocess.Popen] = field(default=None, repr=False)
    log_path: Path = field(default=Path(), repr=False)


def free_port() -> int:
    """A currently unused loopback port (for tests)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_port_free(port: int, variable: str) -> None:
    """Raise a clear error if something already listens on the port."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("0.0.0.0", port))
        except OSError:
            raise LaunchError(
                f"Port {port} is already in use (set by {variable or 'default'}). "
                f"Stop the program using it, or choose another port, e.g. {variable or 'PORT'}={port + 1}."
            ) from None


def service_env(env: Dict[str, str], secrets: Iterable[str] = ()) -> Dict[str, str]:
    """env without the secrets this service does not need."""
    keep = set(secrets)
    return {key: value for key, value in env.items() if key not in SECRET_VARIABLES or key in keep}


def render_endpoints(env: Dict[str, str], target: Path) -> Path:
    """endpoints.yml with ${VAR} filled from env (Rasa 3.6 leaves them literal in this file),
    plus Rasa's Redis lock store when env has REDIS_URL (several Rasa servers, one tracker store)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    text = string.Template((REPO_ROOT / "endpoints.yml").read_text()).substitute({"ACTION_HOST": "127.0.0.1", **env})
    if env.get("REDIS_URL"):
        text += "\n" + yaml.safe_dump({"lock_store": redis_lock_store(env["REDIS_URL"])}, sort_keys=False)
    target.write_text(text)
    return target


def redis_lock_store(url: str) -> Dict[str, object]:
    """The Redis lock store's settings from one redis://[:password@]host[:port][/db] URL.

    Rasa's RedisLockStore with atomic tickets (bot/lock_store.py): Rasa's own lets two replicas
    process one conversation at once."""
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss"):
        raise LaunchError(f"REDIS_URL must look like redis://host:6379/1, not {url!r}")
    settings: Dict[str, object] = {
        "type": "bot.lock_store.AtomicRedisLockStore", "url": parts.hostname or "127.0.0.1",
        "port": parts.port or 6379,
        "db": int(parts.path.strip("/") or 1), "use_ssl": parts.scheme == "rediss",
        "socket_timeout": 5,
    }
    if parts.password:
        settings["password"] = unquote(parts.password)
    return settings


def action_service(env: Dict[str, str], port: int) -> Service:
    """The action server (bot.action_server: token required, loopback by default)."""
    return Service(
        "actions",
        [sys.executable, "-m", "bot.action_server", "--actions", "actions", "--port", str(port)],
        health_url=f"http://127.0.0.1:{port}/health", port=port, port_var="ACTION_PORT",
        env=service_env(env, ["ACTION_SERVER_TOKEN"]),
    )


def rasa_service(env: Dict[str, str], port: int, model: Path, endpoints: Path, name: str = "rasa") -> Service:
    """A Rasa server (bot.rasa_server: the API token from its environment, never its argv)."""
    origins = env.get("WIDGET_ORIGINS", "").split()
    return Service(
        name,
        [
            sys.executable, "-m", "bot.rasa_server", "--port", str(port), "--model", str(model),
            "--credentials", "credentials.yml", "--endpoints", str(endpoints),
            "--cors", *(origins or ["http://localhost:8080"]),
        ],
        health_url=f"http://127.0.0.1:{port}/", port=port, port_var="RASA_PORT",
        env=service_env(env, RASA_SECRETS),
    )


def rasa_services(env: Dict[str, str], model: Path, run_dir: Path = VAR_DIR) -> List[Service]:
    """The action server and the Rasa server, configured from env; files they need go to run_dir."""
    endpoints = render_endpoints(env, run_dir / "endpoints.yml")
    return [action_service(env, int(env["ACTION_PORT"])),
            rasa_service(env, int(env["RASA_PORT"]), model, endpoints)]


class Stack:
    """A set of services started together and stopped together."""

    def __init__(self, services: List[Service], env: Dict[str, str], log_dir: Path = VAR_DIR / "log") -> None:
        self.services = services
        self.env = env
        for service in services:
            service.log_path = log_dir / f"{service.name}.log"

    def start(self, timeout_s: float = 240.0, progress=print) -> None:
        for service in self.services:
            if service.port:
                ensure_port_free(service.port, service.port_var)
        for service in self.services:
            self._spawn(service)
        self.wait_ready(timeout_s, progress)

    def _spawn(self, service: Service) -> None:
        service.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(service.log_path, "ab")
        service.process = subprocess.Popen(
            service.argv, cwd=REPO_ROOT, env=service.env if service.env is not None else self.env, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )
        log.close()

    def wait_ready(self, timeout_s: float, progress=print) -> None:
        deadline = time.monotonic() + timeout_s
        pending = [s for s in self.services if s.health_url]
        while pending:
            for service in list(pending):
                self._check_alive(service)
                if _answers(service.health_url):
                    progress(f"  {service.name} is up")
                    pending.remove(service)
            if time.monotonic() > deadline:
                names = ", ".join(s.name for s in pending)
                self.stop()
                raise LaunchError(f"{names} did not answer within {timeout_s:.0f} s; see {pending[0].log_path.parent}.")
            time.sleep(0.25)

    def _check_alive(self, service: Service) -> None:
        if service.process and service.process.poll() is not None:
            tail = _tail(service.log_path)
            self.stop()
            raise LaunchError(f"{service.name} exited with code {service.process.returncode}:\n{tail}")

    def check_alive(self) -> None:
        """Raise if any service has died (used by the run loop)."""
        for service in self.services:
            self._check_alive(service)

    def restart(self, name: str, timeout_s: float = 240.0) -> None:
        """Stop and start one service, keeping its port and configuration."""
        service = next(s for s in self.services if s.name == name)
        _terminate(service)
        self._spawn(service)
        deadline = time.monotonic() + timeout_s
        while not _answers(service.health_url):
            self._check_alive(service)
            if time.monotonic() > deadline:
                raise LaunchError(f"{name} did not come back within {timeout_s:.0f} s")
            time.sleep(0.25)

    def stop(self) -> None:
        for service in reversed(self.services):
            _terminate(service)


def _terminate(service: Service) -> None:
    process = service.process
    if not process or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)
    except ProcessLookupError:
        pass


def _answers(url: Optional[str]) -> bool:
    if not url:
        return True
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status < 500
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


def _tail(path: Path, lines: int = 25) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return "(no log)"
