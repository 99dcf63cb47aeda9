"""`python -m bot.notify reminders [--now ISO-TIME]`: send the reminders due at that time, once.

The staff server's worker already sends them by itself; this is for operators (a
cron job, a catch-up after downtime) and for tests with a fixed clock. A reminder
already sent or skipped is never sent again, so running it twice is harmless.
"""
from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import datetime, timezone
from typing import List, Optional

from bot import log_privacy
from bot.calendar import public_staff_url
from bot.clinic import ClinicConfigError, load_clinic
from bot.notify.senders import senders_from_env
from bot.notify.worker import NotificationWorker
from bot.storage.engine import DatabaseUnavailable, check_reachable, database_url, make_engine, make_sessionmaker
from bot.storage.migrate import SchemaNotCurrent, require_current_schema
from bot.storage.models import SENT, SKIPPED, Notification


def _moment(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError("give a time zone, e.g. 2030-03-10T13:00:00Z")
    return moment.astimezone(timezone.utc)


def _count(factory, status: str) -> int:
    with factory() as session:
        return session.query(Notification).filter_by(kind="reminder", status=status).count()


async def send_due_reminders(worker: NotificationWorker) -> int:
    """Run passes until a pass finds nothing to send; returns how many reminders were attempted.

    Claimed and failed rows are due again only later, so the loop ends."""
    attempted = 0
    while True:
        done = await worker.run_once()
        attempted += done
        if done == 0:
            return attempted


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.notify")
    commands = parser.add_subparsers(dest="command", required=True)
    reminders = commands.add_parser("reminders", help="send the reminders due now (or at --now), once")
    reminders.add_argument("--now", type=_moment, help="the time to act at, ISO 8601 with zone (default: now)")
    reminders.add_argument("--url", help="database URL (default: DATABASE_URL or var/clinic.db)")
    args = parser.parse_args(argv)
    log_privacy.install()
    senders = senders_from_env()
    if not senders:
        print("No transport configured: set SMTP_HOST and SMTP_FROM, and/or TELEGRAM_TOKEN.", file=sys.stderr)
        return 2
    try:
        url = args.url or database_url()
        check_reachable(url)
        engine = make_engine(url)
        require_current_schema(engine)
        clinic = load_clinic()
    except (DatabaseUnavailable, SchemaNotCurrent, ClinicConfigError) as error:
        print(error, file=sys.stderr)
        return 1
    factory = make_sessionmaker(engine)
    before = _count(factory, SENT), _count(factory, SKIPPED)
    now = args.now
    worker = NotificationWorker(factory, senders, clinic, public_staff_url(), kinds=("reminder",),
                                **({"clock": lambda: now} if now else {}))
    attempted = asyncio.run(send_due_reminders(worker))
    sent, skipped = _count(factory, SENT) - before[0], _count(factory, SKIPPED) - before[1]
    print(f"reminders: {sent} sent, {skipped} skipped (cancelled, moved or opted out), "
          f"{attempted - sent} to retry")
    engine.dispose()
    return 0
