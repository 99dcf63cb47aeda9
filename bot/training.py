"""Train the Rasa model only when its inputs changed.

Rasa needs TensorFlow imported (~15 s) just to decide there is nothing to do;
this hash of every input decides in milliseconds. When it differs, `rasa train`
runs and its own cache (.rasa/cache) retrains only the components whose inputs
changed (e.g. only the dialogue policies after a rules edit).
"""
from __future__ import annotations

import fcntl
import hashlib
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterable, List, Optional

from bot.paths import REPO_ROOT

MODEL_DIR = REPO_ROOT / "models"
MODEL_NAME = "triage"
MODEL_PATH = MODEL_DIR / f"{MODEL_NAME}.tar.gz"
FINGERPRINT_PATH = MODEL_DIR / f"{MODEL_NAME}.fingerprint"
TRAINING_DATA = ["data/nlu", "data/rules"]


def _inputs() -> List[Path]:
    files: List[Path] = [REPO_ROOT / "config.yml", REPO_ROOT / "domain.yml"]
    for entry in TRAINING_DATA + ["bot/nlu"]:
        path = REPO_ROOT / entry
        files.extend(sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
                     if path.is_dir() else [path])
    return files


def fingerprint(files: Iterable[Path] = ()) -> str:
    """SHA-256 over the names and contents of every training input."""
    digest = hashlib.sha256()
    for path in list(files) or _inputs():
        if path.exists():
            digest.update(str(path.relative_to(REPO_ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def model_is_current() -> bool:
    return MODEL_PATH.exists() and FINGERPRINT_PATH.exists() and FINGERPRINT_PATH.read_text() == fingerprint()


def train(force: bool = False, log: Optional[Path] = None) -> Path:
    """Train into models/triage.tar.gz unless the current model was built from the same inputs.

    Rasa's progress goes to the terminal, or to `log` (tests keep their output short).
    """
    MODEL_DIR.mkdir(exist_ok=True)
    with open(MODEL_DIR / ".train.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # a second caller waits, then finds the model current
        if not force and model_is_current():
            print(f"Model is up to date: {MODEL_PATH.relative_to(REPO_ROOT)}")
            return MODEL_PATH
        return _train(log)


def _train(log: Optional[Path]) -> Path:
    print("Training the model (3-6 minutes on 2 cores, by the machine).", flush=True)
    started = time.monotonic()
    argv = [
        str(Path(sys.executable).parent / "rasa"), "train", "--fixed-model-name", MODEL_NAME,
        "--out", str(MODEL_DIR), "--config", "config.yml", "--domain", "domain.yml",
        "--data", *TRAINING_DATA,
    ]  # no --force: Rasa's cache then reuses components whose inputs did not change
    if log is None:
        result = subprocess.run(argv, cwd=REPO_ROOT)
    else:
        log.parent.mkdir(parents=True, exist_ok=True)
        with open(log, "wb") as output:
            result = subprocess.run(argv, cwd=REPO_ROOT, stdout=output, stderr=subprocess.STDOUT)
    if result.returncode != 0:
        where = f"see {log}" if log else "see the messages above"
        raise SystemExit(f"Training failed (exit {result.returncode}); {where}.")
    FINGERPRINT_PATH.write_text(fingerprint())
    print(f"Model trained in {time.monotonic() - started:.0f} s: {MODEL_PATH.relative_to(REPO_ROOT)}")
    return MODEL_PATH


if __name__ == "__main__":
    train(force="--force" in sys.argv)
