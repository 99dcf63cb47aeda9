"""Load benchmark: simulated patients on the scaled stack, side by side with the stock moodbot.

    .venv/bin/python bench/load.py --quick     # one replica and the moodbot, under 5 minutes
    .venv/bin/python bench/load.py             # 1 and 2 replicas, 50 patients: about 15 minutes

Not a test. In one run it measures, for our stack (`make run-scaled` topology: PostgreSQL, Redis
locks, nginx, N Rasa replicas and N action servers) and for the stock `rasa init` assistant
(trained in a temporary folder, in-memory tracker store, as stock):
  - "hi" from new senders, one at a time: p50/p95/p99;
  - saturation: 20 concurrent senders of "hi" from new senders: messages/s, errors;
  - latency at turn 2 vs turn 40 of one conversation ("hi" 40 times);
  - start-up (until every server answers), training time, Rasa and action server RSS;
and for ours only, K concurrent patients of tests/e2e/patients.yml following the real triage in
free text with a think time between messages, over REST and over socket.io: per-turn
p50/p95/p99, turns/s, errors. REST calls always carry ?token=; socket.io latency is the time to
the first reply of a turn. It prints a Markdown table (docs/performance.md) and writes
results/bench-load-<time>.json.
"""
from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

import aiohttp
import requests
import socketio

if not hasattr(aiohttp, "ClientWSTimeout"):
    # python-engineio 4.12 (installed with Rasa's python-socketio 5) passes aiohttp 3.10's
    # ClientWSTimeout to ws_connect; Rasa pins aiohttp 3.9, whose ws_connect takes the close timeout
    # in seconds. Only this client needs it: the servers do not use aiohttp's websocket client.
    aiohttp.ClientWSTimeout = lambda ws_close=10.0, **_: ws_close

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.launcher import Service, Stack, free_port  # noqa: E402
from bot.paths import REPO_ROOT  # noqa: E402
from bot.security.senders import widget_sender  # noqa: E402
from bot.training import model_is_current, train  # noqa: E402
from tests.e2e.simulated import ConversationFailed, PatientScript, converse, load_patients  # noqa: E402
from tests.scale.stack import ScaledStack, scaled_stack, unavailable_reason  # noqa: E402
from tests.support import rasa_rest  # noqa: E402

RASA = str(Path(sys.executable).parent / "rasa")


@dataclass
class Mode:
    replicas: List[int]
    hi_messages: int
    saturation_s: float
    long_conversations: int
    rest_patients: int
    socketio_patients: int
    think_s: float
    spawn_per_s: float = 10.0
    """Patients starting per second, as Locust's spawn rate: 50 patients arrive over 5 s, not at one instant."""


QUICK = Mode(replicas=[1], hi_messages=30, saturation_s=12, long_conversations=5, rest_patients=10,
             socketio_patients=5, think_s=2.0)
FULL = Mode(replicas=[1, 2], hi_messages=100, saturation_s=30, long_conversations=10, rest_patients=50,
            socketio_patients=20, think_s=2.0)


