"""A horizontal bar chart drawn on the server as SVG: no JavaScript, no chart library.

Each bar carries its value as text beside it, so the chart reads without colour; the page shows
the same numbers as a table for screen readers and copying.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def bar_chart(
    rows: list[tuple[str, float | None]], *, title: str, maximum: float = 1.0, percent: bool = True
) -> SafeString:
    # Room for the longest label at about 7.5px a character (14px Arial), within reason.
    longest = max((len(label) for label, _ in rows), default=10)
    label_width = int(min(max(longest * 7.5 + 16, 120), 420))
    bar_width, row_height, top = 360, 28, 10
    height = top + row_height * len(rows) + 30
    width = label_width + bar_width + 80
    parts = [
        f'<svg class="fh-chart" role="img" aria-labelledby="chart-title" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="chart-title">{escape(title)}</title>',
    ]
    for tick in range(0, 5):
        x = label_width + bar_width * tick / 4
        parts.append(
            f'<line class="fh-chart__grid" x1="{x:.0f}" y1="{top}" x2="{x:.0f}" '
            f'y2="{height - 25}"/>'
        )
        tick_value = maximum * tick / 4
        text = f"{tick_value:.0%}" if percent else f"{tick_value:g}"
        parts.append(
            f'<text x="{x:.0f}" y="{height - 8}" text-anchor="middle">{escape(text)}</text>'
        )
    for i, (label, value) in enumerate(rows):
        y = top + i * row_height
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 18}" text-anchor="end">{escape(label)}</text>'
        )
        if value is None:
            parts.append(f'<text x="{label_width + 6}" y="{y + 18}">no places</text>')
            continue
        length = bar_width * min(value / maximum, 1.0) if maximum else 0
        parts.append(
            f'<rect class="fh-chart__bar" x="{label_width}" y="{y + 4}" '
            f'width="{length:.1f}" height="{row_height - 8}"/>'
        )
        text = f"{value:.0%}" if percent else f"{value:g}"
        parts.append(f'<text x="{label_width + length + 6:.1f}" y="{y + 18}">{escape(text)}</text>')
    parts.append(
        f'<line class="fh-chart__axis" x1="{label_width}" y1="{top}" x2="{label_width}" '
        f'y2="{height - 25}"/>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))
