"""`python -m bot.storage upgrade | ensure-slots | check | purge [--dry-run]`: set-up and maintenance of the databases.

`purge` applies clinic.yml's retention periods to the clinic database, the
conversation store (TRACKER_DB_URL) and the Telegram button records, and
prints counts only.
"""
from __future__ import annotations

import argparse
import sys

from bot.channels.telegram.settings import TelegramSettings
from bot.clinic import ClinicConfigError, load_clinic
from bot.paths import tracker_db_url
from bot.storage.booking import ensure_slots
from bot.storage.engine import DatabaseUnavailable, check_reachable, database_url, make_engine, redacted
from bot.storage.engine import make_sessionmaker, session_scope
from bot.storage.migrate import SchemaNotCurrent, head_revision, require_current_schema, upgrade
from bot.storage.retention import purge


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.storage", description=__doc__)
    parser.add_argument("command", choices=["upgrade", "ensure-slots", "check", "purge"])
    parser.add_argument("--url", help="database URL (default: DATABASE_URL, else var/clinic.db)")
    parser.add_argument("--dry-run", action="store_true", help="purge: only count what would be deleted")
    args = parser.parse_args(argv)
    url = args.url or database_url()
    try:
        check_reachable(url)
        if args.command == "upgrade":
            upgrade(url)
            print(f"Clinic database {redacted(url)} is at schema revision {head_revision()}.")
            return 0
        engine = make_engine(url)
        require_current_schema(engine)
        if args.command == "ensure-slots":
            with session_scope(make_sessionmaker(engine)) as session:
                added = ensure_slots(session, load_clinic())
            print(f"{added} new slots.")
        elif args.command == "purge":
            report = purge(load_clinic().retention, make_sessionmaker(engine), tracker_db_url(),
                           TelegramSettings.load().callback_db, dry_run=args.dry_run)
            print(report.text(args.dry_run))
        else:
            print(f"Clinic database {redacted(url)} is reachable and current.")
        engine.dispose()
        return 0
    except (DatabaseUnavailable, SchemaNotCurrent, ClinicConfigError) as error:
        print(error, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
