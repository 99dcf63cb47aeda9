"""Login throttling: after 5 failures in 15 minutes for an account or from an address, 429 until the oldest expires.

Kept in the staff process's memory (one staff server per clinic): a restart
forgets the counts, which costs an attacker a restart they cannot cause.
Successful logins do not clear an address's failures, so guessing across
accounts from one address is bounded too.
"""
from __future__ import annotations

import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Callable, Deque, Dict, Iterable

MAX_FAILURES = 5
WINDOW_S = 15 * 60.0


@dataclass
class LoginThrottle:
    max_failures: int = MAX_FAILURES
    window_s: float = WINDOW_S
    clock: Callable[[], float] = time.monotonic
    _failures: Dict[str, Deque[float]] = field(default_factory=lambda: defaultdict(deque))

    def _recent(self, key: str) -> Deque[float]:
        failures, horizon = self._failures[key], self.clock() - self.window_s
        while failures and failures[0] <= horizon:
            failures.popleft()
        if not failures:
            del self._failures[key]
            return deque()
        return failures

    def retry_after(self, keys: Iterable[str]) -> int:
        """Seconds until a login for these keys is accepted again; 0 when it may be tried now."""
        waits = [failures[0] + self.window_s - self.clock() for failures in map(self._recent, keys)
                 if len(failures) >= self.max_failures]
        return max(1, int(max(waits)) + 1) if waits else 0

    def failed(self, keys: Iterable[str]) -> None:
        for key in keys:
            self._failures[key].append(self.clock())

    def succeeded(self, account_key: str) -> None:
        self._failures.pop(account_key, None)


def keys_for(username: str, address: str) -> tuple:
    """The two counters a login attempt counts against: its account and its client address."""
    return (f"account:{username.strip().lower()}", f"address:{address}")
