"""Print the running-stack figures: server start time, Rasa RSS, REST latency, turns to a disposition.

Starts its own action and Rasa servers on free ports (with a temporary tracker
store and clinic database), like the test fixture, then stops them.

    .venv/bin/python bench/stack_figures.py [--messages 100]
"""
from __future__ import annotations

import argparse
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.launcher import Stack, free_port, rasa_services  # noqa: E402
from bot.paths import REPO_ROOT  # noqa: E402
from bot.security.secrets import with_secrets  # noqa: E402
from bot.training import train  # noqa: E402
from tests.e2e.patient import KNEE_WITH_FOOT_SIGNS, Patient  # noqa: E402
from tests.support import rasa_rest  # noqa: E402


class _Client:
    def __init__(self, url: str, token: str) -> None:
        self.url = url
        self.token = token

    def tracker(self, sender: str) -> dict:
        return rasa_rest.tracker(self.url, self.token, sender, timeout=60)

    def slot(self, sender: str, name: str) -> object:
        return self.tracker(sender)["slots"].get(name)

    def say(self, sender: str, text: str) -> list:
        return rasa_rest.say(self.url, self.token, sender, text)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def percentile(values: list, fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-"))
    model = train(log=tmp / "train.log")
    env = {**os.environ, "RASA_PORT": str(free_port()), "ACTION_PORT": str(free_port()),
           "RASA_AUTH_TOKEN": secrets.token_urlsafe(16), "RASA_TELEMETRY_ENABLED": "false",
           "TRACKER_DB_URL": f"sqlite:///{tmp / 'conversations.db'}", "DATABASE_URL": f"sqlite:///{tmp / 'clinic.db'}"}
    env = with_secrets(env, tmp / "var")
    subprocess.run([sys.executable, "-m", "bot.storage", "upgrade"], cwd=REPO_ROOT, env=env, check=True)
    stack = Stack(rasa_services(env, model, run_dir=tmp), env, log_dir=tmp / "log")
    started = time.monotonic()
    stack.start(progress=lambda line: None)
    ready_s = time.monotonic() - started
    try:
        rasa = next(s for s in stack.services if s.name == "rasa")
        rss_start = rss_mb(rasa.process.pid)
        client = _Client(f"http://127.0.0.1:{env['RASA_PORT']}", env["RASA_AUTH_TOKEN"])
        latencies = []
        for _ in range(args.messages):
            t0 = time.perf_counter()
            client.say(f"bench-{uuid.uuid4().hex[:8]}", "hi")
            latencies.append((time.perf_counter() - t0) * 1000)
        turns = []
        for _ in range(5):
            patient = Patient(client, f"bench-{uuid.uuid4().hex[:8]}", KNEE_WITH_FOOT_SIGNS)
            patient.start()
            patient.answer_until_result()
            turns.append(patient.messages)
        rss_after = rss_mb(rasa.process.pid)
    finally:
        stack.stop()
    print(f"servers ready after start:        {ready_s:.1f} s")
    print(f"Rasa server RSS after start:      {rss_start:.0f} MB (after the run: {rss_after:.0f} MB)")
    print(f"REST 'hi' latency, {args.messages} sequential: p50 {statistics.median(latencies):.0f} ms, "
          f"p95 {percentile(latencies, 0.95):.0f} ms")
    print(f"patient messages from greeting to result (gait-analysis patient, buttons): "
          f"median {statistics.median(turns):.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
