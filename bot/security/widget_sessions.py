"""Website chat sessions bound to a secret only the server knows.

The widget's session id keys a patient's conversation (sender ``web:<id>``), and it
shows up in places (staff pages, logs by id), so knowing it must not be enough to join
it. The server issues ``<id>.<signature>``, the signature an HMAC-SHA256 of the id
under WIDGET_SESSION_SECRET (else a key generated into var/, 0600); ``session_request``
with a token whose signature is missing or wrong gets a fresh session instead.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import uuid
from typing import Optional, Tuple

TOKEN_PATTERN = re.compile(r"^([0-9a-f]{32})\.([0-9a-f]{64})$")


def _signature(secret: str, session_id: str) -> str:
    return hmac.new(secret.encode("utf-8"), session_id.encode("ascii"), hashlib.sha256).hexdigest()


def issue(secret: str) -> Tuple[str, str]:
    """A fresh session: a new random id, and the token (id and signature) the widget keeps."""
    session_id = uuid.uuid4().hex
    return session_id, f"{session_id}.{_signature(secret, session_id)}"


def verified_session_id(secret: str, token: object) -> Optional[str]:
    """The session id of a token this server signed, else None."""
    match = TOKEN_PATTERN.match(token) if isinstance(token, str) else None
    if match is None:
        return None
    session_id, signature = match.groups()
    return session_id if hmac.compare_digest(signature, _signature(secret, session_id)) else None
