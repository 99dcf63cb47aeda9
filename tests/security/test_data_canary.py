"""A word a patient typed never reaches a log, whatever fails; and each failure is told to the patient.

Through the real stack (tests/conftest.py running_stack: real Rasa and action
servers, logs in tmp/log): a patient uses a unique word in a booking, then the
clinic database and the conversation store become unavailable mid-booking, the
action server is killed, malformed messages are sent, and "delete my data" meets
a database that is down (no "Done"). Each time the patient
gets a reply saying what happened (with the clinic's phone); afterwards no log
file contains the word.

Run twice, once per backend. On SQLite the databases are the stack's files,
made unavailable by moving them away and putting a directory in their place
(every connection opens the path anew, SQLAlchemy 1.4's NullPool for SQLite
files): the same "unable to open" error a stopped server gives. On PostgreSQL
the tracker store and the clinic database each live on a private server of
their own (tests/support/own_postgres.py), stopped and started again: two
servers, so that the clinic database can be down while the conversation store
is up, as in the SQLite run. Neither harms anyone else's database.
"""
from __future__ import annotations

import os
import shutil
import signal
import uuid
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, ContextManager, Iterator

import pytest
import requests

from bot.clinic import default_clinic
from bot.storage.testing import BACKENDS
from tests.conftest import RasaStack, running_stack
from tests.e2e.patient import KNEE_WITH_FOOT_SIGNS, Patient, buttons, texts
from tests.security.data_fixtures import canary_word, files_containing, logs_under, reply_texts, rest_say
from tests.support.own_postgres import OwnPostgres, missing as postgres_missing

pytestmark = pytest.mark.e2e

PHONE = default_clinic().phone


STORES = ("DATABASE_URL", "TRACKER_DB_URL")  # the clinic database and the conversation store


@dataclass
class FaultyStack:
    """The stack, and how to make one of its stores (named by its env variable) unavailable for a block."""

    stack: RasaStack
    down: Callable[[str], ContextManager[None]]


@pytest.fixture(scope="module", params=BACKENDS)
def faulty(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FaultyStack]:
    """A stack of this module's own, on SQLite files or on private PostgreSQL servers, that may be broken."""
    tmp = tmp_path_factory.mktemp(f"canary-{request.param}")
    if request.param == "sqlite":
        with running_stack(tmp) as stack:
            yield FaultyStack(stack, lambda key: unavailable(stack.env[key]))
        return
    if postgres_missing():
        pytest.skip(postgres_missing())
    with ExitStack() as cleanup:
        servers = {}
        for key in STORES:
            servers[key] = OwnPostgres()
            cleanup.callback(servers[key].remove)
            servers[key].start()
        with running_stack(tmp, {key: server.url for key, server in servers.items()}) as stack:
            yield FaultyStack(stack, lambda key: stopped(servers[key]))


@pytest.fixture(scope="module")
def stack(faulty: FaultyStack) -> RasaStack:
    """The faulty stack itself, for tests that break nothing."""
    return faulty.stack


@contextmanager
def stopped(server: OwnPostgres) -> Iterator[None]:
    """The private PostgreSQL server is down until the block ends."""
    server.stop()
    try:
        yield
    finally:
        server.start()


@contextmanager
def unavailable(url: str) -> Iterator[None]:
    """The SQLite database at `url` cannot be opened until the block ends."""
    path = Path(url.removeprefix("sqlite:///"))
    away = path.with_name(path.name + ".away")
    away.mkdir()
    moved = [p for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()]
    for file in moved:
        shutil.move(str(file), away / file.name)
    path.mkdir()
    try:
        yield
    finally:
        path.rmdir()
        for file in moved:
            shutil.move(str(away / file.name), file)
        away.rmdir()


def choose(replies, title: str) -> str:
    return next(b["payload"] for b in buttons(replies) if title in b["title"])


def kill(stack: RasaStack, name: str) -> None:
    service = next(s for s in stack.stack.services if s.name == name)
    os.killpg(service.process.pid, signal.SIGKILL)
    service.process.wait(timeout=10)


def test_failures_are_told_and_the_word_stays_out_of_the_logs(faulty: FaultyStack):
    stack, down = faulty.stack, faulty.down
    canary = canary_word()
    patient = Patient(stack, f"canary-{uuid.uuid4().hex[:10]}", KNEE_WITH_FOOT_SIGNS)
    patient.start()
    assert "Would you like to book a gait analysis?" in texts(patient.answer_until_result()), patient.last_lines()
    replies = patient.say("yes")
    replies = patient.say(choose(replies, "Midtown"))
    patient.say(buttons(replies)[0]["payload"])
    patient.say(f"Jane {canary}")
    summary = " ".join(texts(patient.say(f"{canary.lower()}@example.com")))
    assert canary in summary, patient.last_lines()
    say = lambda message: rest_say(stack.rasa_url, stack.token, patient.sender, message)  # noqa: E731

    with down("DATABASE_URL"):  # the clinic database stops as the patient confirms
        told = reply_texts(say("/affirm"))
    assert "nothing was booked" in told and PHONE in told, told
    assert "You're booked" not in told

    with down("DATABASE_URL"), down("TRACKER_DB_URL"):
        told = reply_texts(say(f"my name is Jane {canary}"))
    assert "can't save our conversation right now" in told and PHONE in told, told

    kill(stack, "actions")
    try:
        told = reply_texts(say(f"{canary} hurts when I run"))
    finally:
        stack.stack.restart("actions")
    assert "something went wrong on our side" in told and PHONE in told, told

    broken = requests.post(f"{stack.rasa_url}/webhooks/rest/webhook", params={"token": stack.token},
                           data=f'{{"sender": "{patient.sender}", "message": "{canary}', timeout=30)
    assert broken.status_code == 400, broken.text  # not JSON: refused, and the client is told why
    assert canary not in broken.text

    not_text = say({"text": canary})  # Rasa's REST channel logs such a message whole when it fails
    assert not_text.status_code in (200, 400), not_text.text

    told = reply_texts(say("are you still there?"))  # the conversation carries on once all is back
    assert told and "something went wrong" not in told and "can't save" not in told, told

    with down("DATABASE_URL"):  # "delete my data" while the clinic database is down
        asked = reply_texts(say("please delete my data"))
        told = reply_texts(say("/affirm"))
    assert "nothing was changed" in told and PHONE in told, (asked, told)
    assert "Done" not in told and "deleted" not in told, told
    assert any(e.get("event") == "user" for e in stack.tracker(patient.sender)["events"]), "nothing was deleted"

    leaked = files_containing(canary, logs_under(stack.tmp))
    assert not leaked, f"the canary word is in {leaked}"


def test_a_message_that_is_not_text_is_refused_with_a_reason(stack: RasaStack):
    response = rest_say(stack.rasa_url, stack.token, f"odd-{uuid.uuid4().hex[:10]}", {"text": "hello"})
    assert response.status_code == 400, (response.status_code, response.text)
