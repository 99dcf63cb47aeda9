"""Runs `python -m bot.channels.telegram ...` as the Makefile and `make run` do, for tests."""
from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Dict, Iterator, List

from tg_fake_api import SECRET, TOKEN, FakeBotApi

from bot.paths import REPO_ROOT


def cli_env(fake: FakeBotApi, tmp_path: Path, **extra: str) -> Dict[str, str]:
    """The environment of a channel process pointed at the fake Bot API."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("TELEGRAM_")}
    env.update(
        TELEGRAM_TOKEN=TOKEN,
        TELEGRAM_WEBHOOK_SECRET=SECRET,
        TELEGRAM_API_BASE_URL=fake.base_url,
        TELEGRAM_API_FILE_URL=fake.file_url,
        TELEGRAM_CALLBACK_DB=str(tmp_path / "callbacks.sqlite"),
    )
    env.update(extra)
    return env


def run_cli(args: List[str], env: Dict[str, str], timeout: float = 90) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot.channels.telegram", *args],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=timeout,
    )


@contextlib.contextmanager
def running_poller(env: Dict[str, str], fake: FakeBotApi, log: Path) -> Iterator[subprocess.Popen]:
    """The poller, started and polling (first getUpdates seen); stopped with Ctrl-C on exit."""
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.channels.telegram", "poll"],
            cwd=REPO_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
        )
        try:
            fake.wait_for_calls("getUpdates", 1, timeout=90)
            yield process
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
