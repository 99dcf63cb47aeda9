"""Where servers listen: loopback unless the operator says otherwise (docs/security.md)."""
from __future__ import annotations

from typing import Mapping

LOOPBACK = "127.0.0.1"
MAX_BODY_BYTES = 64 * 1024  # the Rasa server's request size limit (Sanic's default is 100 MB)


def bind_host(env: Mapping[str, str], variable: str) -> str:
    """The service's own variable (RASA_INTERFACE, ACTION_INTERFACE), else BIND_HOST, else loopback."""
    return env.get(variable) or env.get("BIND_HOST") or LOOPBACK
