"""Everything this project changes in a running Rasa 3.6 process, installed in one call.

Rasa offers no hooks for these, so each module replaces a few of Rasa's names; each says
which and why:
- bot.log_privacy: no patient's words in any log record;
- bot.rasa_failures: a failed store, action call or lock is told to the patient, never hidden;
- bot.action_calls: the action server gets the current turn, and its answers' schema is checked once;
- bot.event_types: an event's class is looked up once per type name, not once per stored event;
- bot.model_loading: the model is loaded for prediction without tracing its training step.

Called by bot.rasa_server before the agent loads, and by our tracker store (bot.tracker_store)
so that Rasa's own commands (``rasa shell``, ``rasa test``) get the same.
"""
from __future__ import annotations


def install() -> None:
    """Install all of them (each is idempotent); the log filter first, before anything can log."""
    from bot import action_calls, event_types, log_privacy, model_loading, rasa_failures

    log_privacy.install()
    rasa_failures.install()
    action_calls.install()
    event_types.install()
    model_loading.install()
