"""A fake Telegram Bot API server: real aiohttp HTTP on loopback, in a thread of its own.

python-telegram-bot is pointed at it with ``base_url=f"{fake.base_url}"``. It records
every call (method, decoded parameters, arrival time), serves ``getUpdates`` from
a queue the test fills, answers like Telegram (``{"ok": true, "result": ...}`` with
complete objects) and can be told to fail a method with 429 + retry_after or 5xx.
It keeps the messages it sent, so editMessageReplyMarkup / editMessageText change
them as Telegram would (400 for an unknown message or an edit that changes nothing).
Tests run synchronously and talk to it through thread-safe methods.
"""
from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Tuple

from aiohttp import web

# The token and webhook secret tests/conftest.py gives the shared Rasa server.
TOKEN = "123456:TEST-TOKEN"
SECRET = "test-secret"
BOT_USER = {"id": 123456, "is_bot": True, "first_name": "Clinic Assistant", "username": "clinic_test_bot"}
MAX_LONG_POLL_SECONDS = 1.0
JSON_FIELDS = {"reply_markup", "allowed_updates", "commands", "entities", "link_preview_options"}


@dataclass
class Call:
    """One Bot API request as the fake received it."""

    method: str
    params: Dict[str, Any]
    result: Any = None
    at: float = field(default_factory=time.perf_counter)

    @property
    def chat_id(self) -> Optional[int]:
        value = self.params.get("chat_id")
        return int(value) if value is not None else None

    @property
    def keyboard(self) -> List[List[Dict[str, Any]]]:
        """The inline keyboard rows sent with this call, or []."""
        markup = self.params.get("reply_markup") or {}
        return markup.get("inline_keyboard", []) if isinstance(markup, dict) else []


@dataclass
class Failure:
    method: str
    status: int
    retry_after: Optional[int]
    remaining: int


