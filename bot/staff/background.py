"""Work the staff server does besides pages: deliver notifications, keep slots generated ahead, purge old data."""
from __future__ import annotations

import asyncio
import logging
from functools import partial
from typing import Callable, List, Sequence

from aiohttp import web
from sqlalchemy.orm import sessionmaker

from bot.channels.telegram.settings import TelegramSettings
from bot.clinic import Clinic
from bot.notify.senders import Sender
from bot.notify.worker import NotificationWorker
from bot.paths import tracker_db_url
from bot.storage.booking import ensure_slots
from bot.storage.retention import purge

log = logging.getLogger(__name__)


def _refresh_slots(factory: sessionmaker, clinic: Clinic) -> str:
    with factory.begin() as session:
        return f"slots refreshed: {ensure_slots(session, clinic)} new"


def _purge(factory: sessionmaker, clinic: Clinic) -> str:
    return purge(clinic.retention, factory, tracker_db_url(), TelegramSettings.load().callback_db).text(dry_run=False)


async def every(every_s: float, stop: asyncio.Event, job: Callable[[], str], what: str) -> None:
    """Run `job` in a thread now and then every `every_s` until `stop`, logging its one-line result."""
    while not stop.is_set():
        try:
            log.info(await asyncio.to_thread(job))
        except Exception:  # a database hiccup must not stop the loop
            log.exception("%s failed", what)
        try:
            await asyncio.wait_for(stop.wait(), timeout=every_s)
        except asyncio.TimeoutError:
            pass


def install_background_tasks(
    app: web.Application, factory: sessionmaker, clinic: Clinic, senders: Sequence[Sender], staff_url: str,
    slot_refresh_s: float = 3600.0, purge_s: float = 3600.0,
) -> None:
    """Run the slot refresher, the retention purge and, with transports, the notification worker while the app serves.

    They are stopped in on_shutdown: aiohttp 3.9's run_app waits (up to its shutdown
    timeout) for every task started after start-up, and our loops would otherwise
    only stop at cleanup, after that wait.
    """
    stop = asyncio.Event()
    tasks: List[asyncio.Task] = []

    async def start(_app: web.Application) -> None:
        tasks.append(asyncio.create_task(every(slot_refresh_s, stop, partial(_refresh_slots, factory, clinic),
                                               "slot refresh")))
        tasks.append(asyncio.create_task(every(purge_s, stop, partial(_purge, factory, clinic), "retention purge")))
        if senders:
            worker = NotificationWorker(factory, senders, clinic, staff_url)
            tasks.append(asyncio.create_task(worker.run_forever(stop=stop)))
            log.info("notifications on: %s", ", ".join(s.name for s in senders))
        else:
            log.warning("notifications off: set SMTP_HOST and CLINIC_NOTIFY_EMAIL (and/or TELEGRAM_TOKEN and "
                        "STAFF_TELEGRAM_CHAT_ID); new bookings wait in the outbox until then")

    async def halt(_app: web.Application) -> None:
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)

    app.on_startup.append(start)
    app.on_shutdown.append(halt)
