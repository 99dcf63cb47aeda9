"""Staff accounts (bcrypt) and server-side login sessions with a per-session CSRF token.

The browser holds only a random token; the database stores its SHA-256, so
reading the database does not let anyone log in. Unknown usernames still cost
one bcrypt check, so response time does not reveal which accounts exist.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from typing import Optional

import bcrypt
import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.storage.models import StaffSession, StaffUser, utcnow

MIN_PASSWORD_LENGTH = 10
_DUMMY_HASH = bcrypt.hashpw(b"not a password", bcrypt.gensalt()).decode()


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    if len(password.encode("utf-8")) > 72:
        raise ValueError("the password must be at most 72 bytes (bcrypt's limit)")
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt()).decode()


def create_user(session: Session, username: str, password: str) -> StaffUser:
    username = username.strip()
    if not username or len(username) > 80:
        raise ValueError("the username must have 1 to 80 characters")
    if session.scalar(sa.select(StaffUser.id).where(StaffUser.username == username)) is not None:
        raise ValueError(f"a staff user named {username!r} already exists")
    user = StaffUser(username=username, password_hash=hash_password(password))
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, username: str, password: str) -> Optional[StaffUser]:
    """The user if the password matches, else None (same bcrypt cost either way)."""
    user = session.scalars(sa.select(StaffUser).where(StaffUser.username == username.strip())).first()
    stored = user.password_hash if user else _DUMMY_HASH
    matches = bcrypt.checkpw(password.encode("utf-8")[:72], stored.encode())
    return user if user and matches else None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(session: Session, user: StaffUser, hours: float, now: Optional[datetime] = None) -> str:
    """Create a login session; returns the cookie value (shown to the browser only)."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    session.add(StaffSession(
        id=_digest(token), user=user, csrf_token=secrets.token_urlsafe(32),
        created_at=now, expires_at=now + timedelta(hours=hours),
    ))
    user.last_login_at = now
    session.execute(sa.delete(StaffSession).where(StaffSession.expires_at < now))
    session.flush()
    return token


def load_session(session: Session, token: Optional[str], now: Optional[datetime] = None) -> Optional[StaffSession]:
    """The live session for a cookie value, or None."""
    if not token:
        return None
    found = session.get(StaffSession, _digest(token))
    if found is None or found.expires_at <= (now or utcnow()):
        return None
    return found


def end_session(session: Session, token: Optional[str]) -> None:
    if token:
        session.execute(sa.delete(StaffSession).where(StaffSession.id == _digest(token)))


def tokens_match(expected: str, given: Optional[str]) -> bool:
    """Constant-time comparison for CSRF and API tokens."""
    return bool(given) and hmac.compare_digest(expected.encode(), given.encode())

