"""Faults on the `make run-scaled` topology: a replica killed under load, Redis and PostgreSQL down,
two replicas given the same conversation at once.

One stack for the module: 2 Rasa replicas, 2 action servers and nginx, with its OWN redis-server
and its OWN PostgreSQL (initdb in a temporary folder, run as the postgres user) on free ports, so
that stopping them touches nobody else. Skipped with the reason when nginx, redis-server or
PostgreSQL's initdb/pg_ctl cannot be had. Each test is bounded (pytest-timeout).
"""
from __future__ import annotations

import shutil
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest
import requests

from bot.clinic import default_clinic
from bot.conversation.phrases import say
from bot.launcher import LaunchError, Service, Stack, free_port
from bot.scaled import nginx_binary
from tests.e2e.simulated import converse, load_patients
from tests.scale.stack import ScaledStack, scaled_stack, user_texts
from tests.support.own_postgres import OwnPostgres, missing as postgres_missing

# func_only: the module's stack start-up (bounded by Stack.start) is not counted against each test.
pytestmark = [pytest.mark.e2e, pytest.mark.timeout(120, func_only=True)]


def _missing() -> str:
    try:
        nginx_binary()
    except LaunchError as error:
        return str(error)
    if not shutil.which("redis-server"):
        return "redis-server is not installed (apt-get install redis-server)"
    return postgres_missing()


class OwnRedis:
    """A redis-server of our own on a free port (never the machine's), stopped and started at will."""

    def __init__(self, log_dir: Path) -> None:
        port = free_port()
        self.url = f"redis://127.0.0.1:{port}/1"
        argv = [str(shutil.which("redis-server")), "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no"]
        self.stack = Stack([Service("redis", argv, port=port)], {}, log_dir)

    def start(self) -> None:
        self.stack.start()
        time.sleep(0.5)

    def stop(self) -> None:
        self.stack.stop()


@pytest.fixture(scope="module")
def own_redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OwnRedis]:
    if _missing():
        pytest.skip(_missing())
    redis = OwnRedis(tmp_path_factory.mktemp("redis"))
    redis.start()
    yield redis
    redis.stop()


@pytest.fixture(scope="module")
def own_postgres() -> Iterator[OwnPostgres]:
    if _missing():
        pytest.skip(_missing())
    postgres = OwnPostgres()
    postgres.start()
    yield postgres
    postgres.remove()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, own_redis: OwnRedis, own_postgres: OwnPostgres
          ) -> Iterator[ScaledStack]:
    with scaled_stack(tmp_path_factory.mktemp("scaled"), replicas=2, postgres_url=own_postgres.url,
                      redis_url=own_redis.url) as running:
        yield running


def say_at(url: str, token: str, sender: str, text: str) -> List[Dict[str, Any]]:
    response = requests.post(f"{url}/webhooks/rest/webhook", params={"token": token},
                             json={"sender": sender, "message": text}, timeout=60)
    response.raise_for_status()
    return response.json()


def turns_in_order(tracker: Dict[str, Any]) -> List[List[str]]:
    """The events of each turn: a user message, then everything up to the next action_listen."""
    turns: List[List[str]] = []
    open_turn = False
    for event in tracker["events"]:
        if event["event"] == "user":
            assert not open_turn, "a message started a turn before the previous one had finished"
            turns.append([event["text"]])
            open_turn = True
        elif open_turn:
            turns[-1].append(event.get("name") or event["event"])
            if event["event"] == "action" and event.get("name") == "action_listen":
                open_turn = False
    assert not open_turn, "the last turn never finished"
    return turns


def test_two_replicas_given_one_conversation_at_once_take_turns(stack: ScaledStack) -> None:
    for attempt in range(4):
        sender = f"lock{uuid.uuid4().hex[:10]}"
        say_at(stack.replica_url("rasa-1"), stack.token, sender, "hi")
        barrier = threading.Barrier(2)

        def send(name: str, text: str) -> None:
            barrier.wait()
            say_at(stack.replica_url(name), stack.token, sender, text)

        with ThreadPoolExecutor(2) as pool:
            for future in [pool.submit(send, "rasa-1", "my heel hurts"), pool.submit(send, "rasa-2", "yes")]:
                future.result()
        turns = turns_in_order(stack.tracker(sender))
        assert [turn[0] for turn in turns][0] == "hi"
        assert sorted(turn[0] for turn in turns[1:]) == ["my heel hurts", "yes"]
        assert all(len(turn) > 2 for turn in turns), turns  # each turn has its actions and its listen


