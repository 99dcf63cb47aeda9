"""The clinic's funnel: conversations started → consent → disposition → booking offered → booked → attended.

The first four stages and the drop-off per question come from Rasa's tracker
store (its SQL `events` table, read only): user events give the channel and the
start, slot events `consent`, `disposition` and `open_question`, action events
the booking offer. Booked and attended come from the clinic database, joined on
the conversation id. A conversation counts in the week (clinic time, from Monday)
in which it started. Only counts leave this module: no message text is read.
"""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import Any, Dict, Iterable, List, Optional, Set

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.clinic import Clinic
from bot.paths import tracker_db_url
from bot.staff.charts import bar_chart
from bot.storage.models import ATTENDED, Booking

STAGES = ("started", "consented", "offered", "booked", "attended")
OFFER_ACTIONS = ("utter_offer_booking", "booking_form")  # offered, or asked to book and got the form
CLEARING_EVENTS = ("restart", "reset_slots")  # a new session keeps its slots (carry-over)
EVENTS = sa.table("events", sa.column("id", sa.Integer), sa.column("sender_id", sa.String),
                  sa.column("type_name", sa.String), sa.column("timestamp", sa.Float),
                  sa.column("action_name", sa.String), sa.column("data", sa.Text))


@dataclass
class Conversation:
    """What one conversation reached, as far as the tracker store tells."""

    sender_id: str
    started_at: datetime
    channel: str = "unknown"
    consented: bool = False
    disposition: Optional[str] = None
    offered: bool = False
    open_question: Optional[str] = None


@dataclass
class Stages:
    started: int = 0
    consented: int = 0
    disposition: Dict[str, int] = field(default_factory=dict)
    offered: int = 0
    booked: int = 0
    attended: int = 0

    def add(self, conversation: Conversation, booked: bool, attended: bool) -> None:
        self.started += 1
        self.consented += conversation.consented
        if conversation.disposition:
            self.disposition[conversation.disposition] = self.disposition.get(conversation.disposition, 0) + 1
        self.offered += conversation.offered
        self.booked += booked
        self.attended += attended

    def as_dict(self) -> Dict[str, Any]:
        return {"started": self.started, "consented": self.consented, "disposition": dict(sorted(
            self.disposition.items())), "offered": self.offered, "booked": self.booked, "attended": self.attended}


@lru_cache(maxsize=4)
def tracker_engine(url: str) -> Engine:
    """One engine per tracker-store URL for the staff process."""
    return sa.create_engine(url, future=True, hide_parameters=True)


def _slot(data: Dict[str, Any], conversation: Conversation) -> None:
    name, value = data.get("name"), data.get("value")
    if name == "consent" and value is True:
        conversation.consented = True
    elif name == "disposition" and value:
        conversation.disposition = str(value)
    elif name == "open_question":
        conversation.open_question = str(value) if value else None


def read_conversations(engine: Engine, start: datetime, end: datetime) -> List[Conversation]:
    """Conversations whose first event lies in [start, end), replayed from their stored events."""
    first = sa.func.min(EVENTS.c.timestamp)
    senders = (sa.select(EVENTS.c.sender_id).group_by(EVENTS.c.sender_id)
               .having(sa.and_(first >= start.timestamp(), first < end.timestamp())))
    query = (sa.select(EVENTS.c.sender_id, EVENTS.c.type_name, EVENTS.c.timestamp, EVENTS.c.action_name,
                       EVENTS.c.data)
             .where(EVENTS.c.sender_id.in_(senders),
                    EVENTS.c.type_name.in_(("user", "slot", "action") + CLEARING_EVENTS))
             .order_by(EVENTS.c.sender_id, EVENTS.c.id))
    conversations: Dict[str, Conversation] = {}
    with engine.connect() as connection:
        for sender, kind, stamp, action, data in connection.execute(query):
            conversation = conversations.get(sender)
            if conversation is None:
                conversation = conversations[sender] = Conversation(
                    sender, datetime.fromtimestamp(stamp or 0, timezone.utc))
            if kind == "user":
                conversation.channel = json.loads(data or "{}").get("input_channel") or conversation.channel
            elif kind == "slot":
                _slot(json.loads(data or "{}"), conversation)
            elif kind == "action" and action in OFFER_ACTIONS:
                conversation.offered = True
            elif kind in CLEARING_EVENTS:
                conversation.open_question = None
    return list(conversations.values())


def _booked_and_attended(session: Session, senders: Iterable[str]) -> tuple:
    booked: Set[str] = set()
    attended: Set[str] = set()
    for conversation_id, attendance in session.execute(
        sa.select(Booking.conversation_id, Booking.attendance).where(Booking.conversation_id.in_(list(senders)))
    ):
        booked.add(conversation_id)
        if attendance == ATTENDED:
            attended.add(conversation_id)
    return booked, attended


def week_of(clinic: Clinic, moment: datetime) -> str:
    """The Monday (clinic time) of the moment's week, as YYYY-MM-DD."""
    day = clinic.local(moment).date()
    return (day - timedelta(days=day.weekday())).isoformat()


def funnel(session: Session, clinic: Clinic, conversations: List[Conversation]) -> Dict[str, Any]:
    """Stage counts overall, per channel and per week, and the drop-off per open question."""
    booked, attended = _booked_and_attended(session, [c.sender_id for c in conversations])
    total, channels, weeks = Stages(), defaultdict(Stages), defaultdict(Stages)
    for conversation in conversations:
        flags = (conversation.sender_id in booked, conversation.sender_id in attended)
        for stages in (total, channels[conversation.channel], weeks[week_of(clinic, conversation.started_at)]):
            stages.add(conversation, *flags)
    drop_off = Counter(c.open_question for c in conversations if c.open_question)
    return {**total.as_dict(), "drop_off": dict(drop_off.most_common()),
            "by_channel": {name: s.as_dict() for name, s in sorted(channels.items())},
            "by_week": {week: s.as_dict() for week, s in sorted(weeks.items())}}


def funnel_between(session: Session, clinic: Clinic, tracker_url: str, start: datetime, end: datetime) -> Dict[str, Any]:
    """The funnel of the conversations started in [start, end) ("" = the default tracker store)."""
    return funnel(session, clinic, read_conversations(tracker_engine(tracker_url or tracker_db_url()), start, end))


def stage_bars(stages: Dict[str, Any]) -> List[tuple]:
    """The funnel as bars, each with its share of the conversations started."""
    started = stages["started"] or 1
    bars = [("Conversations started", stages["started"]), ("Consented", stages["consented"])]
    bars += [(f"Outcome: {name.replace('_', ' ')}", n) for name, n in stages["disposition"].items()]
    bars += [("Booking offered", stages["offered"]), ("Booked", stages["booked"]), ("Attended", stages["attended"])]
    return [(label, n, f"{n} ({100 * n / started:.0f}%)") for label, n in bars]


def funnel_charts(counts: Dict[str, Any]) -> Dict[str, Any]:
    """SVG charts for the funnel page: overall, per channel, per week, drop-off."""
    return {
        "overall": bar_chart("Funnel, all channels", stage_bars(counts)),
        "channels": {name: bar_chart(f"Funnel, {name}", stage_bars(stages), counts["started"])
                     for name, stages in counts["by_channel"].items()},
        "weeks": bar_chart("Conversations started per week (booked in brackets)", [
            (f"Week of {week}", s["started"], f"{s['started']} ({s['booked']} booked)")
            for week, s in counts["by_week"].items()]),
        "drop_off": bar_chart("Conversations that ended with this question open", [
            (question, n, None) for question, n in counts["drop_off"].items()]),
    }
