"""Keep patients' words out of the logs of every process: one `install()` per process.

What patients type reaches log lines through other people's code: Rasa's REST
channel logs the whole message when processing fails (`rest.message.received.failure`
and `.timeout`, structlog key `text`), its FailSafe tracker store logs the
database error, and an exception's own message can quote a database statement's
values or a tracker. `install()` rewrites such records before any handler sees
them (a log record factory, so it works whatever handlers are set up later) and,
when structlog is configured (the Rasa server), drops message-bearing keys first.
Our own code logs ids, counts and exception type names only; the database
engines also run with `hide_parameters=True` (bot.storage.engine, bot.tracker_store).
"""
from __future__ import annotations

import logging
import re
import sys
from typing import Any, Callable, MutableMapping, Optional

REDACTED = "[withheld]"
# structlog keys that carry what a patient typed or what the assistant knows about them.
MESSAGE_KEYS = frozenset({"text", "message", "user_message", "parse_data", "tracker", "events", "slots", "metadata"})
_TOKEN = re.compile(r"((?:[?&]|\b)(?:token|secret|password)=)[^&\s\"']+", re.IGNORECASE)
# Rasa's FailSafeTrackerStore ends its error line with the database error itself.
_STORE_ERROR = re.compile(r"(Please investigate the following error:).*", re.DOTALL)

_installed = False


def redact_text(text: str) -> str:
    """A log line with secrets in URLs and the quoted store error withheld."""
    return _STORE_ERROR.sub(rf"\1 {REDACTED}", _TOKEN.sub(rf"\1{REDACTED}", text))


def redact_record(record: logging.LogRecord) -> logging.LogRecord:
    """Rewrite one record in place: message formatted and redacted, exception reduced to its type.

    Any exception's message may quote a message, a tracker or a statement's values,
    so tracebacks give way to the type and the innermost file and line.
    """
    try:
        message = record.getMessage()
    except Exception:  # a broken format string: keep the template, never the arguments
        message = str(record.msg)
    record.msg, record.args = redact_text(message), None
    if record.exc_info and record.exc_info[0] is not None:
        error_type = record.exc_info[0]
        where = _raised_at(record.exc_info[2])
        record.msg = f"{record.msg} [{error_type.__module__}.{error_type.__qualname__}{where}; details withheld]"
        record.exc_info, record.exc_text = None, None
    return record


def _raised_at(traceback: Any) -> str:
    """' at file:line' of the innermost frame: enough to find the bug, no values."""
    if traceback is None:
        return ""
    while traceback.tb_next is not None:
        traceback = traceback.tb_next
    code = traceback.tb_frame.f_code
    return f" at {code.co_filename.rsplit('/', 1)[-1]}:{traceback.tb_lineno}"


def structlog_redactor(_logger: Any, _method: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """structlog processor: message-bearing keys withheld, exceptions reduced to their type."""
    for key in MESSAGE_KEYS & event_dict.keys():
        event_dict[key] = REDACTED
    exc_info = event_dict.pop("exc_info", None)
    if exc_info:
        if isinstance(exc_info, BaseException):
            error: Optional[BaseException] = exc_info
        else:
            error = (exc_info if isinstance(exc_info, tuple) else sys.exc_info())[1]
        event_dict["error"] = type(error).__name__ if error is not None else "exception"
    return event_dict


def _install_structlog() -> None:
    try:
        import structlog
    except ImportError:
        return
    processors = list(structlog.get_config().get("processors", []))
    if structlog_redactor not in processors:
        structlog.configure(processors=[structlog_redactor, *processors])


def install() -> None:
    """Redact every log record this process makes from now on (idempotent)."""
    global _installed
    _install_structlog()  # again on each call: Rasa may configure structlog after our first call
    if _installed:
        return
    make_record: Callable[..., logging.LogRecord] = logging.getLogRecordFactory()

    def redacting_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return redact_record(make_record(*args, **kwargs))

    logging.setLogRecordFactory(redacting_factory)
    _installed = True
