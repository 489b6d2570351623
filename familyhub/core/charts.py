"""Charts drawn on the server as inline SVG: no JavaScript, no CDN, no chart library (the CSP
allows no outside script, and a manager must be able to print the page).

Every chart reads at a glance and without colour:
- axes with ticks, and a label saying what is measured and in what unit; periods carry their year;
- the target is a dashed line with its own label; a 95% confidence interval is a whisker;
- series differ by marker shape, line dash or bar pattern as well as by GOV.UK colour (each at
  least 4.5:1 against white); a legend whenever there is more than one series or a convention
  (hollow for provisional figures or small counts, whiskers, the target);
- one viewBox, with font sizes in its units, so the chart and its text scale together with the
  column (the stylesheet caps the width, so text stays near body size on a wide screen);
- role="img" named by a title and a description. The page shows the same figures as a table
  beside or below the chart: that is what a screen reader, a phone or a spreadsheet uses.

Every text is escaped here; callers pass plain strings.
"""

from __future__ import annotations

import hashlib
import math
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 400  # viewBox units; the chart scales to its column
FONT = 13  # the root font size in viewBox units; other text is relative to it (em)
LINE = 16  # height of a line of text
CHARS_PER_LINE = 52  # of 13-unit Arial across the width, for wrapping the legend and labels

TEXT = "#0b0c0c"  # GOV.UK text colour
SECONDARY = "#484949"  # GOV.UK secondary text colour
GRID = "#cecece"  # GOV.UK border colour
WHITE = "#ffffff"

Format = Callable[[float], str]


@dataclass(frozen=True)
class Style:
    """How one series looks: never colour alone."""

    colour: str
    marker: str  # circle, square, triangle or diamond (line charts)
    dash: str  # stroke-dasharray of the line ("" for solid)
    fill: str  # solid, hatch, dots or cross (bar charts)


STYLES = (
    Style("#1d70b8", "circle", "", "solid"),  # GOV.UK blue
    Style("#0b0c0c", "square", "6 3", "hatch"),  # black
    Style("#0f7a52", "triangle", "2 3", "dots"),  # green
    Style("#54319f", "diamond", "8 3 2 3", "cross"),  # purple
)


@dataclass(frozen=True)
class Value:
    """One figure: `low` and `high` are its confidence interval, when known. `hollow` marks a
    figure the caller's legend text explains (provisional, or counted from very few)."""

    value: float | None
    low: float | None = None
    high: float | None = None
    hollow: bool = False


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[Value]


def number(decimals: int = 1, *, prefix: str = "", suffix: str = "") -> Format:
    """A formatter for value labels: number(1, suffix="%") gives "62.5%", number(0, prefix="£")
    gives "£12,400"."""
    return lambda v: f"{prefix}{v:,.{decimals}f}{suffix}"


def figure(
    *,
    width: float,
    height: float,
    title: str,
    description: str,
    body: Sequence[str],
    css_class: str = "fh-chart",
) -> SafeString:
    """The accessible SVG root around a picture's parts (also used by the planning map)."""
    uid = (
        "fh-chart-"
        + hashlib.blake2s((title + description + "".join(body)).encode(), digest_size=5).hexdigest()
    )
    return mark_safe(  # noqa: S308 - every text inside is escaped by its caller here
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{css_class}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" width="100%" role="img" '
        f'aria-labelledby="{uid}-title {uid}-desc" font-family="Arial, sans-serif" '
        f'font-size="{FONT}" fill="{TEXT}">'
        f'<title id="{uid}-title">{escape(title)}</title>'
        f'<desc id="{uid}-desc">{escape(description)}</desc>' + "".join(body) + "</svg>"
    )


ONE_DECIMAL = number(1)


# --- scales -----------------------------------------------------------------------------------


def ticks(top: float, *, most: int = 6) -> list[float]:
    """Round tick values from 0 to at least `top`: steps of 1, 2, 2.5 or 5 times a power of 10."""
    top = top if top > 0 else 1.0
    raw = top / (most - 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw - 1e-12)
    count = math.ceil(top / step - 1e-9)
    return [round(i * step, 10) for i in range(count + 1)]


