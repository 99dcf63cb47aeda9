"""Where a turn's time goes: NLU, policies, each action-server call, tracker load and save.

    .venv/bin/python bench/profile_turn.py [--patients 6] [--tracker-db postgresql://...]
    .venv/bin/python bench/profile_turn.py --long 40   # which step grows along one conversation

Loads the trained model in this process (as `rasa run` does) with a real action server on a
free port and a temporary tracker store (SQLite, or --tracker-db), walks simulated patients of
tests/e2e/patients.yml through it, and times with a wall clock (an await is counted, unlike
under cProfile) Rasa's own steps of every turn:
  NLU            MessageProcessor.parse_message
  policies       MessageProcessor._predict_next_with_tracker (every prediction of the turn)
  action calls   RemoteAction.run (each HTTP call to the action server, with the whole tracker)
  tracker load   MessageProcessor.fetch_tracker_and_update_session
  tracker save   MessageProcessor.save_tracker
It prints the mean ms per turn of each, their share of the whole turn, and the action calls per turn.
With --long N it instead says "hi" N times in one conversation (as bench/load.py's turn 2 vs
turn 40 does) and prints each step's ms at turns 2-4 and at the last three turns.
"""
from __future__ import annotations

import argparse
import asyncio
import functools
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any, Callable, Dict, List

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.launcher import Stack, free_port, rasa_services, render_endpoints  # noqa: E402
from bot.paths import REPO_ROOT  # noqa: E402
from bot.security.secrets import with_secrets  # noqa: E402
from bot.training import train  # noqa: E402
from tests.e2e.simulated import converse, load_patients  # noqa: E402

STEPS = {
    "NLU": ("rasa.core.processor", "MessageProcessor", "parse_message"),
    "policies": ("rasa.core.processor", "MessageProcessor", "_predict_next_with_tracker"),
    "action calls": ("rasa.core.actions.action", "RemoteAction", "run"),
    "tracker load": ("rasa.core.processor", "MessageProcessor", "fetch_tracker_and_update_session"),
    "tracker save": ("rasa.core.processor", "MessageProcessor", "save_tracker"),
    "whole turn": ("rasa.core.processor", "MessageProcessor", "handle_message"),
}


class Clock:
    """Wall time and calls per step, summed over the run."""

    def __init__(self) -> None:
        self.seconds: Dict[str, float] = defaultdict(float)
        self.calls: Dict[str, int] = defaultdict(int)

    def wrap(self, label: str, function: Callable) -> Callable:
        if asyncio.iscoroutinefunction(function):
            @functools.wraps(function)
            async def timed_async(*args: Any, **kwargs: Any) -> Any:
                started = time.perf_counter()
                try:
                    return await function(*args, **kwargs)
                finally:
                    self.seconds[label] += time.perf_counter() - started
                    self.calls[label] += 1
            return timed_async

        @functools.wraps(function)
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[label] += time.perf_counter() - started
                self.calls[label] += 1
        return timed

    def install(self) -> None:
        import importlib

        for label, (module, cls, method) in STEPS.items():
            owner = getattr(importlib.import_module(module), cls)
            setattr(owner, method, self.wrap(label, getattr(owner, method)))


class InProcess:
    """converse()'s stack interface on an Agent in this process."""

    def __init__(self, agent: Any, loop: asyncio.AbstractEventLoop) -> None:
        self.agent, self.loop = agent, loop

    def say(self, sender: str, text: str) -> List[Dict[str, Any]]:
        return self.loop.run_until_complete(self.agent.handle_text(text, sender_id=sender)) or []

    def tracker(self, sender: str) -> Dict[str, Any]:
        from rasa.shared.core.trackers import EventVerbosity

        tracker = self.loop.run_until_complete(self.agent.tracker_store.retrieve(sender))
        return tracker.current_state(EventVerbosity.AFTER_RESTART)


def long_conversation(driver: InProcess, clock: Clock, turns: int) -> List[Dict[str, float]]:
    """Each step's seconds in each turn of one conversation of `turns` "hi"s."""
    per_turn = []
    for _ in range(turns):
        clock.seconds.clear()
        driver.say("long-conversation", "hi")
        per_turn.append(dict(clock.seconds))
    return per_turn


def print_growth(per_turn: List[Dict[str, float]]) -> None:
    early, late = per_turn[1:4], per_turn[-3:]
    print(f'one conversation of {len(per_turn)} "hi"s: ms per turn at turns 2-4 and at the last three')
    for label in STEPS:
        before = sum(turn.get(label, 0.0) for turn in early) / len(early) * 1000
        after = sum(turn.get(label, 0.0) for turn in late) / len(late) * 1000
        print(f"  {label:<13} {before:7.1f} -> {after:7.1f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=6)
    parser.add_argument("--tracker-db", help="tracker store URL (default: a temporary SQLite file)")
    parser.add_argument("--long", type=int, metavar="N", help='one conversation of N "hi"s: growth per step')
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="profile-turn-"))
    model = train(log=tmp / "train.log")
    env = with_secrets({**os.environ, "RASA_PORT": str(free_port()), "ACTION_PORT": str(free_port()),
                        "RASA_TELEMETRY_ENABLED": "false",
                        "TRACKER_DB_URL": args.tracker_db or f"sqlite:///{tmp / 'conversations.db'}",
                        "DATABASE_URL": f"sqlite:///{tmp / 'clinic.db'}", "VAR_DIR": str(tmp / "var")},
                       tmp / "var")
    subprocess.run([sys.executable, "-m", "bot.storage", "upgrade"], cwd=REPO_ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    actions = Stack([s for s in rasa_services(env, model, tmp) if s.name == "actions"], env, log_dir=tmp / "log")
    actions.start(progress=lambda line: None)
    os.environ.update({k: env[k] for k in ("TRACKER_DB_URL", "DATABASE_URL", "VAR_DIR")})
    try:
        from rasa.core.agent import load_agent
        from rasa.core.utils import AvailableEndpoints

        clock = Clock()
        clock.install()
        loop = asyncio.new_event_loop()
        endpoints = AvailableEndpoints.read_endpoints(str(render_endpoints(env, tmp / "endpoints.yml")))
        endpoints.action.token = env["ACTION_SERVER_TOKEN"]  # as bot.rasa_server does
        agent = loop.run_until_complete(load_agent(model_path=str(model), endpoints=endpoints))
        driver = InProcess(agent, loop)
        scripts = [p for p in load_patients() if not p.known_gap]
        driver.say("warm-up", "hi")
        clock.seconds.clear()
        clock.calls.clear()
        if args.long:
            print_growth(long_conversation(driver, clock, args.long))
            return 0
        turns = 0
        for index in range(args.patients):
            turns += converse(driver, scripts[index % len(scripts)], f"profile{index}").turns
    finally:
        actions.stop()
    whole = clock.seconds["whole turn"]
    print(f"{turns} turns of {args.patients} simulated patients "
          f"(tracker store {env['TRACKER_DB_URL'].split(':')[0]}):")
    for label in STEPS:
        share = clock.seconds[label] / whole * 100 if whole else 0
        print(f"  {label:<13} {clock.seconds[label] / turns * 1000:7.1f} ms per turn  {share:5.1f}%"
              f"  ({clock.calls[label] / turns:.2f} calls per turn)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
