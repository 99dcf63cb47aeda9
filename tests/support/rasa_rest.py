"""The one way tests and benchmarks talk to Rasa over HTTP: the REST channel and the tracker API,
both with the Rasa API token (bot/channels/rest.py refuses requests without it)."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

import requests


def post_message(rasa_url: str, token: str, sender: str, text: str, timeout: float = 60,
                 metadata: Optional[Dict[str, Any]] = None) -> requests.Response:
    """POST one message (and its metadata, if any) to the REST channel with the token as a Bearer
    header (status not checked)."""
    body: Dict[str, Any] = {"sender": sender, "message": text, **({"metadata": metadata} if metadata else {})}
    return requests.post(f"{rasa_url}/webhooks/rest/webhook", json=body,
                         headers={"Authorization": f"Bearer {token}"}, timeout=timeout)


def say(rasa_url: str, token: str, sender: str, text: str, timeout: float = 60,
        metadata: Optional[Dict[str, Any]] = None) -> List[Dict[str, Any]]:
    """The bot's replies to one message."""
    response = post_message(rasa_url, token, sender, text, timeout, metadata)
    response.raise_for_status()
    return response.json()


def tracker(rasa_url: str, token: str, sender: str, timeout: float = 30) -> Dict[str, Any]:
    response = requests.get(f"{rasa_url}/conversations/{sender}/tracker", params={"token": token}, timeout=timeout)
    response.raise_for_status()
    return response.json()
