"""Entry point for `python -m bot.triage`."""
import sys

from .cli import main

sys.exit(main())
