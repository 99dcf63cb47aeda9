"""Command line: `python -m bot.web serve [--host H] [--port P]` and `python -m bot.web size`."""

from __future__ import annotations

import argparse
import os
import sys

from bot.web.assets import MissingNodeModules


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.web")
    commands = parser.add_subparsers(dest="command", required=True)
    serve_parser = commands.add_parser("serve", help="serve the demo page and the widget")
    serve_parser.add_argument("--host", default=os.environ.get("WEB_HOST", "127.0.0.1"))
    serve_parser.add_argument("--port", type=int, default=int(os.environ.get("WEB_PORT", "8080")))
    commands.add_parser("size", help="print the widget's gzipped size")
    args = parser.parse_args(argv)
    try:
        if args.command == "serve":
            from bot.web.server import serve

            serve(args.host, args.port)
        else:
            from bot.web.size import BUDGET_BYTES, gzipped_sizes, report

            print(report())
            return 0 if sum(gzipped_sizes().values()) <= BUDGET_BYTES else 1
    except MissingNodeModules as error:
        print(error, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
