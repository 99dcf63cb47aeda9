"""Start the Rasa server from Python: ``python -m bot.rasa_server --model ... --port ...``.

``rasa run --auth-token=...`` would put the API token on the command line, where every
local user sees it in ``ps``. This calls Rasa's own ``serve_application`` with the
secrets read from the environment the launcher built for this process alone:
RASA_AUTH_TOKEN (the HTTP API and the REST channel) and ACTION_SERVER_TOKEN (sent to
the action server as ``?token=`` through the action endpoint's EndpointConfig, set
here in memory, so the rendered endpoints file holds no secret). It binds
RASA_INTERFACE, else BIND_HOST, else 127.0.0.1, and caps request bodies at 64 kB.
TensorFlow's oneDNN kernels are off unless TF_ENABLE_ONEDNN_OPTS says otherwise.
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
from typing import List, Optional

from bot.security.binds import MAX_BODY_BYTES, bind_host


def parse_args(argv: Optional[List[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bot.rasa_server", description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--credentials", default="credentials.yml")
    parser.add_argument("--endpoints", required=True)
    parser.add_argument("--cors", nargs="*", default=[])
    return parser.parse_args(argv)


def limit_request_size(app, _loop) -> None:  # noqa: ANN001 - Sanic's listener signature
    """Refuse bodies over 64 kB (413) before they are read; websocket frames alike."""
    app.config.REQUEST_MAX_SIZE = MAX_BODY_BYTES
    app.config.WEBSOCKET_MAX_SIZE = MAX_BODY_BYTES


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    token = os.environ.get("RASA_AUTH_TOKEN")
    if not token:
        print("RASA_AUTH_TOKEN is not set; the launcher (bot/launcher.py) provides it.", file=sys.stderr)
        return 2
    # TensorFlow's oneDNN kernels cost this server about 27 MB of memory, and a served model
    # predicts one message at a time (docs/performance.md); set it to 1 to have them back.
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    from rasa.core.run import serve_application
    from rasa.core.utils import AvailableEndpoints
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(logging.INFO, warn_only_once=True, filter_repeated_logs=True)
    configure_structlog(logging.INFO)  # as `rasa run` does; unconfigured, structlog prints every debug event
    from bot import rasa_changes

    rasa_changes.install()  # after Rasa's logging set-up, before the agent loads (bot.rasa_changes)
    endpoints = AvailableEndpoints.read_endpoints(args.endpoints)
    if endpoints.action is not None:
        endpoints.action.token = os.environ.get("ACTION_SERVER_TOKEN")
    serve_application(
        args.model, credentials=args.credentials, endpoints=endpoints,
        interface=bind_host(os.environ, "RASA_INTERFACE"), port=args.port,
        cors=args.cors, auth_token=token, enable_api=True,
        server_listeners=[(limit_request_size, "before_server_start")],
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
