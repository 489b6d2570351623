"""Small SVG charts drawn on the server: no JavaScript, no CDN. Readable without colour: every
point has a marker and a value label, the target is a dashed line with its own label, and the
same numbers are in a table beside each chart."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from django.utils.safestring import SafeString, mark_safe


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def trend_svg(
    points: Sequence[tuple[str, float | None]],
    *,
    target: float | None = None,
    title: str = "",
    width: int = 360,
    height: int = 150,
) -> SafeString:
    pad_l, pad_r, pad_t, pad_b = 8, 8, 18, 30
    values = [v for _, v in points if v is not None] + ([target] if target is not None else [])
    top = max(values + [1.0]) * 1.1
    inner_w, inner_h = width - pad_l - pad_r, height - pad_t - pad_b
    step = inner_w / max(1, len(points) - 1) if len(points) > 1 else 0

    def y(v: float) -> float:
        return pad_t + inner_h - (v / top) * inner_h

    parts = [
        f'<svg class="fh-chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{pad_l}" y1="{pad_t + inner_h}" x2="{width - pad_r}" '
        f'y2="{pad_t + inner_h}" stroke="#505a5f" stroke-width="1"/>',
    ]
    if target is not None:
        ty = y(target)
        parts.append(
            f'<line x1="{pad_l}" y1="{ty:.1f}" x2="{width - pad_r}" y2="{ty:.1f}" '
            f'stroke="#505a5f" stroke-width="1" stroke-dasharray="6 4"/>'
            f'<text x="{width - pad_r}" y="{ty - 3:.1f}" text-anchor="end" font-size="10" '
            f'fill="#0b0c0c">Target {_fmt(target)}</text>'
        )
    coords = [
        (
            pad_l + 10 + i * (step - 20 / max(1, len(points) - 1))
            if len(points) > 1
            else width / 2,
            v,
        )
        for i, (_, v) in enumerate(points)
    ]
    line = " ".join(f"{x:.1f},{y(v):.1f}" for x, v in coords if v is not None)
    if line:
        parts.append(f'<polyline points="{line}" fill="none" stroke="#1d70b8" stroke-width="2"/>')
    for (label, v), (x, _) in zip(points, coords, strict=True):
        if v is not None:
            parts.append(
                f'<rect x="{x - 3.5:.1f}" y="{y(v) - 3.5:.1f}" width="7" height="7" '
                f'fill="#0b0c0c"/><text x="{x:.1f}" y="{y(v) - 6:.1f}" text-anchor="middle" '
                f'font-size="9" fill="#0b0c0c">{_fmt(v)}</text>'
            )
        short = escape(label.split(" ")[-1])
        parts.append(
            f'<text x="{x:.1f}" y="{height - 8}" text-anchor="middle" font-size="9" '
            f'fill="#0b0c0c">{short}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text is escaped above


def bar_svg(
    bars: Sequence[tuple[str, float | None, str]],
    *,
    target: float | None = None,
    title: str = "",
    width: int = 640,
) -> SafeString:
    """Horizontal bars (label, value, note such as 'decile 1'), in the order given."""
    row_h, label_w, pad = 22, 290, 50
    height = row_h * len(bars) + 24
    values = [v for _, v, _ in bars if v is not None] + ([target] if target is not None else [])
    top = max(values + [1.0]) * 1.05
    inner = width - label_w - pad

    parts = [
        f'<svg class="fh-chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, v, note) in enumerate(bars):
        y0 = 4 + i * row_h
        # Shorten the name, never the note (the decile is what the order means).
        name = label if len(label) <= 30 else label[:29] + "…"
        text = f"{name} ({note})" if note else name
        parts.append(
            f'<text x="{label_w - 6}" y="{y0 + 14}" text-anchor="end" font-size="11" '
            f'fill="#0b0c0c">{escape(text)}</text>'
        )
        if v is None:
            parts.append(
                f'<text x="{label_w + 4}" y="{y0 + 14}" font-size="11" fill="#0b0c0c">'
                "no data</text>"
            )
            continue
        w = max(1.0, inner * v / top)
        # Alternate solid and hatched-looking (outlined) bars so rows are told apart without colour.
        fill = "#1d70b8" if i % 2 == 0 else "#ffffff"
        parts.append(
            f'<rect x="{label_w}" y="{y0 + 3}" width="{w:.1f}" height="{row_h - 8}" '
            f'fill="{fill}" stroke="#0b0c0c" stroke-width="1"/>'
            f'<text x="{label_w + w + 4:.1f}" y="{y0 + 14}" font-size="11" '
            f'fill="#0b0c0c">{_fmt(v)}</text>'
        )
    if target is not None:
        tx = label_w + inner * target / top
        parts.append(
            f'<line x1="{tx:.1f}" y1="0" x2="{tx:.1f}" y2="{height - 14}" stroke="#0b0c0c" '
            f'stroke-dasharray="5 3"/><text x="{tx:.1f}" y="{height - 3}" text-anchor="middle" '
            f'font-size="10" fill="#0b0c0c">Target {_fmt(target)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text is escaped above
