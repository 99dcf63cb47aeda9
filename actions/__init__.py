"""Rasa SDK custom actions: thin adapters between the conversation and bot/."""
