"""Start the action server: ``python -m bot.action_server --port ...``.

rasa_sdk's server has no authentication and binds 0.0.0.0, and its error responses
echo the request body (the whole tracker: health data). This builds rasa_sdk's own
Sanic app (``create_app``) and adds what it lacks: calls other than /health need
ACTION_SERVER_TOKEN (``?token=``, as Rasa's EndpointConfig sends it, or
``Authorization: Bearer``), compared in constant time, else 401; errors answer a
fixed sentence and log ids only; it binds ACTION_INTERFACE, else BIND_HOST, else
127.0.0.1. Its body limit stays generous (the tracker grows with the conversation).
What reading a message needs is loaded before it listens (bot.conversation.warm_up).
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
from typing import List, Optional

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.security.binds import bind_host
from bot.security.secrets import presented_token, same_secret

logger = logging.getLogger(__name__)

ACTION_MAX_BODY_BYTES = 16 * 1024 * 1024
OPEN_PATHS = ("/health",)


def secured_app(actions_package: str, token: str) -> Sanic:
    """rasa_sdk's app with the token check and an error handler that echoes nothing."""
    from rasa_sdk.endpoint import create_app

    app = create_app(actions_package, cors_origins=None)
    app.config.REQUEST_MAX_SIZE = ACTION_MAX_BODY_BYTES

    @app.middleware("request")
    async def require_token(request: Request) -> Optional[HTTPResponse]:
        if request.path in OPEN_PATHS or same_secret(presented_token(request), token):
            return None
        logger.warning("action server: call to %s without the right token refused", request.path)
        return response.json({"error": "unauthorized"}, status=401)

    async def no_echo(request: Request, exception: Exception) -> HTTPResponse:
        logger.error("action server: %s on %s", type(exception).__name__, request.path)
        status = getattr(exception, "status_code", 500)
        return response.json({"error": "the action server could not handle this call"}, status=status)

    app.error_handler.add(Exception, no_echo)
    return app


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.action_server", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--actions", default="actions")
    args = parser.parse_args(argv)
    token = os.environ.get("ACTION_SERVER_TOKEN")
    if not token:
        print("ACTION_SERVER_TOKEN is not set; the launcher (bot/launcher.py) provides it.", file=sys.stderr)
        return 2
    from rasa_sdk import utils

    utils.configure_colored_logging("INFO")
    utils.update_sanic_log_level()
    app = secured_app(args.actions, token)
    from bot.conversation.warm_up import warm_up

    warm_up()  # before listening: the first patients do not wait for the patterns and the language identifier
    host = bind_host(os.environ, "ACTION_INTERFACE")
    logger.info("Action server listening on http://%s:%s", host, args.port)
    app.run(host, args.port, workers=utils.number_of_sanic_workers(), access_log=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
