"""Rasa SDK custom actions: thin adapters between the conversation and bot/.

Importing the package (the action server does it first) redacts the process's
logs (bot.log_privacy) and guards every action it registers (actions.guard).
"""
from actions import guard
from bot import log_privacy

log_privacy.install()
guard.install()
