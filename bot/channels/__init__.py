"""Rasa input channels: Telegram (python-telegram-bot) and the fixed socket.io channel used by the web widget."""
