"""`python -m bot.web size`: the widget's gzipped weight, which must stay under 60 kB."""

from __future__ import annotations

import gzip
from typing import Dict

from bot.web.assets import widget_files

BUDGET_BYTES = 60 * 1024


def gzipped_sizes() -> Dict[str, int]:
    """Bytes after gzip -9 of each file the browser loads for the widget."""
    return {
        name: len(gzip.compress(path.read_bytes(), compresslevel=9))
        for name, path in widget_files().items()
    }


def report() -> str:
    """One line per file and the total against the budget."""
    sizes = gzipped_sizes()
    total = sum(sizes.values())
    lines = [f"{name:<28} {size / 1024:6.1f} kB gzipped" for name, size in sizes.items()]
    verdict = "within" if total <= BUDGET_BYTES else "OVER"
    lines.append(f"{'total':<28} {total / 1024:6.1f} kB gzipped ({verdict} the 60 kB budget)")
    return "\n".join(lines)
