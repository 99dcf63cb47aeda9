"""Server-rendered SVG bar charts for the staff pages: no script, nothing fetched, readable without colour."""
from __future__ import annotations

from typing import Optional, Sequence, Tuple

from markupsafe import Markup, escape

BAR_HEIGHT, GAP, LABEL_WIDTH, BAR_AREA, VALUE_WIDTH = 22, 6, 220, 380, 110


def bar_chart(title: str, bars: Sequence[Tuple[str, float, Optional[str]]], maximum: Optional[float] = None) -> Markup:
    """Horizontal bars: (label, value, text shown after the bar, default the value)."""
    top = max([value for _, value, _ in bars] + [maximum or 0, 1e-9])
    height = len(bars) * (BAR_HEIGHT + GAP) + GAP
    width = LABEL_WIDTH + BAR_AREA + VALUE_WIDTH
    rows = []
    for index, (label, value, shown) in enumerate(bars):
        y = GAP + index * (BAR_HEIGHT + GAP)
        length = BAR_AREA * value / top
        text_y = y + BAR_HEIGHT * 0.7
        rows.append(
            f'<g class="bar"><text x="{LABEL_WIDTH - 8}" y="{text_y:.1f}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" height="{BAR_HEIGHT}" fill="#1f4e79">'
            f'<title>{escape(label)}: {escape(shown if shown is not None else f"{value:g}")}</title></rect>'
            f'<text x="{LABEL_WIDTH + length + 6:.1f}" y="{text_y:.1f}" class="value">'
            f'{escape(shown if shown is not None else f"{value:g}")}</text></g>'
        )
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(title)}" class="chart" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="system-ui, sans-serif" '
        f'font-size="13"><title>{escape(title)}</title>{"".join(rows)}</svg>'
    )
