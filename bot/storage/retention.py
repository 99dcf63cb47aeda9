"""Delete what patients left once the clinic's retention period is over (clinic.yml `retention`).

- A conversation in which the patient never consented to storage (its last
  `consent` slot is not true) goes `unconsented_hours` after its last event.
- A consented conversation goes `consented_days` after its last event; in the
  clinic database, assessments and callback requests older than that go (an
  assessment still attached to a later appointment stays until that one is
  old), past bookings keep their row for the schedule's history but lose name,
  contact and links, and finished notifications go. The Telegram button records
  older than that go too.

Everything runs in one transaction per database; a dry run does the same work
and rolls it back, so its counts are exactly what a real run would delete. The
staff server runs it hourly (bot.staff.background); `python -m bot.storage purge
[--dry-run]` runs it once.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Dict, Iterable, Optional, Tuple

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, sessionmaker

from bot.channels.telegram.callback_data import CallbackDataStore
from bot.clinic import RetentionSettings
from bot.storage.conversations import FORGOTTEN_NAME, anonymise_bookings, delete_callbacks
from bot.storage.models import PENDING, Assessment, Booking, CallbackRequest, Notification, Slot, utcnow
from bot.storage.tracker_events import EVENTS, tracker_engine

CONSENT_SLOT = "consent"


@dataclass(frozen=True)
class PurgeReport:
    """Counts only: what went (or, in a dry run, would go)."""

    conversations_without_consent: int = 0
    conversations_with_consent: int = 0
    conversation_events: int = 0
    assessments: int = 0
    callback_requests: int = 0
    bookings_anonymised: int = 0
    notifications: int = 0
    telegram_button_records: int = 0

    def text(self, dry_run: bool) -> str:
        verb = "would delete" if dry_run else "deleted"
        return f"Retention purge {verb}: " + ", ".join(
            f"{count} {name.replace('_', ' ')}" for name, count in asdict(self).items())


def _cutoffs(retention: RetentionSettings, now: datetime) -> Tuple[datetime, datetime]:
    return now - timedelta(hours=retention.unconsented_hours), now - timedelta(days=retention.consented_days)


def _consented(connection: Connection, senders: Iterable[str]) -> Dict[str, bool]:
    """Each sender's last consent answer (False when never given)."""
    senders = list(senders)
    answers = {sender: False for sender in senders}
    if not senders:
        return answers
    rows = connection.execute(
        sa.select(EVENTS.c.sender_id, EVENTS.c.data)
        .where(EVENTS.c.sender_id.in_(senders), EVENTS.c.type_name == "slot", EVENTS.c.data.contains(CONSENT_SLOT))
        .order_by(EVENTS.c.id))
    for sender, data in rows:
        event = json.loads(data)
        if event.get("name") == CONSENT_SLOT:
            answers[sender] = event.get("value") is True
    return answers


def purge_conversations(connection: Connection, retention: RetentionSettings, now: datetime) -> Tuple[int, int, int]:
    """Delete expired conversations' events: (without consent, with consent, event rows)."""
    if not sa.inspect(connection).has_table("events"):
        return 0, 0, 0
    unconsented_before, consented_before = (moment.timestamp() for moment in _cutoffs(retention, now))
    last_event = sa.func.max(EVENTS.c.timestamp)
    idle = dict(connection.execute(sa.select(EVENTS.c.sender_id, last_event).group_by(EVENTS.c.sender_id)
                                   .having(last_event < unconsented_before)).all())
    consent = _consented(connection, idle)
    without = [sender for sender in idle if not consent[sender]]
    with_consent = [sender for sender in idle if consent[sender] and idle[sender] < consented_before]
    expired = without + with_consent
    rows = connection.execute(sa.delete(EVENTS).where(EVENTS.c.sender_id.in_(expired))).rowcount if expired else 0
    return len(without), len(with_consent), rows


def purge_clinic_records(session: Session, retention: RetentionSettings, now: datetime) -> Dict[str, int]:
    """Delete or anonymise the clinic database's rows older than the consented period."""
    _, before = _cutoffs(retention, now)
    past_bookings = list(session.scalars(
        sa.select(Booking).join(Slot).where(Slot.starts_at < before, Booking.patient_name != FORGOTTEN_NAME)))
    anonymise_bookings(session, past_bookings, now)
    still_needed = sa.select(Booking.assessment_id).join(Slot).where(
        Slot.starts_at >= before, Booking.assessment_id.is_not(None))
    assessments = session.execute(
        sa.delete(Assessment).where(Assessment.created_at < before, Assessment.id.not_in(still_needed))
        .execution_options(synchronize_session="fetch")).rowcount
    callbacks = delete_callbacks(session, CallbackRequest.created_at < before)
    notifications = session.execute(
        sa.delete(Notification).where(Notification.status != PENDING, Notification.created_at < before)
        .execution_options(synchronize_session="fetch")).rowcount
    return {"assessments": assessments, "callback_requests": callbacks, "bookings_anonymised": len(past_bookings),
            "notifications": notifications}


def purge(
    retention: RetentionSettings, clinic_sessions: sessionmaker, tracker_url: str,
    telegram_callback_db: Optional[Path] = None, now: Optional[datetime] = None, dry_run: bool = False,
) -> PurgeReport:
    """Apply the retention periods to both databases and the Telegram button file."""
    now = now or utcnow()
    with tracker_engine(tracker_url).connect() as connection:
        transaction = connection.begin()
        without, with_consent, events = purge_conversations(connection, retention, now)
        transaction.rollback() if dry_run else transaction.commit()
    with clinic_sessions() as session:
        clinic = purge_clinic_records(session, retention, now)
        session.rollback() if dry_run else session.commit()
    buttons = 0
    if telegram_callback_db is not None and telegram_callback_db.exists():
        _, before = _cutoffs(retention, now)
        buttons = CallbackDataStore(telegram_callback_db).purge_older_than(before.timestamp(), dry_run=dry_run)
    return PurgeReport(without, with_consent, events, telegram_button_records=buttons, **clinic)
