"""Work the staff server does besides pages: deliver notifications, keep slots generated ahead."""
from __future__ import annotations

import asyncio
import logging
from typing import List, Sequence

from aiohttp import web
from sqlalchemy.orm import sessionmaker

from bot.clinic import Clinic
from bot.notify.senders import Sender
from bot.notify.worker import NotificationWorker
from bot.storage.booking import ensure_slots

log = logging.getLogger(__name__)


def _refresh_slots(factory: sessionmaker, clinic: Clinic) -> int:
    with factory.begin() as session:
        return ensure_slots(session, clinic)


async def keep_slots_fresh(factory: sessionmaker, clinic: Clinic, every_s: float, stop: asyncio.Event) -> None:
    """Generate slots now and then hourly, so the booking horizon moves with the calendar."""
    while not stop.is_set():
        try:
            added = await asyncio.to_thread(_refresh_slots, factory, clinic)
            log.info("slots refreshed: %d new", added)
        except Exception:  # a database hiccup must not stop the refresher
            log.exception("slot refresh failed")
        try:
            await asyncio.wait_for(stop.wait(), timeout=every_s)
        except asyncio.TimeoutError:
            pass


def install_background_tasks(
    app: web.Application, factory: sessionmaker, clinic: Clinic, senders: Sequence[Sender], staff_url: str,
    slot_refresh_s: float = 3600.0,
) -> None:
    """Run the slot refresher and, with transports, the notification worker while the app serves.

    They are stopped in on_shutdown: aiohttp 3.9's run_app waits (up to its shutdown
    timeout) for every task started after start-up, and our loops would otherwise
    only stop at cleanup, after that wait.
    """
    stop = asyncio.Event()
    tasks: List[asyncio.Task] = []

    async def start(_app: web.Application) -> None:
        tasks.append(asyncio.create_task(keep_slots_fresh(factory, clinic, slot_refresh_s, stop)))
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
