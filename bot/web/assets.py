"""Where the widget's files live: its own sources and socket.io-client from node_modules.

socket.io-client is served straight from node_modules (installed by ``npm ci`` from
package-lock.json), so there is no built copy that could fall out of date.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict

WEB_DIR = Path(__file__).resolve().parent
WIDGET_DIR = WEB_DIR / "widget"
SITE_DIR = WEB_DIR / "site"
NODE_MODULES = WEB_DIR / "node_modules"
SOCKET_IO_CLIENT = NODE_MODULES / "socket.io-client" / "dist" / "socket.io.esm.min.js"
AXE_CORE = NODE_MODULES / "axe-core" / "axe.min.js"


class MissingNodeModules(RuntimeError):
    """node_modules was not installed; the message says how to install it."""


def widget_files() -> Dict[str, Path]:
    """The files a browser loads for the widget, by their name under /widget/."""
    if not SOCKET_IO_CLIENT.is_file():
        raise MissingNodeModules(
            f"{SOCKET_IO_CLIENT} is missing: run `npm ci` in {WEB_DIR} (or `make setup`)"
        )
    return {
        "widget.js": WIDGET_DIR / "widget.js",
        "widget.css": WIDGET_DIR / "widget.css",
        SOCKET_IO_CLIENT.name: SOCKET_IO_CLIENT,
    }
