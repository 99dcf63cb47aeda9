"""Website sessions ended by "delete my data", stored as hashes (bot.storage.models.RevokedWidgetSession)."""
from __future__ import annotations

import hashlib

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.storage.models import RevokedWidgetSession


def session_hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


def revoke(session: Session, session_id: str) -> None:
    """Refuse this website session from now on (idempotent)."""
    if session.get(RevokedWidgetSession, session_hash(session_id)) is None:
        session.add(RevokedWidgetSession(session_hash=session_hash(session_id)))


def is_revoked(session: Session, session_id: str) -> bool:
    query = sa.select(RevokedWidgetSession.session_hash).where(
        RevokedWidgetSession.session_hash == session_hash(session_id))
    return session.execute(query).first() is not None
