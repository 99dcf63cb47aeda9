"""Run one service of the assistant in the foreground: a container's command.

    python -m bot.serve rasa       the Rasa server (RASA_PORT, model models/triage.tar.gz)
    python -m bot.serve actions    the action server (ACTION_PORT)

The command line is the one bot.launcher.rasa_services builds for `make run` and
`make run-scaled`, so an image starts its server exactly as the launcher does.
"""
from __future__ import annotations

import os
import sys
from typing import Dict, List

from bot.launcher import Service, rasa_services
from bot.run import DEFAULTS
from bot.security.secrets import with_secrets
from bot.training import MODEL_PATH

SERVICES = ("rasa", "actions")


def service(name: str, env: Dict[str, str]) -> Service:
    """One service as the launcher builds it (endpoints.yml is rendered on the way)."""
    return next(s for s in rasa_services(env, MODEL_PATH) if s.name == name)


def service_argv(name: str, env: Dict[str, str]) -> List[str]:
    """The argv of one service as the launcher builds it."""
    return service(name, env).argv


def main(argv: List[str]) -> int:
    if len(argv) != 1 or argv[0] not in SERVICES:
        print(f"usage: python -m bot.serve {{{'|'.join(SERVICES)}}}", file=sys.stderr)
        return 2
    chosen = service(argv[0], with_secrets({**DEFAULTS, **os.environ}))
    os.execve(chosen.argv[0], chosen.argv, chosen.env if chosen.env is not None else os.environ)
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
