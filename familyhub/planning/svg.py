"""Small server-drawn SVG pictures: a map from area centres, and bar charts (familyhub.core.charts).

No JavaScript and no outside library: the CSP forbids scripts from elsewhere, and a planner must be
able to print the page. Shapes carry the meaning as well as colour (circles are areas, squares are
sites; a filled square is a kept hub, a hollow one outreach) and every figure is also in a table.
"""

from __future__ import annotations

import math

from django.utils.html import escape
from django.utils.safestring import SafeString

from familyhub.core import charts

WIDTH, HEIGHT, PAD = 640, 480, 40


def area_map(areas: list[dict], sites: list[dict], *, title: str) -> SafeString | None:
    """Areas as circles sized by need, sites as squares. None when there are no coordinates."""
    placed = [a for a in areas if a.get("lat") is not None and a.get("lon") is not None]
    if not placed:
        return None
    points = placed + [s for s in sites if s.get("lat") is not None and s.get("lon") is not None]
    lats = [p["lat"] for p in points]
    lons = [p["lon"] for p in points]
    mid = math.radians(sum(lats) / len(lats))
    xs = [lon * math.cos(mid) for lon in lons]
    span = max(max(xs) - min(xs), max(lats) - min(lats)) or 1e-6
    scale = min(WIDTH, HEIGHT) - 2 * PAD

    def xy(lat: float, lon: float) -> tuple[float, float]:
        x = PAD + (lon * math.cos(mid) - min(xs)) / span * scale
        y = PAD + (max(lats) - lat) / span * scale
        return round(x, 1), round(y, 1)

    top_need = max((a.get("need") or 0) for a in placed) or 1
    parts = [
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff" stroke="#b1b4b6"/>',
    ]
    for a in placed:
        x, y = xy(a["lat"], a["lon"])
        r = 4 + 16 * math.sqrt(max(a.get("need") or 0, 0) / top_need)
        label = f"{a['name']}: need {a.get('need', 0):.1f}"
        parts.append(
            f'<circle cx="{x}" cy="{y}" r="{r:.1f}" fill="#1d70b8" fill-opacity="0.35" '
            f'stroke="#0b0c0c"><title>{escape(label)}</title></circle>'
        )
    for s in sites:
        if s.get("lat") is None or s.get("lon") is None:
            continue
        x, y = xy(s["lat"], s["lon"])
        kept = s.get("kept", True)
        label = f"{s['name']}: {'kept as hub' if kept else 'outreach'}"
        parts.append(
            f'<rect x="{x - 6}" y="{y - 6}" width="12" height="12" stroke="#0b0c0c" '
            f'stroke-width="2" fill="{"#0b0c0c" if kept else "#ffffff"}">'
            f"<title>{escape(label)}</title></rect>"
        )
        parts.append(
            f'<text x="{x + 9}" y="{y + 4}" font-size="11" font-family="Arial">{escape(s["name"])}</text>'
        )
    parts.append(
        '<g font-family="Arial" font-size="12">'
        '<circle cx="20" cy="20" r="7" fill="#1d70b8" fill-opacity="0.35" stroke="#0b0c0c"/>'
        '<text x="32" y="24">area (bigger = more need)</text>'
        '<rect x="214" y="14" width="12" height="12" fill="#0b0c0c"/>'
        '<text x="232" y="24">hub kept</text>'
        '<rect x="304" y="14" width="12" height="12" fill="#ffffff" stroke="#0b0c0c" stroke-width="2"/>'
        '<text x="322" y="24">outreach</text></g>'
    )
    return charts.figure(
        width=WIDTH,
        height=HEIGHT,
        title=title,
        description=(
            f"{len(placed)} areas as circles, bigger where the need is greater; the sites as "
            "squares, filled for a hub kept, hollow for outreach. The figures are in the tables."
        ),
        body=parts,
        css_class="fh-chart fh-chart--map",
    )


def bar_chart(
    rows: list[tuple[str, float]],
    *,
    title: str,
    axis_label: str,
    prefix: str = "",
    suffix: str = "",
    decimals: int = 1,
) -> SafeString:
    """Horizontal bars, each labelled with its name and its number (readable without colour)."""
    return charts.bar_chart(
        [label for label, _ in rows],
        [charts.Series(axis_label, [charts.Value(max(value, 0)) for _, value in rows])],
        title=title,
        x_label=axis_label,
        fmt=charts.number(decimals, prefix=prefix, suffix=suffix),
    )
