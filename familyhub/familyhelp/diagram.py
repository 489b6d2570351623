"""The family network as a picture: the child in the middle, the network around them, a line to
each labelled with the relationship. Drawn on the server as inline SVG like core.charts (no
script, printable), named by a title and a description; the page lists the same people beside
it, which is what a screen reader or a phone uses. A member the family has not agreed may be
involved is drawn with a dashed line and a hollow circle (never colour alone)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from familyhub.core.charts import SECONDARY, TEXT, WHITE, shorten
from familyhub.familyhelp.selectors import NetworkRow

SIZE = 440
CENTRE = SIZE / 2
RADIUS = 150
BLUE = "#1d70b8"
FONT = 14


def _text(x: float, y: float, content: str, *, weight: str = "normal", size: float = FONT) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="middle" font-size="{size}" '
        f'font-weight="{weight}" fill="{TEXT}">{escape(content)}</text>'
    )


def network_svg(child_name: str, rows: Sequence[NetworkRow]) -> SafeString:
    """The diagram of the child's network (the rows as the viewer may see them)."""
    count = len(rows)
    title = f"Family network of {child_name}"
    desc = (
        f"{child_name} in the middle with {count} "
        f"{'person' if count == 1 else 'people'} in their family network around them: "
        + "; ".join(f"{shorten(r.label, 40)}, {r.record.relationship_words}" for r in rows)
        if rows
        else f"{child_name} has nobody recorded in their family network yet."
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SIZE} {SIZE}" width="100%" role="img" '
        f'aria-labelledby="fh-network-title fh-network-desc" class="fh-network-diagram" '
        f'font-family="Arial, sans-serif" data-testid="network-diagram">',
        f'<title id="fh-network-title">{escape(title)}</title>',
        f'<desc id="fh-network-desc">{escape(desc)}</desc>',
        f'<rect width="{SIZE}" height="{SIZE}" fill="{WHITE}"/>',
    ]
    nodes = []
    for index, row in enumerate(rows):
        angle = -math.pi / 2 + 2 * math.pi * index / max(count, 1)
        x = CENTRE + RADIUS * math.cos(angle)
        y = CENTRE + RADIUS * math.sin(angle)
        agreed = row.record.family_agrees
        dash = "" if agreed else ' stroke-dasharray="6 4"'
        parts.append(
            f'<line x1="{CENTRE}" y1="{CENTRE}" x2="{x:.1f}" y2="{y:.1f}" '
            f'stroke="{SECONDARY}" stroke-width="2"{dash}/>'
        )
        mid_x, mid_y = (CENTRE + x) / 2, (CENTRE + y) / 2
        relation = shorten(row.record.relationship_words, 22)
        parts.append(
            f'<rect x="{mid_x - 3.2 * len(relation) - 4:.1f}" y="{mid_y - 10:.1f}" '
            f'width="{6.4 * len(relation) + 8:.1f}" height="15" fill="{WHITE}"/>'
        )
        parts.append(_text(mid_x, mid_y + 1, relation, size=FONT - 1))
        fill = BLUE if agreed else WHITE
        nodes.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="9" fill="{fill}" stroke="{BLUE}" '
            f'stroke-width="2"/>'
        )
        below = y + 24 if y >= CENTRE - 1 else y - 15
        nodes.append(_text(x, below, shorten(row.label, 26), weight="bold"))
    parts.extend(nodes)
    parts.append(
        f'<circle cx="{CENTRE}" cy="{CENTRE}" r="46" fill="{WHITE}" stroke="{TEXT}" '
        f'stroke-width="3"/>'
    )
    parts.append(_text(CENTRE, CENTRE + 4, shorten(child_name, 12), weight="bold"))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text above is escaped)