def _tick_text(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,g}"


def _top(series: Sequence[Series], target: float | None) -> float:
    found = [target] if target is not None else []
    for s in series:
        for v in s.values:
            found += [x for x in (v.value, v.high) if x is not None]
    return max(found, default=0.0)


# --- drawing helpers --------------------------------------------------------------------------


def _text(
    x: float,
    y: float,
    content: str,
    *,
    anchor: str = "start",
    size: str = "",
    colour: str = "",
    halo: bool = False,
    extra: str = "",
) -> str:
    attrs = f'x="{x:.1f}" y="{y:.1f}"'
    if anchor != "start":
        attrs += f' text-anchor="{anchor}"'
    if size:
        attrs += f' font-size="{size}"'
    if colour:
        attrs += f' fill="{colour}"'
    if halo:  # a white edge keeps a label readable where it crosses a line or a bar
        attrs += f' stroke="{WHITE}" stroke-width="3" stroke-linejoin="round" paint-order="stroke"'
    lines = content.split("\n")
    if len(lines) == 1:
        return f"<text {attrs}{extra}>{escape(content)}</text>"
    spans = "".join(
        f'<tspan x="{x:.1f}" dy="{0 if i == 0 else LINE}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return f"<text {attrs}{extra}>{spans}</text>"


def _wrap(content: str, width: int = CHARS_PER_LINE) -> str:
    return "\n".join(textwrap.wrap(content, width)) or content


LABEL_CHARS = CHARS_PER_LINE - 4  # a bar's name fits on one line above it


def shorten(content: str, width: int = LABEL_CHARS) -> str:
    """Cut a name to fit a line, marked with an ellipsis (the table beside has it in full)."""
    return content if len(content) <= width else content[: max(width - 1, 1)] + "…"


def _marker(kind: str, x: float, y: float, colour: str, *, hollow: bool, r: float = 4.5) -> str:
    paint = f'fill="{WHITE if hollow else colour}" stroke="{colour}" stroke-width="2"'
    if kind == "square":
        return f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r:.1f}" height="{2 * r:.1f}" {paint}/>'
    if kind == "triangle":
        return (
            f'<path d="M{x:.1f},{y - 1.25 * r:.1f} L{x + 1.2 * r:.1f},{y + 0.9 * r:.1f} '
            f'L{x - 1.2 * r:.1f},{y + 0.9 * r:.1f} Z" {paint}/>'
        )
    if kind == "diamond":
        return (
            f'<path d="M{x:.1f},{y - 1.3 * r:.1f} L{x + 1.3 * r:.1f},{y:.1f} '
            f'L{x:.1f},{y + 1.3 * r:.1f} L{x - 1.3 * r:.1f},{y:.1f} Z" {paint}/>'
        )
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" {paint}/>'


def _whisker(x1: float, y1: float, x2: float, y2: float, colour: str) -> str:
    """A confidence interval: a line with a cap across each end."""
    cap = 4.0
    if x1 == x2:  # vertical
        caps = (
            f'<line x1="{x1 - cap:.1f}" y1="{y1:.1f}" x2="{x1 + cap:.1f}" y2="{y1:.1f}"/>'
            f'<line x1="{x1 - cap:.1f}" y1="{y2:.1f}" x2="{x1 + cap:.1f}" y2="{y2:.1f}"/>'
        )
    else:
        caps = (
            f'<line x1="{x1:.1f}" y1="{y1 - cap:.1f}" x2="{x1:.1f}" y2="{y1 + cap:.1f}"/>'
            f'<line x1="{x2:.1f}" y1="{y2 - cap:.1f}" x2="{x2:.1f}" y2="{y2 + cap:.1f}"/>'
        )
    return (
        f'<g class="fh-chart__interval" stroke="{colour}" stroke-width="1.5">'
        f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}"/>{caps}</g>'
    )


