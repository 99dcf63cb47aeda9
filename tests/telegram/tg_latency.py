"""Median latency from POSTing a webhook update to the fake Bot API receiving sendMessage.

Used by test_telegram_e2e.py (which prints the figure) and runnable on its own
against a Rasa server started with TELEGRAM_API_BASE_URL=http://127.0.0.1:PORT/bot:

    .venv/bin/python tests/telegram/tg_latency.py --rasa-url http://127.0.0.1:5005 --port 8765

Each update is "/start" from a new chat; the clock stops at the first sendMessage.
For comparison it also times the same first message over Rasa's REST channel.
"""
from __future__ import annotations

import argparse
import os
import statistics
import time
from typing import List

import requests
from tg_fake_api import SECRET, TOKEN, FakeBotApi

from tests.support.rasa_rest import post_message

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
WEBHOOK = "Telegram webhook update -> first sendMessage"
REST = "REST /greet -> whole reply (no Telegram)"


def measure_webhook_latency(
    fake: FakeBotApi, rasa_url: str, secret: str, count: int = 30, first_chat: int = 9_100_000
) -> List[float]:
    """Milliseconds from each POST to the first sendMessage for its chat, one update at a time."""
    latencies = []
    for chat_id in range(first_chat, first_chat + count):
        update = fake.message_update(chat_id, "/start")
        started = time.perf_counter()
        reply = requests.post(
            f"{rasa_url}/webhooks/telegram/webhook", json=update, headers={SECRET_HEADER: secret}, timeout=30
        )
        reply.raise_for_status()
        first = fake.wait_for_calls("sendMessage", 1, timeout=60, chat_id=chat_id)[0]
        latencies.append((first.at - started) * 1000)
    return latencies


def measure_rest_latency(rasa_url: str, token: str, count: int = 30, first_sender: int = 9_200_000) -> List[float]:
    """The same first message over Rasa's REST channel, for comparison (whole reply, no Telegram)."""
    latencies = []
    for sender in range(first_sender, first_sender + count):
        started = time.perf_counter()
        reply = post_message(rasa_url, token, f"latency-{sender}", "/greet")
        reply.raise_for_status()
        latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def summary(what: str, latencies: List[float]) -> str:
    ordered = sorted(latencies)
    p90 = ordered[int(0.9 * (len(ordered) - 1))]
    return (
        f"{what} over {len(ordered)} messages: median {statistics.median(ordered):.0f} ms, "
        f"p90 {p90:.0f} ms, min {ordered[0]:.0f} ms, max {ordered[-1]:.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rasa-url", default="http://127.0.0.1:5005")
    parser.add_argument("--port", type=int, required=True, help="the port in the server's TELEGRAM_API_BASE_URL")
    parser.add_argument("--token", default=TOKEN)
    parser.add_argument("--secret", default=SECRET)
    parser.add_argument("--count", type=int, default=30)
    parser.add_argument("--rasa-token", default=os.environ.get("RASA_AUTH_TOKEN", ""), help="default: $RASA_AUTH_TOKEN")
    args = parser.parse_args()
    with FakeBotApi(args.token, args.port) as fake:
        rasa_url = args.rasa_url.rstrip("/")
        print(summary(WEBHOOK, measure_webhook_latency(fake, rasa_url, args.secret, args.count)))
        print(summary(REST, measure_rest_latency(rasa_url, args.rasa_token, args.count)))


if __name__ == "__main__":
    main()
