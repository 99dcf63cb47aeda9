"""A per-sender sliding-window rate limit, shared by the REST, socket.io and Telegram channels.

In memory per process: it protects one Rasa server from a flood by one sender; behind
several replicas each counts its own share (the proxy's limits are the outer wall).
"""
from __future__ import annotations

import os
import time
from collections import OrderedDict, deque
from typing import Callable, Deque, Mapping, Optional, Set

from bot.wording import ENGLISH, say

DEFAULT_PER_MINUTE = 60
POLITE_TEXT = say("too_fast", ENGLISH)  # in the patient's language where the channel knows it


class RateLimiter:
    """At most `limit` events per `window_s` per key; remembers at most `capacity` keys."""

    def __init__(self, limit: int, window_s: float = 60.0, capacity: int = 50_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.window_s, self.capacity, self.clock = limit, window_s, capacity, clock
        self._events: "OrderedDict[str, Deque[float]]" = OrderedDict()
        self._told: Set[str] = set()

    def allow(self, key: str) -> bool:
        """Count one event for key; False (not counted) when the key is over its limit."""
        now = self.clock()
        events = self._events.pop(key, None) or deque()
        while events and events[0] <= now - self.window_s:
            events.popleft()
        allowed = len(events) < self.limit
        if allowed:
            events.append(now)
            self._told.discard(key)
        self._events[key] = events
        while len(self._events) > self.capacity:
            self._events.popitem(last=False)
        return allowed

    def tell_once(self, key: str) -> bool:
        """True the first time a refused key asks, so a flood gets one polite answer, not one each."""
        if key in self._told or len(self._told) >= self.capacity:
            return False
        self._told.add(key)
        return True

    def retry_after(self, key: str) -> int:
        """Seconds until key may send again (at least 1)."""
        events = self._events.get(key)
        if not events:
            return 1
        return max(1, int(events[0] + self.window_s - self.clock()) + 1)


def sender_limiter(env: Optional[Mapping[str, str]] = None) -> RateLimiter:
    """The channels' limiter: SENDER_MESSAGES_PER_MINUTE (default 60) messages per minute."""
    env = os.environ if env is None else env
    return RateLimiter(int(env.get("SENDER_MESSAGES_PER_MINUTE") or DEFAULT_PER_MINUTE))
