"""`make run`: start every part of the assistant, say where to chat, stop cleanly on Ctrl-C."""
from __future__ import annotations

import os
import signal
import sys
import time
from typing import Dict, List

from bot.db_check import DatabaseUnavailable, check_reachable
from bot.launcher import LaunchError, Service, Stack, rasa_services, service_env
from bot.paths import VAR_DIR, tracker_db_url
from bot.security.secrets import with_secrets
from bot.training import MODEL_PATH

DEFAULTS = {"RASA_PORT": "5005", "ACTION_PORT": "5055", "WEB_PORT": "8080", "STAFF_PORT": "8081"}


def build_env() -> Dict[str, str]:
    env = with_secrets({**DEFAULTS, **os.environ})
    env.setdefault("RASA_URL", f"http://127.0.0.1:{env['RASA_PORT']}")
    env.setdefault("RASA_PUBLIC_URL", f"http://localhost:{env['RASA_PORT']}")
    env.setdefault("WIDGET_ORIGINS", f"http://localhost:{env['WEB_PORT']} http://127.0.0.1:{env['WEB_PORT']}")
    return env


def extra_services(env: Dict[str, str]) -> List[Service]:
    """The website, the staff pages and (with a token) the Telegram poller."""
    python = sys.executable
    web, staff = int(env["WEB_PORT"]), int(env["STAFF_PORT"])
    services = [
        Service("web", [python, "-m", "bot.web", "serve", "--port", str(web)],
                health_url=f"http://127.0.0.1:{web}/", port=web, port_var="WEB_PORT", env=service_env(env)),
        Service("staff", [python, "-m", "bot.staff", "serve", "--port", str(staff)],
                health_url=f"http://127.0.0.1:{staff}/login", port=staff, port_var="STAFF_PORT",
                env=service_env(env, ["RASA_AUTH_TOKEN", "STAFF_API_TOKEN", "SMTP_PASSWORD", "TELEGRAM_TOKEN"])),
    ]
    if env.get("TELEGRAM_TOKEN") and not env.get("TELEGRAM_WEBHOOK_URL"):
        services.append(Service("telegram", [python, "-m", "bot.channels.telegram", "poll"],
                                env=service_env(env, ["TELEGRAM_TOKEN", "TELEGRAM_WEBHOOK_SECRET"])))
    return services


def _interrupt(signum: int, frame: object) -> None:
    """SIGTERM and SIGINT stop the services the same way as Ctrl-C."""
    raise KeyboardInterrupt


def main() -> int:
    env = build_env()
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)  # also when started in the background, where SIGINT is ignored
    try:
        check_reachable(tracker_db_url())
    except DatabaseUnavailable as error:
        print(f"\nCould not start: {error}", file=sys.stderr)
        return 1
    stack = Stack(rasa_services(env, MODEL_PATH) + extra_services(env), env)
    return run_stack(stack, env, "Starting the action server, the Rasa server, the website and the staff pages...")


def run_stack(stack: Stack, env: Dict[str, str], starting: str) -> int:
    """Start the stack, say where to chat, watch it until Ctrl-C (or a death), then stop it all."""
    try:
        print(starting)
        started = time.monotonic()
        stack.start()
        print(ready_message(env, time.monotonic() - started))
        while True:
            stack.check_alive()
            time.sleep(1)
    except KeyboardInterrupt:
        print("\nStopping...")
    except LaunchError as error:
        print(f"\nCould not run: {error}", file=sys.stderr)
        return 1
    finally:
        stack.stop()
    print("Stopped.")
    return 0


def token_source() -> str:
    """Where the Rasa API token is, without printing it."""
    if os.environ.get("RASA_AUTH_TOKEN"):
        return "your RASA_AUTH_TOKEN"
    return f"the file {VAR_DIR / 'rasa_auth_token'}"


def ready_message(env: Dict[str, str], seconds: float) -> str:
    return (
        f"\nReady in {seconds:.0f} s.\n"
        f"  Chat on the website:  http://localhost:{env['WEB_PORT']}/\n"
        f"  REST API:             POST http://localhost:{env['RASA_PORT']}/webhooks/rest/webhook"
        ' -H "Authorization: Bearer $TOKEN" {"sender": "me", "message": "hi"}\n'
        f"                        (TOKEN: {token_source()})\n"
        f"  Staff pages:          http://localhost:{env['STAFF_PORT']}/  (create a login: make staff-user NAME=alice)\n"
        f"  Telegram:             {'polling' if env.get('TELEGRAM_TOKEN') else 'off (set TELEGRAM_TOKEN)'}\n"
        f"  Logs:                 var/log/\n"
        "Press Ctrl-C to stop."
    )


if __name__ == "__main__":
    sys.exit(main())
