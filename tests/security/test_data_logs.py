"""bot.log_privacy through real logging and structlog as Rasa configures them: what a patient typed,
an exception's message and a token in a URL never reach the log file."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from bot.paths import REPO_ROOT
from tests.security.data_fixtures import canary_word

SCRIPT = textwrap.dedent("""
    import logging, sys
    import structlog
    from rasa.utils.log_utils import configure_structlog
    configure_structlog(logging.INFO)                 # as `rasa run` does, before our tracker store loads
    from bot import log_privacy
    log_privacy.install()
    word = sys.argv[1]
    structlogger = structlog.get_logger("rasa.core.channels.rest")
    try:
        raise ValueError(f"could not parse {word}")
    except ValueError:
        structlogger.exception("rest.message.received.failure", text=word)   # Rasa's REST channel
        logging.getLogger("bot.anything").exception("failed handling %s", "a turn")
    logging.getLogger("rasa.core.tracker_store").error(
        f"Error happened when trying to save conversation tracker to 'X'. Please investigate the following "
        f"error: (sqlite3.OperationalError) [SQL: INSERT ...] [parameters: ('{word}',)].")
    logging.getLogger("sanic.access").info(f"GET /conversations/a/tracker?token=secret{word} 200")
    logging.getLogger("bot.ok").info("booking %d stored for conversation %s", 7, "abc")
""")


def test_message_text_exceptions_and_tokens_are_withheld(tmp_path: Path):
    word = canary_word()
    result = subprocess.run([sys.executable, "-c", SCRIPT, word], cwd=REPO_ROOT, capture_output=True, text=True,
                            timeout=120)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    assert word not in output, output[-3000:]
    assert "rest.message.received.failure" in output and '"error": "ValueError"' in output
    assert "failed handling a turn [builtins.ValueError at <string>:" in output  # type and place, no message
    assert "Please investigate the following error: [withheld]" in output
    assert "token=[withheld]" in output
    assert "booking 7 stored for conversation abc" in output  # ordinary lines are left alone


def test_every_process_that_can_log_health_text_installs_the_redaction():
    """The entry points of the Rasa server (bot.rasa_changes, which its tracker store and bot.rasa_server
    install), action server, web, staff, notify and poller."""
    for path in ("bot/tracker_store.py", "bot/rasa_server.py"):
        assert "rasa_changes.install()" in (REPO_ROOT / path).read_text(), path
    for path in ("bot/rasa_changes.py", "actions/__init__.py", "bot/web/server.py", "bot/staff/cli.py",
                 "bot/notify/cli.py", "bot/channels/telegram/__main__.py"):
        assert "log_privacy.install()" in (REPO_ROOT / path).read_text(), path