def _patterns(uid: str, count: int) -> str:
    """Fills for the second and later bar series: hatched, dotted, cross-hatched."""
    defs = []
    for i, style in enumerate(STYLES[:count]):
        c = style.colour
        if style.fill == "hatch":
            shape = f'<path d="M0,6 L6,0" stroke="{c}" stroke-width="1.5"/>'
        elif style.fill == "dots":
            shape = f'<circle cx="3" cy="3" r="1.3" fill="{c}"/>'
        elif style.fill == "cross":
            shape = f'<path d="M0,6 L6,0 M0,0 L6,6" stroke="{c}" stroke-width="1"/>'
        else:
            continue
        defs.append(
            f'<pattern id="{uid}-fill{i}" width="6" height="6" patternUnits="userSpaceOnUse">'
            f'<rect width="6" height="6" fill="{WHITE}"/>{shape}</pattern>'
        )
    return f"<defs>{''.join(defs)}</defs>" if defs else ""


def _bar_paint(uid: str, index: int, *, hollow: bool) -> str:
    style = STYLES[index % len(STYLES)]
    if hollow:
        return f'fill="{WHITE}" stroke="{style.colour}" stroke-width="2"'
    fill = style.colour if style.fill == "solid" else f"url(#{uid}-fill{index})"
    return f'fill="{fill}" stroke="{style.colour}" stroke-width="1"'


@dataclass(frozen=True)
class _Key:
    swatch: str  # drawn in a 24 x 12 box at the origin
    text: str


def _legend(keys: Sequence[_Key], y: float) -> tuple[list[str], float]:
    """Keys one under another (they fit a phone), each swatch beside its words."""
    parts = [f'<g class="fh-chart__legend" transform="translate(8 {y:.1f})">']
    at = 0.0
    for key in keys:
        words = _wrap(key.text, CHARS_PER_LINE - 6)
        parts.append(f'<g transform="translate(0 {at:.1f})">{key.swatch}</g>')
        parts.append(_text(32, at + 11, words))
        at += LINE * (words.count("\n") + 1) + 6
    parts.append("</g>")
    return parts, at


def _target_swatch() -> str:
    return f'<line x1="0" y1="6" x2="24" y2="6" stroke="{TEXT}" stroke-width="2" stroke-dasharray="6 4"/>'


def _whisker_swatch() -> str:
    return _whisker(12, 0, 12, 12, TEXT)


def _series_keys(series: Sequence[Series], *, line: bool, uid: str) -> list[_Key]:
    keys = []
    for i, s in enumerate(series):
        style = STYLES[i % len(STYLES)]
        if line:
            dash = f' stroke-dasharray="{style.dash}"' if style.dash else ""
            swatch = (
                f'<line x1="0" y1="6" x2="24" y2="6" stroke="{style.colour}" stroke-width="2"{dash}/>'
                + _marker(style.marker, 12, 6, style.colour, hollow=False)
            )
        else:
            swatch = (
                f'<rect x="0" y="0" width="24" height="12" {_bar_paint(uid, i, hollow=False)}/>'
            )
        keys.append(_Key(swatch, s.name))
    return keys


def _convention_keys(
    series: Sequence[Series],
    *,
    line: bool,
    hollow_means: str,
    interval_means: str,
    target: float | None,
    target_label: str,
    fmt: Format,
) -> list[_Key]:
    values = [v for s in series for v in s.values]
    keys = []
    if hollow_means and any(v.hollow and v.value is not None for v in values):
        colour = STYLES[0].colour
        swatch = (
            _marker(STYLES[0].marker, 12, 6, colour, hollow=True)
            if line
            else f'<rect x="0" y="0" width="24" height="12" fill="{WHITE}" stroke="{colour}" stroke-width="2"/>'
        )
        keys.append(_Key(swatch, hollow_means))
    if any(v.low is not None and v.high is not None for v in values):
        keys.append(_Key(_whisker_swatch(), interval_means))
    if keys and target is not None:
        keys.append(_Key(_target_swatch(), f"{target_label}: {fmt(target)}"))
    return keys


