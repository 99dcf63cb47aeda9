"""`python -m bot.staff serve` and `python -m bot.staff create-user USERNAME`."""
from __future__ import annotations

import argparse
import getpass
import logging
import sys
from typing import List, Optional

from aiohttp import web

from bot import log_privacy
from bot.clinic import ClinicConfigError, load_clinic
from bot.notify.senders import senders_from_env
from bot.staff.app import create_app
from bot.staff.auth import create_user
from bot.staff.background import install_background_tasks
from bot.staff.settings import StaffSettings
from bot.storage.engine import DatabaseUnavailable, check_reachable, database_url, make_engine, make_sessionmaker
from bot.storage.migrate import SchemaNotCurrent, require_current_schema


def _factory():
    """A session factory on a reachable, current database (or a clear error)."""
    url = database_url()
    check_reachable(url)
    engine = make_engine(url)
    require_current_schema(engine)
    return make_sessionmaker(engine)


def serve(host: Optional[str], port: Optional[int]) -> None:
    settings = StaffSettings.from_env()
    host, port = host or settings.host, port or settings.port
    settings.check_servable(host)
    clinic = load_clinic()
    factory = _factory()
    app = create_app(factory, clinic, settings)
    install_background_tasks(app, factory, clinic, senders_from_env(), settings.public_url)
    web.run_app(app, host=host, port=port, access_log=None, shutdown_timeout=10,
                print=lambda _: print(f"Staff pages on http://{host}:{port}/ (public URL {settings.public_url})"))


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    password = getpass.getpass("Password: ")
    if getpass.getpass("Repeat the password: ") != password:
        raise ValueError("the two passwords differ")
    return password


def add_user(username: str, from_stdin: bool) -> None:
    password = _read_password(from_stdin)
    factory = _factory()
    with factory.begin() as session:
        create_user(session, username, password)
    print(f"Staff user {username!r} created. Log in at {StaffSettings.from_env().public_url}/login")


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.staff", description="The clinic staff's web pages.")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("serve", help="run the staff web server (STAFF_PORT, default 8081)")
    run.add_argument("--host", help="interface to listen on (STAFF_HOST, default 127.0.0.1)")
    run.add_argument("--port", type=int, help="port (STAFF_PORT, default 8081)")
    user = commands.add_parser("create-user", help="create a staff login (password prompted)")
    user.add_argument("username")
    user.add_argument("--password-stdin", action="store_true", help="read the password from the first stdin line")
    args = parser.parse_args(argv)
    log_privacy.install()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        if args.command == "serve":
            serve(args.host, args.port)
        else:
            add_user(args.username, args.password_stdin)
    except (DatabaseUnavailable, SchemaNotCurrent, ClinicConfigError, ValueError) as error:
        print(f"Error: {error}", file=sys.stderr)
        return 1
    return 0