class FakeBotApi:
    """Start with ``start()`` (or as a context manager); ``stop()`` when done."""

    def __init__(self, token: str = TOKEN, port: int = 0) -> None:
        self.token = token
        self.port = port
        self.calls: List[Call] = []
        self._failures: List[Failure] = []
        self._updates: List[Dict[str, Any]] = []
        self._messages: Dict[Tuple[int, int], Dict[str, Any]] = {}
        self._update_ids = itertools.count(1000)
        self._message_ids = itertools.count(1)
        self._changed = threading.Condition()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="fake-bot-api", daemon=True)
        self._runner: Optional[web.AppRunner] = None

    # -- lifecycle -------------------------------------------------------------------

    def start(self) -> "FakeBotApi":
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._serve(), self._loop).result(timeout=10)
        return self

    def stop(self) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(timeout=10)
        asyncio.run_coroutine_threadsafe(self._cancel_pending(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)

    @staticmethod
    async def _cancel_pending() -> None:
        """End handlers still waiting (a long poll), so no task is left to die at exit."""
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def __enter__(self) -> "FakeBotApi":
        return self.start()

    def __exit__(self, *_: Any) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    async def _serve(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]

    # -- test controls ---------------------------------------------------------------

    def fail(self, method: str, status: int, retry_after: Optional[int] = None, times: int = 1) -> None:
        """Answer the next ``times`` calls of ``method`` with an error (429 takes retry_after)."""
        with self._changed:
            self._failures.append(Failure(method, status, retry_after, times))

    def reset(self) -> None:
        """Forget recorded calls, pending failures and queued updates."""
        with self._changed:
            self.calls.clear()
            self._failures.clear()
            self._updates.clear()
            self._messages.clear()

    def queue_update(self, update: Dict[str, Any]) -> Dict[str, Any]:
        """Make ``update`` available to getUpdates; gives it an update_id if it has none."""
        with self._changed:
            update.setdefault("update_id", next(self._update_ids))
            self._updates.append(update)
        return update

    def calls_of(self, method: str, chat_id: Optional[int] = None) -> List[Call]:
        with self._changed:
            return [c for c in self.calls if c.method == method and (chat_id is None or c.chat_id == chat_id)]

    def wait_for(
        self, predicate: Callable[[List[Call]], bool], timeout: float = 10.0, what: str = "calls"
    ) -> List[Call]:
        """Block until predicate(all calls so far) holds; AssertionError after timeout."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not predicate(list(self.calls)):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"timed out waiting for {what}; got {[c.method for c in self.calls]}")
                self._changed.wait(remaining)
            return list(self.calls)

    def wait_for_calls(self, method: str, count: int = 1, timeout: float = 10.0, chat_id: Optional[int] = None) -> List[Call]:
        self.wait_for(
            lambda calls: sum(1 for c in calls if c.method == method and (chat_id is None or c.chat_id == chat_id)) >= count,
            timeout,
            f"{count} x {method}",
        )
        return self.calls_of(method, chat_id)

    # -- updates as Telegram would send them -------------------------------------------

    @staticmethod
    def chat(chat_id: int, chat_type: str = "private") -> Dict[str, Any]:
        if chat_type == "private":
            return {"id": chat_id, "type": "private", "first_name": "Pat"}
        return {"id": chat_id, "type": chat_type, "title": "Running club"}

    def message_update(self, chat_id: int, text: Optional[str] = None, chat_type: str = "private", **extra: Any) -> Dict[str, Any]:
        """An update with a new message; a leading /command gets its bot_command entity."""
        message: Dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self.chat(chat_id, chat_type),
            "from": {"id": abs(chat_id), "is_bot": False, "first_name": "Pat"},
            **extra,
        }
        if text is not None:
            message["text"] = text
            if text.startswith("/"):
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        return {"update_id": next(self._update_ids), "message": message}

    def callback_update(self, sent: Call, row: int = 0, column: int = 0, data: Optional[str] = None) -> Dict[str, Any]:
        """The update Telegram sends when the patient taps a button of the keyboard ``sent``
        (a sendMessage or an edit) carried; ``data`` replaces its callback data, as a
        patched client can. The message is the one tapped, as it is now."""
        message = sent.result
        with self._changed:
            current = self._messages.get((sent.chat_id, int(sent.params.get("message_id") or message["message_id"])))
        return {
            "update_id": next(self._update_ids),
            "callback_query": {
                "id": str(next(self._message_ids)),
                "from": {"id": sent.chat_id, "is_bot": False, "first_name": "Pat"},
                "chat_instance": "ci-1",
                "data": sent.keyboard[row][column]["callback_data"] if data is None else data,
                "message": dict(current) if current is not None else message,
            },
        }

    # -- the Bot API -------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        params = await _params(request)
        call = Call(method, params)
        failure = self._take_failure(method)
        if failure is not None:
            self._record(call)
            if failure.status == 429:
                return _error(429, "Too Many Requests: retry later", {"retry_after": failure.retry_after or 1})
            return _error(failure.status, "Internal Server Error")
        if method == "getUpdates":
            result: Any = await self._get_updates(params)
        else:
            try:
                result = self._result(method, params)
            except ApiError as refused:
                call.result = refused
                self._record(call)
                return _error(400, refused.description)
            if result is None:
                return _error(404, "Not Found: method not found")
        call.result = result
        self._record(call)
        return web.json_response({"ok": True, "result": result})

    def _take_failure(self, method: str) -> Optional[Failure]:
        with self._changed:
            for failure in self._failures:
                if failure.method == method and failure.remaining > 0:
                    failure.remaining -= 1
                    return failure
        return None

    def _record(self, call: Call) -> None:
        with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    async def _get_updates(self, params: Dict[str, Any]) -> List[Dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        wait = min(float(params.get("timeout") or 0), MAX_LONG_POLL_SECONDS)
        deadline = time.monotonic() + wait
        while True:
            with self._changed:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
                if self._updates or time.monotonic() >= deadline:
                    return list(self._updates[: int(params.get("limit") or 100)])
            await asyncio.sleep(0.02)

    def _result(self, method: str, params: Dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method in {"sendMessage", "sendPhoto"}:
            message = self._message(params)
            if method == "sendMessage":
                message["text"] = params["text"]
            else:
                message["photo"] = [{"file_id": "p1", "file_unique_id": "p1", "width": 90, "height": 90}]
            return message
        if method in {"editMessageReplyMarkup", "editMessageText"}:
            return self._edit(method, params)
        if method in {"answerCallbackQuery", "sendChatAction", "setWebhook", "deleteWebhook", "setMyCommands"}:
            return True
        return None

    def _message(self, params: Dict[str, Any]) -> Dict[str, Any]:
        chat_id = int(params["chat_id"])
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self.chat(chat_id, "private" if chat_id > 0 else "group"),
            "from": BOT_USER,
        }
        if _markup(params):
            message["reply_markup"] = params["reply_markup"]
        with self._changed:
            self._messages[(chat_id, message["message_id"])] = message
        return dict(message)

    def _edit(self, method: str, params: Dict[str, Any]) -> Dict[str, Any]:
        """Change a sent message; like Telegram, an edit without reply_markup drops the keyboard."""
        with self._changed:
            message = self._messages.get((int(params["chat_id"]), int(params["message_id"])))
            if message is None:
                raise ApiError("Bad Request: message to edit not found")
            edited = {key: value for key, value in message.items() if key != "reply_markup"}
            if method == "editMessageText":
                edited["text"] = params["text"]
            if _markup(params):
                edited["reply_markup"] = params["reply_markup"]
            if edited == message:
                raise ApiError("Bad Request: message is not modified")
            message.clear()
            message.update(edited)
            return dict(edited)

    def message(self, chat_id: int, message_id: int) -> Dict[str, Any]:
        """A sent message as it is now, after any edits."""
        with self._changed:
            return dict(self._messages[(chat_id, message_id)])


class ApiError(Exception):
    """A request Telegram would refuse with 400 Bad Request."""

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description


def _markup(params: Dict[str, Any]) -> bool:
    markup = params.get("reply_markup")
    return isinstance(markup, dict) and bool(markup.get("inline_keyboard"))


async def _params(request: web.Request) -> Dict[str, Any]:
    """Form fields (nested ones arrive as JSON strings) or a JSON body, decoded."""
    if request.content_type == "application/json":
        return dict(await request.json())
    params: Dict[str, Any] = dict(await request.post())
    for key in JSON_FIELDS & params.keys():
        params[key] = json.loads(params[key])
    return params


def _error(status: int, description: str, parameters: Optional[Dict[str, Any]] = None) -> web.Response:
    body: Dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=status)