def _keys(
    series: Sequence[Series],
    *,
    line: bool,
    uid: str,
    hollow_means: str,
    interval_means: str,
    target: float | None,
    target_label: str,
    fmt: Format,
) -> list[_Key]:
    """A legend whenever there is more than one series or a convention to explain."""
    conventions = _convention_keys(
        series,
        line=line,
        hollow_means=hollow_means,
        interval_means=interval_means,
        target=target,
        target_label=target_label,
        fmt=fmt,
    )
    if len(series) < 2 and not conventions:
        return []
    return _series_keys(series, line=line, uid=uid) + conventions


def _uid(*parts: object) -> str:
    return "fh-" + hashlib.blake2s(repr(parts).encode(), digest_size=5).hexdigest()


# --- charts -----------------------------------------------------------------------------------


def _period_axis(
    periods: Sequence[str], x: Callable[[int], float], band: float, y0: float
) -> list[str]:
    """Tick labels under the axis and, beneath them, each group once across its run."""
    parts = []
    groups: list[tuple[str, int, int]] = []  # label, first index, last index
    for i, label in enumerate(periods):
        group, _, tick = label.rpartition("\n")
        parts.append(
            f'<line x1="{x(i):.1f}" y1="{y0:.1f}" x2="{x(i):.1f}" y2="{y0 + 5:.1f}" stroke="{TEXT}"/>'
        )
        parts.append(_text(x(i), y0 + 18, tick, anchor="middle", size="0.92em"))
        if group and groups and groups[-1][0] == group and groups[-1][2] == i - 1:
            groups[-1] = (group, groups[-1][1], i)
        elif group:
            groups.append((group, i, i))
    for group, first, last in groups:
        # A bracket under the run of ticks, so a reader sees which ticks the year belongs to.
        left, right, at = x(first) - band / 2 + 3, x(last) + band / 2 - 3, y0 + 24
        parts.append(
            f'<path d="M{left:.1f},{at:.1f} v3 H{right:.1f} v-3" fill="none" stroke="{SECONDARY}"/>'
        )
        parts.append(_text((left + right) / 2, at + 16, group, anchor="middle", size="0.92em"))
    return parts


