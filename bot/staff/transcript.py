"""A conversation's transcript, read from Rasa's tracker API (the tracker store is Rasa's).

If Rasa is down or refuses, the booking page still renders with a note; nothing
of the conversation is logged.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import List, Optional
from urllib.parse import quote

import aiohttp

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Line:
    speaker: str  # "patient" or "bot"
    text: str
    at: Optional[datetime]


@dataclass(frozen=True)
class Transcript:
    lines: List[Line] = field(default_factory=list)
    note: Optional[str] = None  # why there are no lines, for the page


def _lines(tracker: dict) -> List[Line]:
    lines = []
    for event in tracker.get("events") or []:
        speaker = {"user": "patient", "bot": "bot"}.get(event.get("event"))
        if speaker and event.get("text"):
            stamp = event.get("timestamp")
            at = datetime.fromtimestamp(stamp, timezone.utc) if isinstance(stamp, (int, float)) else None
            lines.append(Line(speaker, event["text"], at))
    return lines


async def fetch_transcript(
    rasa_url: str, token: Optional[str], conversation_id: Optional[str], timeout_s: float = 3.0
) -> Transcript:
    """GET {rasa_url}/conversations/{id}/tracker?token=… and keep the patient's and the bot's texts."""
    if not conversation_id:
        return Transcript(note="No conversation is linked to this booking (or it was forgotten on request).")
    url = f"{rasa_url.rstrip('/')}/conversations/{quote(conversation_id, safe='')}/tracker"
    params = {"token": token} if token else {}
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout_s)) as http:
            async with http.get(url, params=params) as response:
                if response.status != 200:
                    log.warning("transcript: Rasa answered HTTP %d", response.status)
                    return Transcript(note=f"The chat transcript is unavailable (Rasa answered HTTP {response.status}).")
                tracker = await response.json(content_type=None)
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
        log.warning("transcript: Rasa unreachable (%s)", type(error).__name__)
        return Transcript(note=f"The chat transcript is unavailable: the Rasa server at {rasa_url} did not answer.")
    lines = _lines(tracker if isinstance(tracker, dict) else {})
    return Transcript(lines=lines, note=None if lines else "The conversation has no messages.")
