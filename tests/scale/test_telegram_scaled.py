"""Telegram through `make run-scaled`'s one entry point: nginx in front of 2 Rasa replicas.

Telegram posts every update of every chat to one webhook URL, and nginx hands each POST to
the next replica, so one chat's turns land on different replicas. The conversation must go on
as with one server: the tracker is in PostgreSQL, the lock in Redis, and what a button means
in the callback file the replicas share under VAR_DIR. The Bot API is tests/telegram's fake
(real HTTP on loopback), which records every reply the replicas send.
"""
from __future__ import annotations

import secrets
import sys
import time
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import pytest

from bot.security.senders import telegram_sender
from tests.scale.stack import ScaledStack, scaled_stack, unavailable_reason, user_texts
from tests.security.conftest import user_messages
from tests.support import rasa_rest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "telegram"))  # the Telegram fakes, one copy

from tg_fake_api import SECRET, TOKEN, Call, FakeBotApi  # noqa: E402
from tg_patient import Patient, question, titles, webhook_sender  # noqa: E402

# func_only: the stack's start-up (bounded by Stack.start) is not counted against the test.
pytestmark = [pytest.mark.e2e, pytest.mark.timeout(240, func_only=True)]

TURN_SECONDS = 60.0  # a turn takes well under 5 s, even on a loaded 2-core machine
REPLICAS = ("rasa-1", "rasa-2")


@pytest.fixture
def fake_api() -> Iterator[FakeBotApi]:
    with FakeBotApi(TOKEN) as fake:
        yield fake


@pytest.fixture
def stack(tmp_path: Path, fake_api: FakeBotApi) -> Iterator[ScaledStack]:
    """Webhook mode, as Telegram is set up in production: no poller, the replicas reach the fake."""
    reason = unavailable_reason()
    if reason:
        pytest.skip(reason)
    telegram = {"TELEGRAM_TOKEN": TOKEN, "TELEGRAM_WEBHOOK_SECRET": SECRET,
                "TELEGRAM_API_BASE_URL": fake_api.base_url, "TELEGRAM_API_FILE_URL": fake_api.file_url}
    with scaled_stack(tmp_path, replicas=len(REPLICAS), extra_env=telegram) as running:
        yield running


class Chat(Patient):
    """tests/telegram's patient, whose turn is over once the tracker store holds its message: Rasa
    saves a turn after its last reply went out, so every reply has reached the fake by then (no
    quiet period to guess). Its updates go in through nginx, the one entry point."""

    def __init__(self, stack: ScaledStack, fake: FakeBotApi) -> None:
        chat_id = 900_000_000 + secrets.randbelow(10**8)  # unique: the Redis lock store may be shared
        super().__init__(fake, chat_id, webhook_sender(stack.url))
        self.stack = stack
        self.sender = telegram_sender(chat_id)
        self.turns: List[List[Call]] = []

    def slots(self) -> Dict[str, Any]:
        """Read from one replica directly (after a saved turn), so nginx's rotation sees only updates."""
        return rasa_rest.tracker(self.stack.replica_url(REPLICAS[0]), self.stack.token, self.sender)["slots"]

    def _turn(self, update: Dict[str, Any], timeout: float) -> List[Call]:
        before = len(self.messages())
        self.send(update)
        deadline = time.monotonic() + min(timeout, TURN_SECONDS)
        while user_messages(self.stack, self.sender) < len(self.turns) + 1:
            assert time.monotonic() < deadline, f"turn {len(self.turns) + 1} was not saved within {TURN_SECONDS:.0f} s"
            time.sleep(0.2)  # polling interval, bounded by the deadline above
        self.turns.append(self.messages()[before:])
        assert self.turns[-1], f"turn {len(self.turns)} was saved but no reply reached Telegram"
        return self.turns[-1]


def served_by(stack: ScaledStack, chat_id: int) -> Dict[str, int]:
    """How many of the chat's updates each replica handled (the channel logs one line per update)."""
    marker = f"telegram chat {chat_id}: "
    return {name: stack.service(name).log_path.read_text(errors="replace").count(marker) for name in REPLICAS}


def negative_answer(message: Call) -> Optional[str]:
    """"No" or "None of these" when offered (a tick would be no turn), else None: the first button."""
    return next((title for title in ("No", "None of these") if title in titles(message)), None)


def test_a_telegram_chat_goes_on_across_replicas_behind_nginx(stack: ScaledStack, fake_api: FakeBotApi) -> None:
    chat = Chat(stack, fake_api)

    consent = question(chat.say("/start"))
    after_start = chat.slots()
    first_question = question(chat.tap(consent))  # the first button gives consent
    after_consent = chat.slots()
    next_question = question(chat.tap(first_question, negative_answer(first_question)))
    after_answer = chat.slots()

    transcript = [(len(turn), [m.params["text"][:60] for m in turn]) for turn in chat.turns]
    assert consent.keyboard[0][0]["callback_data"] == '/answer{"q":"consent","value":true}', transcript
    assert chat.messages() == [message for turn in chat.turns for message in turn], "a reply out of turn"
    assert [m.at for m in chat.messages()] == sorted(m.at for m in chat.messages())
    # Each turn took up where the previous one had left the conversation, whichever replica served it.
    assert after_start["open_question"] == "consent", transcript
    assert after_consent["consent"] is True and after_consent["open_question"] not in (None, "consent"), transcript
    assert first_question.keyboard and first_question.params["text"] != consent.params["text"], transcript
    assert after_answer["open_question"] != after_consent["open_question"], transcript
    assert next_question.params["text"] != first_question.params["text"], transcript
    tracker = rasa_rest.tracker(stack.replica_url(REPLICAS[0]), stack.token, chat.sender)
    assert user_texts(tracker)[:2] == ["/greet", '/answer{"q":"consent","value":true}']
    assert len(user_texts(tracker)) == 3
    # Both taps were honoured (an unknown button is answered "expired", with a text), whichever replica
    # had sent the keyboard, and every turn was answered by exactly one replica: nginx took turns.
    answers = fake_api.calls_of("answerCallbackQuery")
    assert len(answers) == 2 and not any("text" in answer.params for answer in answers), answers
    served = served_by(stack, chat.chat_id)
    assert sum(served.values()) == 3 and all(served.values()), served
    assert fake_api.calls_of("setWebhook") == []  # webhook registration is `make telegram-webhook`'s alone