def line_chart(
    periods: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    y_label: str,
    x_label: str,
    description: str = "",
    target: float | None = None,
    target_label: str = "Target",
    fmt: Format | None = None,
    hollow_means: str = "",
    interval_means: str = "Whiskers: 95% confidence interval",
) -> SafeString:
    """Figures over time, one marker per period (a gap where a figure is missing). A period's
    label may start with its group on a line of its own, "2025/26\nQ1": the tick then reads "Q1"
    and each run of periods in one group has the group's label once beneath it, so every
    quarter shows its year. Say in `x_label` what the periods are."""
    fmt = fmt or ONE_DECIMAL
    uid = _uid(periods, series, title, target)
    # The target's label sits in the right margin, where it never covers a figure.
    left, right, top, plot_h = 54.0, (50.0 if target is not None else 14.0), 24.0, 180.0
    x0, x1, y0 = left, WIDTH - right, top + plot_h
    scale = ticks(_top(series, target))
    peak = scale[-1]
    band = (x1 - x0) / max(len(periods), 1)

    def y(v: float) -> float:
        return y0 - plot_h * v / peak

    def x(i: int) -> float:
        return x0 + band * (i + 0.5)

    parts = [
        _text(
            14,
            top + plot_h / 2,
            y_label,
            anchor="middle",
            extra=f' transform="rotate(-90 14 {top + plot_h / 2:.1f})"',
        )
    ]
    for t in scale:  # grid and y ticks
        parts.append(
            f'<line x1="{x0:.1f}" y1="{y(t):.1f}" x2="{x1:.1f}" y2="{y(t):.1f}" stroke="{GRID}"/>'
            f'<line x1="{x0 - 5:.1f}" y1="{y(t):.1f}" x2="{x0:.1f}" y2="{y(t):.1f}" stroke="{TEXT}"/>'
        )
        parts.append(_text(x0 - 8, y(t) + 4, _tick_text(t), anchor="end", size="0.92em"))
    parts.append(
        f'<line class="fh-chart__axis" x1="{x0:.1f}" y1="{top:.1f}" x2="{x0:.1f}" y2="{y0:.1f}" '
        f'stroke="{TEXT}"/><line class="fh-chart__axis" x1="{x0:.1f}" y1="{y0:.1f}" '
        f'x2="{x1:.1f}" y2="{y0:.1f}" stroke="{TEXT}"/>'
    )
    parts += _period_axis(periods, x, band, y0)
    at = y0 + 18 + LINE * (2 if any("\n" in p for p in periods) else 1) + 8
    x_words = _wrap(x_label)
    parts.append(_text((x0 + x1) / 2, at, x_words, anchor="middle"))
    at += LINE * (x_words.count("\n") + 1) + 6

    if target is not None:
        ty = y(target)
        parts.append(
            f'<line class="fh-chart__target" x1="{x0:.1f}" y1="{ty:.1f}" x2="{x1:.1f}" '
            f'y2="{ty:.1f}" stroke="{TEXT}" stroke-width="2" stroke-dasharray="6 4"/>'
        )
        parts.append(
            _text(x1 + 4, ty - 2, f"{target_label}\n{fmt(target)}", size="0.92em", halo=True)
        )
    label_values = len(series) == 1
    for j, s in enumerate(series):
        style = STYLES[j % len(STYLES)]
        runs: list[list[str]] = [[]]
        for i, v in enumerate(s.values):
            if v.value is None:
                runs.append([])
            else:
                runs[-1].append(f"{x(i):.1f},{y(v.value):.1f}")
        dash = f' stroke-dasharray="{style.dash}"' if style.dash else ""
        for run in runs:
            if len(run) > 1:
                parts.append(
                    f'<polyline points="{" ".join(run)}" fill="none" stroke="{style.colour}" '
                    f'stroke-width="2"{dash}/>'
                )
        for i, v in enumerate(s.values):
            if v.value is None:
                continue
            above = y(v.value)
            if v.low is not None and v.high is not None:
                parts.append(_whisker(x(i), y(v.low), x(i), y(v.high), style.colour))
                above = min(above, y(v.high))
            parts.append(_marker(style.marker, x(i), y(v.value), style.colour, hollow=v.hollow))
            if label_values:
                parts.append(
                    _text(x(i), above - 6, fmt(v.value), anchor="middle", size="0.85em", halo=True)
                )
    keys = _keys(
        series,
        line=True,
        uid=uid,
        hollow_means=hollow_means,
        interval_means=interval_means,
        target=target,
        target_label=target_label,
        fmt=fmt,
    )
    if keys:
        legend, height = _legend(keys, at)
        parts += legend
        at += height
    return figure(
        width=WIDTH,
        height=at + 4,
        title=title,
        description=description or _describe(series, periods, "periods"),
        body=parts,
    )


