"""Rate limiting and retries for every Bot API call the channel makes.

python-telegram-bot's AIORateLimiter needs the extra ``aiolimiter`` package and
retries only flood-control errors, so the channel plugs this small limiter into
``ExtBot`` instead: one token bucket for the bot-wide limit (about 30 messages a
second) and retries with capped exponential back-off for 429 (waiting the
``retry_after`` Telegram asks for), 5xx and network errors. Client errors
(400 Bad Request, 403 Forbidden, 401/404 bad token) are never retried.

A call may pass ``rate_limit_args={"max_retries": 0}`` for cosmetic requests
(the "typing…" action) that are not worth waiting for.
"""
from __future__ import annotations

import asyncio
import datetime as dtm
import logging
import random
import time
import warnings
from dataclasses import dataclass
from typing import Any, Callable, Coroutine, Dict, List, Optional, Union

from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

logger = logging.getLogger(__name__)

JSONDict = Dict[str, Any]
RateLimitArgs = Dict[str, int]


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try: attempts after the first, back-off base and cap, longest 429 wait."""

    max_retries: int = 4
    base_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0

    def backoff(self, attempt: int) -> float:
        """Exponential delay for the given retry (0-based), capped, with a little jitter."""
        delay = min(self.max_delay, self.base_delay * (2**attempt))
        return delay * random.uniform(0.8, 1.0)


# PTB 22 warns on every RetryAfter that retry_after will become a timedelta; handled below.
warnings.filterwarnings("ignore", message=".*`retry_after` will be of type", category=PTBDeprecationWarning)


def retry_after_seconds(error: RetryAfter) -> float:
    """Telegram's requested wait, whether PTB hands it over as int or timedelta."""
    value = error.retry_after
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


class TokenBucket:
    """At most ``rate`` acquisitions per second on average, bursts up to ``capacity``."""

    def __init__(self, rate: float, capacity: float) -> None:
        self._rate = rate
        self._capacity = capacity
        self._tokens = capacity
        self._updated = time.monotonic()
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        async with self._lock:
            while True:
                now = time.monotonic()
                self._tokens = min(self._capacity, self._tokens + (now - self._updated) * self._rate)
                self._updated = now
                if self._tokens >= 1:
                    self._tokens -= 1
                    return
                await asyncio.sleep((1 - self._tokens) / self._rate)


class RetryingRateLimiter(BaseRateLimiter[RateLimitArgs]):
    """Bot-wide rate limit plus retries with back-off; plugged into ``ExtBot``."""

    def __init__(
        self,
        policy: RetryPolicy = RetryPolicy(),
        messages_per_second: float = 30.0,
    ) -> None:
        self._policy = policy
        self._messages_per_second = messages_per_second
        self._bucket: Optional[TokenBucket] = None

    async def initialize(self) -> None:
        """Nothing to set up: the bucket is created on first use, inside the running loop."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Union[bool, JSONDict, List[JSONDict]]]],
        args: Any,
        kwargs: Dict[str, Any],
        endpoint: str,
        data: Dict[str, Any],
        rate_limit_args: Optional[RateLimitArgs],
    ) -> Union[bool, JSONDict, List[JSONDict]]:
        if self._bucket is None:
            self._bucket = TokenBucket(self._messages_per_second, self._messages_per_second)
        max_retries = (rate_limit_args or {}).get("max_retries", self._policy.max_retries)
        attempt = 0
        while True:
            await self._bucket.acquire()
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                delay = retry_after_seconds(error)
                if attempt >= max_retries or delay > self._policy.max_retry_after:
                    logger.error("telegram %s: flood control, giving up (retry_after=%.0fs)", endpoint, delay)
                    raise
            except BadRequest:
                raise
            except NetworkError as error:
                if attempt >= max_retries:
                    logger.error("telegram %s: %s, giving up after %d retries", endpoint, type(error).__name__, attempt)
                    raise
                delay = self._policy.backoff(attempt)
            attempt += 1
            logger.warning("telegram %s: retry %d/%d in %.2fs", endpoint, attempt, max_retries, delay)
            await asyncio.sleep(delay)
