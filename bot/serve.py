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

from bot.launcher import auth_token, rasa_services
from bot.run import DEFAULTS
from bot.training import MODEL_PATH

SERVICES = ("rasa", "actions")


def service_argv(name: str, env: Dict[str, str]) -> List[str]:
    """The argv of one service as the launcher builds it (endpoints.yml is rendered on the way)."""
    return next(s for s in rasa_services(env, MODEL_PATH) if s.name == name).argv


def main(argv: List[str]) -> int:
    if len(argv) != 1 or argv[0] not in SERVICES:
        print(f"usage: python -m bot.serve {{{'|'.join(SERVICES)}}}", file=sys.stderr)
        return 2
    env = {**DEFAULTS, **os.environ}
    env["RASA_AUTH_TOKEN"] = auth_token()
    command = service_argv(argv[0], env)
    os.execve(command[0], command, env)
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