class RetryingPatient:
    """converse()'s stack interface through nginx, resending a message only if the tracker lacks it
    (what a widget or Telegram retry does): a turn lost with a killed replica is sent again."""

    def __init__(self, stack: ScaledStack, busy_after: int = 40) -> None:
        self.stack = stack
        self.sent: Dict[str, List[str]] = {}
        self.retries = 0
        self.busy = threading.Event()
        """Set once `busy_after` messages were sent: the load is under way, whatever the machine's speed."""
        self._busy_after = busy_after
        self._count = 0
        self._counting = threading.Lock()

    def say(self, sender: str, text: str) -> List[Dict[str, Any]]:
        time.sleep(0.3)
        self.sent.setdefault(sender, []).append(text)
        with self._counting:
            self._count += 1
            if self._count >= self._busy_after:
                self.busy.set()
        for _ in range(5):
            try:
                return self.stack.say(sender, text, timeout=45)
            except requests.RequestException:
                self.retries += 1
                time.sleep(1)
                if len(user_texts(self._tracker(sender))) == len(self.sent[sender]):
                    return []  # it was processed before the replica died
        raise AssertionError(f"{sender}: '{text}' failed five times")

    def _tracker(self, sender: str) -> Dict[str, Any]:
        for _ in range(20):
            try:
                return self.stack.tracker(sender)
            except requests.RequestException:
                time.sleep(1)
        raise AssertionError("the tracker could not be read")

    def tracker(self, sender: str) -> Dict[str, Any]:
        return self._tracker(sender)


def test_a_replica_killed_under_load_loses_and_duplicates_no_turn(stack: ScaledStack) -> None:
    short = [p for p in load_patients() if not p.known_gap and not p.booking]
    scripts = [short[i % len(short)] for i in range(20)]
    driver = RetryingPatient(stack)
    senders = [f"kill{uuid.uuid4().hex[:10]}" for _ in scripts]
    # Once the load is under way (a fixed delay was after the whole load on a fast machine), the
    # replica hangs for 1.5 s, then is killed: the turns nginx handed it meanwhile die in flight.

    def crash() -> None:
        assert driver.busy.wait(timeout=60), "the load never got under way"
        stack.kill("rasa-1", hang_s=1.5)

    killer = threading.Thread(target=crash)
    killer.start()
    try:
        with ThreadPoolExecutor(len(scripts)) as pool:
            talks = list(pool.map(lambda pair: converse(driver, pair[0], pair[1]), zip(scripts, senders)))
    finally:
        killer.join()
    assert stack.service("rasa-1").process.poll() is not None, "the replica was not killed during the load"
    for talk in talks:
        stored = user_texts(stack.tracker(talk.sender))
        assert stored == driver.sent[talk.sender], f"{talk.sender}: stored turns differ from the ones sent"
        turns_in_order(stack.tracker(talk.sender))
    assert driver.retries >= 1, "no patient was on the killed replica"


def test_redis_down_fails_turns_quickly_and_clearly_then_recovers(stack: ScaledStack, own_redis: OwnRedis) -> None:
    sender = f"redis{uuid.uuid4().hex[:10]}"
    stack.say(sender, "hi")
    own_redis.stop()
    try:
        started = time.monotonic()
        replies = stack.say(sender, "my heel hurts", timeout=30)
        assert time.monotonic() - started < 15, "a turn without Redis hung"
        assert [reply.get("text") for reply in replies] == [say("store_unavailable", clinic_phone=default_clinic().phone)]
        logs = "".join(s.log_path.read_text(errors="replace") for s in stack.services("rasa-"))
        assert "its lock could not be had" in logs
    finally:
        own_redis.start()
    assert stack.say(sender, "my heel hurts")
    assert user_texts(stack.tracker(sender)) == ["hi", "my heel hurts"]


def test_postgres_restart_needs_no_restart_of_the_stack(stack: ScaledStack, own_postgres: OwnPostgres) -> None:
    sender = f"pg{uuid.uuid4().hex[:10]}"
    stack.say(sender, "hi")
    own_postgres.stop()
    own_postgres.start()
    for _ in range(3):  # the live replicas' pooled connections were all cut by the restart
        assert stack.say(sender, "hi")
    assert user_texts(stack.tracker(sender)) == ["hi"] * 4
