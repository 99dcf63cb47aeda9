import sys

from bot.notify.cli import main

sys.exit(main())
