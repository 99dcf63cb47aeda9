"""The trackers a Rasa replica saved last, kept so that a conversation's next turn need not rebuild its tracker.

Rasa's SQL store rebuilds the tracker on every turn: it reads every event of the session,
parses its JSON and replays it, so a turn costs more the longer the conversation is
(docs/performance.md, "Turn 40 vs turn 2"). The tracker a replica has just saved holds
what the database holds, so the conversation's next turn can start from it, as long as
the database has not changed since.

Any replica still serves any turn: before a kept tracker is used, one indexed query reads
the sender's number of stored events and highest event id (the fingerprint), and any
difference from the fingerprint taken after the save (another replica saved a turn of
this conversation, its events were deleted or purged) means a full load, as Rasa does.
Stored events are never changed in place, and on PostgreSQL event ids only grow (a
sequence). SQLite may give a deleted highest id again; that would take another process
deleting and then writing the same conversation, and only one Rasa process uses SQLite
(`make run`).

On PostgreSQL the store (bot.tracker_store) first tries to bring a tracker that is only
behind up to date: when another replica served the turns since, and the events after the
kept highest id, counted with the kept ones, make the stored count, those newer events are
all that changed, and replaying them on the kept tracker is what a full load would give.
With several replicas behind a load balancer that alternates, this is the common case.

A kept tracker is lent once: taking it out for a turn removes it, and the turn's save puts
it back. A turn that fails before its save (its tracker changed, the database did not), or
a second reader of the same conversation at the same time, loads from the database.

A tracker is kept only if it holds one session's events, the same as the database's latest
session: a turn that starts a new session (the first turn, or after the session expired)
keeps nothing, and the next turn loads the new session from the database.

Lent trackers also tell the save how many of their events are stored already, which Rasa
asks the database on every save.
"""
from __future__ import annotations

import itertools
from collections import OrderedDict
from dataclasses import dataclass
from typing import Optional, Tuple

from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker

Fingerprint = Tuple[int, Optional[int]]
"""A sender's number of stored events (all sessions) and their highest id."""


@dataclass
class Kept:
    tracker: DialogueStateTracker
    stored: int
    """How many of the tracker's events, from the first, the database holds."""
    fingerprint: Fingerprint


class KeptTrackers:
    """Up to `size` trackers, the most recently saved ones, and the ones lent to a turn."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._kept: "OrderedDict[str, Kept]" = OrderedDict()
        self._lent: "OrderedDict[str, Kept]" = OrderedDict()

    def take(self, sender_id: str) -> Optional[Kept]:
        """The kept tracker of this sender and what the database held when it was saved, removed
        from the kept ones: the caller brings it up to date, or loads the tracker instead."""
        return self._kept.pop(sender_id, None)

    def lend(self, tracker: DialogueStateTracker, fingerprint: Fingerprint) -> None:
        """Note a tracker about to serve a turn, all of whose events are stored."""
        self._remember(self._lent, Kept(tracker, len(tracker.events), fingerprint))

    def stored_events(self, tracker: DialogueStateTracker) -> Optional[int]:
        """How many of this tracker's events are stored, if it is a lent one (else None: ask the database)."""
        kept = self._lent.get(tracker.sender_id)
        return kept.stored if kept is not None and kept.tracker is tracker else None

    def saved(self, tracker: DialogueStateTracker, fingerprint: Fingerprint) -> None:
        """Keep a tracker whose new events were just stored, if it was lent and began no new session."""
        lent = self._lent.pop(tracker.sender_id, None)
        self._kept.pop(tracker.sender_id, None)
        if lent is None or lent.tracker is not tracker:
            return
        new_events = itertools.islice(tracker.events, lent.stored, None)
        if any(isinstance(event, SessionStarted) for event in new_events):
            return
        self._remember(self._kept, Kept(tracker, len(tracker.events), fingerprint))

    def forget(self, sender_id: str) -> None:
        self._kept.pop(sender_id, None)
        self._lent.pop(sender_id, None)

    def __len__(self) -> int:
        return len(self._kept)

    def _remember(self, where: "OrderedDict[str, Kept]", kept: Kept) -> None:
        if self.size <= 0:
            return
        where[kept.tracker.sender_id] = kept
        where.move_to_end(kept.tracker.sender_id)
        while len(where) > self.size:
            where.popitem(last=False)