def bar_chart(
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    x_label: str,
    description: str = "",
    target: float | None = None,
    target_label: str = "Target",
    fmt: Format | None = None,
    hollow_means: str = "",
    interval_means: str = "Whiskers: 95% confidence interval",
    missing: str = "no data",
    maximum: float | None = None,
) -> SafeString:
    """Horizontal bars, one group per category in the order given, each category's name above
    its bars (long names fit a phone) and each bar's figure at its end. `maximum` caps the scale
    (100 for a share that cannot pass it)."""
    fmt = fmt or ONE_DECIMAL
    uid = _uid(categories, series, title, target)
    # Room at the right for the longest figure at a bar's end (Arial digits are about 0.56 em).
    longest = max(
        (len(fmt(v.value)) for s in series for v in s.values if v.value is not None), default=3
    )
    left, right = 8.0, max(30.0, longest * FONT * 0.92 * 0.58 + 12)
    top = 26.0 if target is not None else 8.0
    bar_h, gap = 14.0, 10.0
    x0, x1 = left, WIDTH - right
    top_value = _top(series, target)
    scale = ticks(min(top_value, maximum) if maximum is not None else top_value)
    peak = scale[-1]
    row_h = LINE + len(series) * (bar_h + 3) + gap

    def x(v: float) -> float:
        return x0 + (x1 - x0) * max(0.0, min(v, peak)) / peak

    y_end = top + row_h * len(categories)
    parts = [_patterns(uid, len(series))]
    for t in scale:
        parts.append(
            f'<line x1="{x(t):.1f}" y1="{top:.1f}" x2="{x(t):.1f}" y2="{y_end:.1f}" stroke="{GRID}"/>'
        )
    parts.append(
        f'<line class="fh-chart__axis" x1="{x0:.1f}" y1="{top:.1f}" x2="{x0:.1f}" '
        f'y2="{y_end:.1f}" stroke="{TEXT}"/><line class="fh-chart__axis" x1="{x0:.1f}" '
        f'y1="{y_end:.1f}" x2="{x1:.1f}" y2="{y_end:.1f}" stroke="{TEXT}"/>'
    )
    for i, name in enumerate(categories):
        row = top + i * row_h
        # Over the axis and the grid, with a white edge so they do not cross the letters.
        parts.append(_text(x0 + 2, row + 12, shorten(name), halo=True))
        for j, s in enumerate(series):
            v = s.values[i]
            by = row + LINE + 2 + j * (bar_h + 3)
            if v.value is None:
                parts.append(
                    _text(x0 + 4, by + bar_h - 3, missing, size="0.92em", colour=SECONDARY)
                )
                continue
            end = x(v.value)
            parts.append(
                f'<rect x="{x0:.1f}" y="{by:.1f}" width="{max(end - x0, 1.0):.1f}" '
                f'height="{bar_h:.1f}" {_bar_paint(uid, j, hollow=v.hollow)}/>'
            )
            if v.low is not None and v.high is not None:
                mid = by + bar_h / 2
                parts.append(_whisker(x(v.low), mid, x(v.high), mid, TEXT))
                end = max(end, x(v.high))
            parts.append(_text(end + 6, by + bar_h - 3, fmt(v.value), size="0.92em"))
    for t in scale:
        parts.append(
            f'<line x1="{x(t):.1f}" y1="{y_end:.1f}" x2="{x(t):.1f}" y2="{y_end + 5:.1f}" stroke="{TEXT}"/>'
        )
        parts.append(_text(x(t), y_end + 18, _tick_text(t), anchor="middle", size="0.92em"))
    at = y_end + 18 + LINE + 4
    x_words = _wrap(x_label)
    parts.append(_text((x0 + x1) / 2, at, x_words, anchor="middle"))
    at += LINE * (x_words.count("\n") + 1) + 6
    if target is not None:
        tx = x(target)
        parts.append(
            f'<line class="fh-chart__target" x1="{tx:.1f}" y1="{top - 6:.1f}" x2="{tx:.1f}" '
            f'y2="{y_end:.1f}" stroke="{TEXT}" stroke-width="2" stroke-dasharray="6 4"/>'
        )
        anchor = "end" if tx > (x0 + x1) / 2 else "start"
        parts.append(
            _text(
                tx + (4 if anchor == "start" else -4),
                top - 10,
                f"{target_label} {fmt(target)}",
                anchor=anchor,
                halo=True,
            )
        )
    keys = _keys(
        series,
        line=False,
        uid=uid,
        hollow_means=hollow_means,
        interval_means=interval_means,
        target=target,
        target_label=target_label,
        fmt=fmt,
    )
    if keys:
        legend, height = _legend(keys, at)
        parts += legend
        at += height
    return figure(
        width=WIDTH,
        height=at + 4,
        title=title,
        description=description or _describe(series, categories, "rows"),
        body=parts,
    )


def _describe(series: Sequence[Series], labels: Sequence[str], what: str) -> str:
    names = ", ".join(s.name for s in series)
    span = f" from {labels[0]} to {labels[-1]}" if what == "periods" and labels else ""
    flat = span.replace("\n", " ")
    return (
        f"{names}: {len(labels)} {what}{flat}. The same figures are in the table with this chart."
    )
