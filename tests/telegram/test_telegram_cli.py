"""The command line: set-webhook, and poll feeding Rasa's REST channel (scripted agent)."""
from __future__ import annotations

from pathlib import Path

from tg_channel_host import ChannelHost
from tg_fake_api import SECRET, FakeBotApi
from tg_patient import Patient
from tg_poller import cli_env, run_cli, running_poller

from bot.channels.telegram.handlers import ALLOWED_UPDATES
from bot.channels.telegram.settings import TelegramSettings
from bot.security.senders import telegram_sender

CHAT = 31337
SENDER = telegram_sender(CHAT)
MENU = ["start", "start_over", "forget", "help"]


def test_set_webhook_registers_the_url_the_secret_and_the_menu(fake_api: FakeBotApi, tmp_path: Path) -> None:
    result = run_cli(["set-webhook", "https://bot.example.org"], cli_env(fake_api, tmp_path))

    assert result.returncode == 0, result.stderr
    hook = fake_api.calls_of("setWebhook")[0].params
    assert hook["url"] == "https://bot.example.org/webhooks/telegram/webhook"
    assert hook["secret_token"] == SECRET
    assert hook["allowed_updates"] == ALLOWED_UPDATES
    english, spanish = (call.params for call in fake_api.calls_of("setMyCommands"))
    assert [c["command"] for c in english["commands"]] == MENU and "language_code" not in english
    assert [c["command"] for c in spanish["commands"]] == MENU and spanish["language_code"] == "es"
    assert [c["description"] for c in spanish["commands"]] == [
        "Empezar la revisión del dolor y de los pies", "Empezar de nuevo", "Borrar lo que me ha contado",
        "Lo que puedo hacer"]


def test_set_webhook_refuses_a_secret_telegram_would_reject(fake_api: FakeBotApi, tmp_path: Path) -> None:
    result = run_cli(["set-webhook", "https://bot.example.org"], cli_env(fake_api, tmp_path, TELEGRAM_WEBHOOK_SECRET="has spaces"))

    assert result.returncode == 2
    assert "TELEGRAM_WEBHOOK_SECRET" in result.stderr
    assert fake_api.calls == []


def test_poll_without_a_token_says_what_to_set(fake_api: FakeBotApi, tmp_path: Path) -> None:
    result = run_cli(["poll"], cli_env(fake_api, tmp_path, TELEGRAM_TOKEN=""))

    assert result.returncode == 2
    assert "TELEGRAM_TOKEN" in result.stderr


def test_the_poller_forwards_to_rasa_rest_and_answers_taps(
    settings: TelegramSettings, fake_api: FakeBotApi, tmp_path: Path
) -> None:
    with ChannelHost(settings) as host:
        env = cli_env(fake_api, tmp_path, RASA_URL=host.url)
        with running_poller(env, fake_api, tmp_path / "poller.log"):
            patient = Patient(fake_api, CHAT, fake_api.queue_update, quiet=0.5)
            consent = patient.say("/start")[-1]
            location = patient.tap(consent)[-1]

    assert host.agent.received == [(SENDER, "/greet", "telegram"), (SENDER, "/affirm", "telegram")]
    assert consent.keyboard[0][0] == {"text": "Yes", "callback_data": "/affirm"}
    assert location.params["text"] == "Where is the pain?"
    assert len(fake_api.calls_of("answerCallbackQuery")) == 1
    assert len(fake_api.calls_of("editMessageReplyMarkup", CHAT)) == 1
    assert fake_api.calls_of("deleteWebhook")
    assert [c["command"] for c in fake_api.calls_of("setMyCommands")[0].params["commands"]] == MENU
