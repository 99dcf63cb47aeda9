"""Rasa's Redis lock store with its ticket bookkeeping made atomic across replicas.

Rasa's RedisLockStore issues a ticket by reading the conversation's lock from Redis,
adding a ticket and writing it back. Two replicas given two messages of one conversation
at the same moment both read "no lock", both write a lock holding ticket 0, and both
process at once: one turn is then lost when their trackers are saved (3 pairs in 6 on
`make run-scaled` with Rasa's store, 1 December 2026; Rasa issue #9213). The check is
tests/scale/test_faults.py (test_two_replicas_given_one_conversation_at_once_take_turns).
Here every read-modify-write of a conversation's lock runs under a short Redis mutex (redis-py's Lock, SET NX with expiry),
so the tickets are issued one after the other and turns wait for each other as Rasa intends.
Configured in endpoints.yml by bot/launcher.py: redis_lock_store.
"""
from __future__ import annotations

from typing import Any, Optional, Text

import redis
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

MUTEX_SECONDS = 5.0


class AtomicRedisLockStore(RedisLockStore):
    """RedisLockStore whose ticket issue, update and clean-up are atomic (see module docstring)."""

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, **kwargs: Any) -> None:
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url, **endpoint_config.kwargs, **kwargs}
            kwargs.pop("type", None)
        super().__init__(**kwargs)

    def _mutex(self, conversation_id: Text) -> Any:
        return self.red.lock(f"{self.key_prefix}{conversation_id}:mutex", timeout=MUTEX_SECONDS,
                             blocking_timeout=MUTEX_SECONDS)

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        try:
            with self._mutex(conversation_id):
                return super().issue_ticket(conversation_id, lock_lifetime)
        except redis.RedisError as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from None

    def update_lock(self, conversation_id: Text) -> None:
        with self._mutex(conversation_id):
            super().update_lock(conversation_id)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        with self._mutex(conversation_id):
            super().cleanup(conversation_id, ticket_number)