def percentile(values: List[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def summary(latencies_ms: List[float]) -> Dict[str, float]:
    return {"n": len(latencies_ms), "p50": percentile(latencies_ms, 0.5), "p95": percentile(latencies_ms, 0.95),
            "p99": percentile(latencies_ms, 0.99)}


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (a server's process group)."""
    total = 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
        except OSError:
            continue
        try:
            if os.getpgid(int(status.parent.name)) == pid and "VmRSS" in fields:
                total += int(fields["VmRSS"].split()[0])
        except (OSError, ValueError):
            continue
    return total / 1024


def cpu_seconds(groups: List[int]) -> float:
    """CPU time (user + system) used so far by every process of these process groups."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) in groups:  # field 5 of stat: the process group
                total += int(fields[11]) + int(fields[12])  # fields 14 and 15: utime, stime
        except (OSError, ValueError, IndexError):
            continue
    return total / ticks


def machine_busy_seconds() -> float:
    """CPU time the whole machine has spent not idle (all cores), from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle, iowait
    return (sum(values[:8]) - idle) / os.sysconf("SC_CLK_TCK")


# ------------------------------------------------------------------ a REST target (ours or moodbot)

@dataclass
class Target:
    """Where to send: base URL, token (ignored by the stock assistant), and the processes to weigh."""

    name: str
    url: str
    token: str
    rasa_pids: List[int]
    action_pids: List[int] = field(default_factory=list)

    def say(self, sender: str, text: str) -> List[Dict[str, Any]]:
        return rasa_rest.say(self.url, self.token, sender, text, timeout=120)

    def tracker(self, sender: str) -> Dict[str, Any]:
        return rasa_rest.tracker(self.url, self.token, sender, timeout=60)

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.rasa_pids + self.action_pids)


def timed(call: Callable[[], Any]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def new_sender(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:12]}"


def hi_sequential(target: Target, messages: int) -> Dict[str, float]:
    return summary([timed(lambda: target.say(new_sender("hi"), "hi")) for _ in range(messages)])


def saturation(target: Target, seconds: float, senders: int = 20) -> Dict[str, float]:
    """`senders` threads sending "hi" from new senders back to back for `seconds`."""
    deadline = time.monotonic() + seconds
    done, errors, latencies = [0], [0], []
    lock = threading.Lock()

    def worker() -> None:
        while time.monotonic() < deadline:
            try:
                latency = timed(lambda: target.say(new_sender("sat"), "hi"))
                with lock:
                    done[0] += 1
                    latencies.append(latency)
            except requests.RequestException:
                with lock:
                    errors[0] += 1

    started = time.monotonic()
    with ThreadPoolExecutor(senders) as pool:
        for _ in range(senders):
            pool.submit(worker)
    elapsed = time.monotonic() - started
    return {"messages_per_s": done[0] / elapsed, "errors": errors[0], **summary(latencies)}


def long_conversation(target: Target, conversations: int, turns: int = 40) -> Dict[str, float]:
    """Median latency of turn 2 and turn 40 over conversations of `turns` "hi"s."""
    at: Dict[int, List[float]] = {2: [], turns: []}
    for _ in range(conversations):
        sender = new_sender("long")
        for turn in range(1, turns + 1):
            latency = timed(lambda: target.say(sender, "hi"))
            if turn in at:
                at[turn].append(latency)
    turn2, turn_n = statistics.median(at[2]), statistics.median(at[turns])
    return {"turn_2_ms": turn2, f"turn_{turns}_ms": turn_n, "ratio": turn_n / turn2}


def process_rss(target: Target) -> Dict[str, float]:
    rasa = [rss_mb(pid) for pid in target.rasa_pids]
    actions = [rss_mb(pid) for pid in target.action_pids]
    return {"rasa_mb_each": max(rasa) if rasa else float("nan"),
            "action_mb_each": max(actions) if actions else float("nan")}


# ------------------------------------------------------------------ simulated patients

class Recorder:
    """Per-turn latencies and errors of many patient threads."""

    def __init__(self) -> None:
        self.latencies: List[float] = []
        self.errors: List[str] = []
        self.script_failures = 0
        self.failure_examples: List[str] = []
        self.slowest: List[tuple] = []  # (ms, seconds into the run, the patient's message)
        self.started = time.monotonic()
        self.lock = threading.Lock()

    def turn(self, latency: float, text: str = "") -> None:
        with self.lock:
            self.latencies.append(latency)
            self.slowest = sorted(self.slowest + [(latency, time.monotonic() - self.started, text[:40])])[-10:]

    def error(self, text: str) -> None:
        with self.lock:
            self.errors.append(text)


class ThinkingRestPatient:
    """The stack interface converse() drives: times each message, thinks before the next."""

    def __init__(self, target: Target, recorder: Recorder, think_s: float) -> None:
        self.target, self.recorder, self.think_s = target, recorder, think_s

    def say(self, sender: str, text: str) -> List[Dict[str, Any]]:
        time.sleep(random.uniform(0.5, 1.5) * self.think_s)
        started = time.perf_counter()
        replies = self.target.say(sender, text)
        self.recorder.turn((time.perf_counter() - started) * 1000, text)
        return replies

    def tracker(self, sender: str) -> Dict[str, Any]:
        return self.target.tracker(sender)


class SocketIOPatient(ThinkingRestPatient):
    """Sends each message through socket.io (as the widget does); the tracker comes over REST."""

    loop = asyncio.new_event_loop()
    threading.Thread(target=loop.run_forever, daemon=True).start()

    def __init__(self, target: Target, recorder: Recorder, think_s: float, origin: str) -> None:
        super().__init__(target, recorder, think_s)
        self.origin = origin
        self.client: Optional[socketio.AsyncClient] = None
        self.replies: Optional[asyncio.Queue] = None
        self.token = ""
        self.rasa_sender = ""

    def _run(self, coroutine: Any, timeout: float = 120) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    async def _connect(self) -> None:
        """Join as a new visitor: the server signs a fresh session (bot.security.widget_sessions)."""
        self.client = socketio.AsyncClient(reconnection=False)
        self.replies = asyncio.Queue()
        confirmed: asyncio.Future = self.loop.create_future()
        self.client.on("bot_uttered", lambda data: self.replies.put_nowait(data))
        self.client.on("session_confirm", lambda data: confirmed.done() or confirmed.set_result(data))
        await self.client.connect(self.target.url, transports=["websocket"], socketio_path="/socket.io",
                                  headers={"Origin": self.origin})
        await self.client.emit("session_request", {"session_id": None})
        self.token = (await asyncio.wait_for(confirmed, 30))["session_id"]
        self.rasa_sender = widget_sender(self.token.split(".")[0])

    async def _send(self, text: str) -> Dict[str, Any]:
        while not self.replies.empty():  # the previous turn's later replies
            self.replies.get_nowait()
        await self.client.emit("user_uttered", {"message": text, "session_id": self.token})
        return await asyncio.wait_for(self.replies.get(), 120)

    def say(self, sender: str, text: str) -> List[Dict[str, Any]]:
        """`sender` is unused: the conversation is the session the server signed on connecting."""
        if self.client is None:
            self._run(self._connect())
        time.sleep(random.uniform(0.5, 1.5) * self.think_s)
        sent = len([e for e in self.target.tracker(self.rasa_sender)["events"] if e["event"] == "user"]) + 1
        started = time.perf_counter()
        first = self._run(self._send(text))
        self.recorder.turn((time.perf_counter() - started) * 1000, text)
        self._wait_turn_done(self.rasa_sender, sent)
        return [first]

    def tracker(self, sender: str) -> Dict[str, Any]:
        return self.target.tracker(self.rasa_sender)

    def _wait_turn_done(self, sender: str, users: int, timeout_s: float = 60) -> None:
        """Until the tracker holds this message and Rasa listens again (the turn's later replies sent)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            tracker = self.target.tracker(sender)
            if (len([e for e in tracker["events"] if e["event"] == "user"]) >= users
                    and tracker.get("latest_action_name") == "action_listen"):
                return
            time.sleep(0.05)
        raise TimeoutError(f"turn {users} of a socket.io patient did not finish in {timeout_s:.0f} s")

    def close(self) -> None:
        if self.client is not None:
            self._run(self.client.disconnect())


def as_person(script: PatientScript, index: int) -> PatientScript:
    """The script as the index-th person: scripts repeat when patients outnumber them, and one contact
    may hold only `booking.max_open_per_contact` upcoming bookings (clinic.yml), so each gets its own."""
    if "patient_contact" not in script.booking:
        return script
    return dataclasses.replace(script, booking={**script.booking, "patient_contact": f"patient{index}@example.com"})


def patients_load(target: Target, patients: int, think_s: float, transport: str, origin: str,
                  spawn_per_s: float = 10.0) -> Dict[str, Any]:
    """`patients` threads, each one simulated patient (cycling through patients.yml) to the end, the
    index-th starting index / spawn_per_s seconds in."""
    scripts = [p for p in load_patients() if not p.known_gap]
    recorder = Recorder()

    def one(index: int) -> None:
        time.sleep(index / spawn_per_s)
        script = as_person(scripts[index % len(scripts)], index)
        driver = (SocketIOPatient(target, recorder, think_s, origin) if transport == "socket.io"
                  else ThinkingRestPatient(target, recorder, think_s))
        sender = uuid.uuid4().hex if transport == "socket.io" else new_sender("pat")
        try:
            converse(driver, script, sender)
        except ConversationFailed as failure:
            with recorder.lock:
                recorder.script_failures += 1
                recorder.failure_examples.append(str(failure)[:400])
        except Exception as error:  # a failed turn: counted, the run goes on
            recorder.error(f"{type(error).__name__}: {error}"[:200])
        finally:
            if isinstance(driver, SocketIOPatient):
                try:
                    driver.close()
                except Exception:  # noqa: BLE001 - closing a broken socket
                    pass

    started, servers_cpu, machine_cpu = time.monotonic(), target.cpu_seconds(), machine_busy_seconds()
    with ThreadPoolExecutor(patients) as pool:
        list(pool.map(one, range(patients)))
    elapsed = time.monotonic() - started
    turns = max(len(recorder.latencies), 1)
    cpu = {"rasa_and_actions_cpu_ms_per_turn": (target.cpu_seconds() - servers_cpu) / turns * 1000,
           "machine_cpu_ms_per_turn": (machine_busy_seconds() - machine_cpu) / turns * 1000}
    return {"transport": transport, "patients": patients, "think_s": think_s, "spawn_per_s": spawn_per_s,
            **summary(recorder.latencies), **cpu,
            "turns_per_s": len(recorder.latencies) / elapsed, "errors": len(recorder.errors),
            "error_examples": recorder.errors[:3], "script_failures": recorder.script_failures,
            "failure_examples": recorder.failure_examples[:3],
            "slowest_turns": [{"ms": ms, "at_s": at, "message": text} for ms, at, text in reversed(recorder.slowest)],
            "seconds": elapsed}


# ------------------------------------------------------------------ the two systems

def measure_common(target: Target, mode: Mode) -> Dict[str, Any]:
    target.say(new_sender("warm"), "hi")
    return {"hi": hi_sequential(target, mode.hi_messages), "saturation": saturation(target, mode.saturation_s),
            "long": long_conversation(target, mode.long_conversations)}


def moodbot(tmp: Path, mode: Mode) -> Dict[str, Any]:
    """`rasa init --no-prompt` (it trains) into tmp, then `rasa run` with the HTTP API."""
    project = tmp / "moodbot"
    project.mkdir()
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
    started = time.monotonic()
    subprocess.run([RASA, "init", "--no-prompt", "--init-dir", str(project)], cwd=project, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    train_s = time.monotonic() - started
    port = free_port()
    service = Service("moodbot", [RASA, "run", "--enable-api", "--port", str(port), "--model", str(project / "models"),
                                  "--endpoints", str(project / "endpoints.yml"),
                                  "--credentials", str(project / "credentials.yml")],
                      health_url=f"http://127.0.0.1:{port}/status", port=port)
    stack = Stack([service], env, log_dir=tmp / "log")
    started = time.monotonic()
    stack.start(progress=lambda line: None)
    startup_s = time.monotonic() - started
    try:
        target = Target("moodbot", f"http://127.0.0.1:{port}", "unused", [service.process.pid])
        figures = measure_common(target, mode)
        figures.update(startup_s=startup_s, train_s=train_s, rss=process_rss(target))
        return figures
    finally:
        stack.stop()


def ours(tmp: Path, replicas: int, mode: Mode) -> Dict[str, Any]:
    with scaled_stack(tmp / f"ours-{replicas}", replicas=replicas) as stack:
        target = _target(stack)
        figures = measure_common(target, mode)
        origin = stack.env["WIDGET_ORIGINS"].split()[0]
        figures["patients_rest"] = patients_load(target, mode.rest_patients, mode.think_s, "REST", origin,
                                                 mode.spawn_per_s)
        if mode.socketio_patients:
            figures["patients_socketio"] = patients_load(target, mode.socketio_patients, mode.think_s,
                                                         "socket.io", origin, mode.spawn_per_s)
        figures.update(startup_s=float(stack.env["STARTUP_SECONDS"]), rss=process_rss(target), replicas=replicas)
        return figures


def _target(stack: ScaledStack) -> Target:
    return Target(f"ours x{len(stack.services('rasa-'))}", stack.url, stack.token,
                  [s.process.pid for s in stack.services("rasa-")],
                  [s.process.pid for s in stack.services("actions-")])


# ------------------------------------------------------------------ report

def table(results: Dict[str, Any]) -> str:
    mood = results["moodbot"]
    rows = ["| figure | moodbot | " + " | ".join(f"ours, {r} replica{'s' * (r > 1)}" for r in results["replicas"])
            + f" | ours ({results['replicas'][0]}) / moodbot | target |",
            "|---|---:|" + "---:|" * len(results["replicas"]) + "---:|---|"]
    ours_runs = [results[f"ours_{r}"] for r in results["replicas"]]

    def row(label: str, get: Callable[[Dict[str, Any]], float], fmt: str, target: str = "",
            ratio: bool = True) -> None:
        values = [get(mood)] + [get(run) for run in ours_runs]
        cells = [format(v, fmt) for v in values]
        rate = format(values[1] / values[0], ".2f") + "x" if ratio and values[0] else ""
        rows.append(f"| {label} | " + " | ".join(cells) + f" | {rate} | {target} |")

    row('"hi", new sender: p50 ms', lambda r: r["hi"]["p50"], ".0f", "<= 1.5x")
    row('"hi", new sender: p95 ms', lambda r: r["hi"]["p95"], ".0f")
    row('"hi", new sender: p99 ms', lambda r: r["hi"]["p99"], ".0f")
    row("saturation, 20 senders: messages/s", lambda r: r["saturation"]["messages_per_s"], ".1f", ">= 0.7x")
    row("saturation errors", lambda r: r["saturation"]["errors"], ".0f", "", ratio=False)
    row("turn 40 / turn 2", lambda r: r["long"]["ratio"], ".2f", "ours <= 1.2")
    row("start-up s", lambda r: r["startup_s"], ".0f", "<= 1.0x")
    row("Rasa server RSS MB (each)", lambda r: r["rss"]["rasa_mb_each"], ".0f", "<= 1.1x")
    lines = ["\n".join(rows), ""]
    lines.append(f"Training: moodbot {mood['train_s']:.0f} s (rasa init, includes scaffolding); "
                 f"ours {results['train']['seconds']:.0f} s ({results['train']['how']}); target <= 180 s.")
    for run in ours_runs:
        lines.append(f"Action server RSS ({run['replicas']} replicas): {run['rss']['action_mb_each']:.0f} MB each.")
        for key in ("patients_rest", "patients_socketio"):
            if key in run:
                p = run[key]
                lines.append(
                    f"{run['replicas']} replica(s), {p['patients']} patients over {p['transport']} "
                    f"({p['spawn_per_s']:g} starting per s), think {p['think_s']:.0f} s: per turn p50 {p['p50']:.0f} ms, p95 {p['p95']:.0f} ms, p99 "
                    f"{p['p99']:.0f} ms; {p['turns_per_s']:.1f} turns/s; {p['errors']} errors; "
                    f"{p['script_failures']} conversations off script; {p['n']} turns in {p['seconds']:.0f} s; "
                    f"CPU per turn: Rasa and action servers {p['rasa_and_actions_cpu_ms_per_turn']:.0f} ms, "
                    f"whole machine {p['machine_cpu_ms_per_turn']:.0f} ms.")
    if len(ours_runs) > 1:
        one, two = ours_runs[0], ours_runs[1]
        lines.append(f"2 replicas / 1: saturation throughput "
                     f"{two['saturation']['messages_per_s'] / one['saturation']['messages_per_s']:.2f}x.")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one replica, fewer messages: under 5 minutes")
    parser.add_argument("--replicas", help="comma-separated replica counts (default: quick 1, full 1,2)")
    parser.add_argument("--patients", type=int, help="concurrent REST patients (quick 10, full 50)")
    parser.add_argument("--think", type=float, help="mean think time between a patient's messages, s (2)")
    parser.add_argument("--spawn-rate", type=float, help="patients starting per second, as Locust's (10)")
    parser.add_argument("--retrain", action="store_true",
                        help="train our model from scratch (no Rasa cache) even if it is up to date, and time it")
    args = parser.parse_args()
    mode = QUICK if args.quick else FULL
    if args.replicas:
        mode.replicas = [int(r) for r in args.replicas.split(",")]
    if args.patients:
        mode.rest_patients = args.patients
    if args.think is not None:
        mode.think_s = args.think
    if args.spawn_rate:
        mode.spawn_per_s = args.spawn_rate
    reason = unavailable_reason()
    if reason:
        print(f"Cannot run the scaled stack here: {reason}", file=sys.stderr)
        return 1
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="bench-load-") as folder:
        tmp = Path(folder)
        cached = model_is_current() and not args.retrain
        started = time.monotonic()
        if args.retrain:  # a cold training: Rasa's component cache would otherwise restore DIET in seconds
            os.environ["RASA_CACHE_DIRECTORY"] = str(tmp / "rasa-cache")
        train(force=args.retrain, log=tmp / "train.log")
        results: Dict[str, Any] = {"replicas": mode.replicas, "train": {
            "seconds": time.monotonic() - started,
            "how": "model up to date, not retrained: pass --retrain to time training" if cached else "trained"}}
        print("moodbot...", flush=True)
        results["moodbot"] = moodbot(tmp, mode)
        for replicas in mode.replicas:
            print(f"ours, {replicas} replica(s)...", flush=True)
            results[f"ours_{replicas}"] = ours(tmp, replicas, mode)
    results["wall_s"] = time.monotonic() - began
    results["load_average"] = os.getloadavg()
    out = REPO_ROOT / "results" / f"bench-load-{time.strftime('%Y%m%dT%H%M%S')}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2, default=str))
    print()
    print(table(results))
    print(f"\n{os.cpu_count()} cores, load average at the end {results['load_average'][0]:.1f}; "
          f"whole run {results['wall_s'] / 60:.1f} min; figures in {out.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
