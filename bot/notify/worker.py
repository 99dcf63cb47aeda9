"""Deliver the outbox: claim due rows, send through every transport, retry with back-off.

A row is claimed by moving its next_attempt_at forward with a compare-and-set
UPDATE, so two workers never send the same row at once, and nothing is held
locked while talking to a mail server. Transports that already delivered are
remembered per row and not repeated. After `max_attempts` the row is marked
failed and logged; the booking itself is never touched. A patient message that
is no longer wanted when due (cancelled, forgotten, opted out, moved) is marked
skipped instead of sent.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable, Collection, List, Optional, Sequence

import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker

from bot.clinic import Clinic
from bot.notify.messages import Notice, compose
from bot.notify.senders import Sender
from bot.storage.models import FAILED, PENDING, SENT, SKIPPED, Notification, utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetryPolicy:
    first_delay_s: float = 30.0
    max_delay_s: float = 3600.0
    max_attempts: int = 20  # about 13 hours of retrying with the defaults
    claim_s: float = 300.0  # how long a claimed row is left alone by other workers
    batch: int = 20

    def delay(self, attempts: int) -> timedelta:
        return timedelta(seconds=min(self.first_delay_s * 2 ** (attempts - 1), self.max_delay_s))


class NotificationWorker:
    """Sends pending notifications; `run_once` for tests and cron, `run_forever` in the staff server."""

    def __init__(
        self,
        session_factory: sessionmaker,
        senders: Sequence[Sender],
        clinic: Clinic,
        staff_url: str,
        policy: RetryPolicy = RetryPolicy(),
        clock: Callable[[], datetime] = utcnow,
        kinds: Optional[Collection[str]] = None,
    ) -> None:
        if not senders:
            raise ValueError("no notification transport configured")
        self.session_factory, self.senders, self.clinic = session_factory, list(senders), clinic
        self.staff_url, self.policy, self.clock, self.kinds = staff_url, policy, clock, kinds

    def _claim(self, now: datetime) -> List[tuple]:
        """Due rows claimed for this worker, with their composed notice and delivered transports."""
        claimed = []
        with self.session_factory.begin() as session:
            query = sa.select(Notification.id, Notification.next_attempt_at).where(
                Notification.status == PENDING, Notification.next_attempt_at <= now)
            if self.kinds is not None:
                query = query.where(Notification.kind.in_(self.kinds))
            due = session.execute(
                query.order_by(Notification.next_attempt_at, Notification.id).limit(self.policy.batch)
            ).all()
            for notification_id, due_at in due:
                won = session.execute(
                    sa.update(Notification)
                    .where(Notification.id == notification_id, Notification.status == PENDING,
                           Notification.next_attempt_at == due_at)
                    .values(next_attempt_at=now + timedelta(seconds=self.policy.claim_s))
                    .execution_options(synchronize_session=False)
                ).rowcount
                if not won:
                    continue
                row = session.get(Notification, notification_id)
                try:
                    notice = compose(row, self.clinic, self.staff_url, now)
                except Exception as error:  # a row that cannot be written must not block the others
                    row.status, row.last_error = FAILED, f"compose: {type(error).__name__}"
                    log.exception("notification %d (%s) cannot be composed", notification_id, row.kind)
                    continue
                if notice is None:
                    row.status, row.sent_at = SKIPPED, now
                    log.info("notification %d (%s) skipped: no longer wanted", notification_id, row.kind)
                    continue
                claimed.append((notification_id, row.kind, notice, set(row.delivered_to)))
        return claimed

    async def _deliver(self, notice: Notice, done: set) -> List[str]:
        errors = []
        reaching = [sender for sender in self.senders if sender.reaches(notice)]
        if not reaching:
            return [f"no transport reaches the {'patient' if notice.for_patient else 'clinic'}"]
        for sender in reaching:
            if sender.name in done:
                continue
            try:
                await sender.send(notice)
                done.add(sender.name)
            except Exception as error:  # any transport failure is retried, never fatal
                errors.append(f"{sender.name}: {error}")
        return errors

    def _record(self, notification_id: int, kind: str, done: set, errors: List[str]) -> None:
        now = self.clock()
        with self.session_factory.begin() as session:
            row = session.get(Notification, notification_id)
            row.attempts += 1
            row.delivered = ",".join(sorted(done))
            if not errors:
                row.status, row.sent_at, row.last_error = SENT, now, None
                log.info("notification %d (%s) delivered via %s", notification_id, kind, row.delivered)
                return
            row.last_error = "; ".join(errors)[:200]
            if row.attempts >= self.policy.max_attempts:
                row.status = FAILED
                log.error("notification %d (%s) gave up after %d attempts: %s",
                          notification_id, kind, row.attempts, row.last_error)
            else:
                delay = self.policy.delay(row.attempts)
                row.next_attempt_at = now + delay
                log.warning("notification %d (%s) attempt %d failed: %s; retry in %.0f s",
                            notification_id, kind, row.attempts, row.last_error, delay.total_seconds())

    async def run_once(self) -> int:
        """Try every due notification once; returns how many were attempted."""
        claimed = await asyncio.to_thread(self._claim, self.clock())
        for notification_id, kind, notice, done in claimed:
            errors = await self._deliver(notice, done)
            await asyncio.to_thread(self._record, notification_id, kind, done, errors)
        return len(claimed)

    async def run_forever(self, interval_s: float = 5.0, stop: Optional[asyncio.Event] = None) -> None:
        stop = stop or asyncio.Event()
        while not stop.is_set():
            try:
                await self.run_once()
            except Exception:  # a database hiccup must not end the worker
                log.exception("notification worker pass failed")
            try:
                await asyncio.wait_for(stop.wait(), timeout=interval_s)
            except asyncio.TimeoutError:
                pass
