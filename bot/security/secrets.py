"""Secrets every process agrees on: from the environment, else generated once into var/ (0600).

One function for all of them (the Rasa API token, the action server's token, the
Telegram webhook secret, the widget's session-signing key), so each lives in one
place and none is ever written to a command line.
"""
from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path
from typing import Any, Dict, Mapping, Optional

from bot.paths import VAR_DIR

# environment variable -> file under var/ used when the variable is unset
STORED = {
    "RASA_AUTH_TOKEN": "rasa_auth_token",
    "ACTION_SERVER_TOKEN": "action_server_token",
    "TELEGRAM_WEBHOOK_SECRET": "telegram_webhook_secret",
    "WIDGET_SESSION_SECRET": "widget_session_secret",
}


def stored_secret(variable: str, env: Optional[Mapping[str, str]] = None, var_dir: Path = VAR_DIR) -> str:
    """The variable's value, else the file var/<name>, created owner-only on first use."""
    env = os.environ if env is None else env
    value = env.get(variable)
    if value:
        return value
    path = var_dir / STORED[variable]
    if not path.exists():
        var_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(32))
    return path.read_text().strip()


def presented_token(request: Any) -> Optional[str]:
    """The token a (Sanic) request carries: ``Authorization: Bearer <token>``, else ``?token=``."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.args.get("token")


def with_secrets(env: Mapping[str, str], var_dir: Path = VAR_DIR) -> Dict[str, str]:
    """env with every STORED secret filled in (the webhook secret only when Telegram is on)."""
    filled = dict(env)
    for variable in STORED:
        if variable == "TELEGRAM_WEBHOOK_SECRET" and not filled.get("TELEGRAM_TOKEN"):
            continue
        filled[variable] = stored_secret(variable, filled, var_dir)
    return filled


def same_secret(given: Optional[str], expected: Optional[str]) -> bool:
    """Constant-time comparison; a missing or empty value never matches."""
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))
