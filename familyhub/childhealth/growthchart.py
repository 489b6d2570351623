"""Growth charts as the red book draws them, as SVG made on the server: no JavaScript, no CDN.

One chart per kind of measurement (weight, length or height, head circumference, BMI), over the
red book's age span that holds the child's points (0 to 1 year, 1 or 0 to 4 years, 2 to 18
years), with the nine UK-WHO centile lines (0.4th to 99.6th), labelled at their ends, in the
colour of the printed charts (blue for boys, pink for girls) and the child's points joined in
black. It reads without colour (each line is named, the points are black) and the page has the
same figures in a table. The SVG has a viewBox and no fixed size, so it shrinks to a phone's
width instead of widening the page.

As on the printed charts, no lines are drawn between birth and 2 weeks (UK90 birth data give way
to WHO 2006 there, and babies lose and regain weight): the birth centiles are short marks at 0.
Lines stop and start again where the reference changes: lying length to standing height at 2
years, WHO 2006 to UK90 at 4 years.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from rcpchgrowth import measurement_from_sds
from rcpchgrowth.constants import BMI, FEMALE, HEAD_CIRCUMFERENCE, HEIGHT, MALE, UK_WHO, WEIGHT
from rcpchgrowth.global_functions import (
    lms_value_array_for_measurement_for_reference,
    measurement_for_z,
)

from familyhub.childhealth.centiles import (
    CENTILE_LINES,
    LENGTH_UNTIL_AGE,
    LINE_SDS,
    UK90_FROM_AGE,
    centile_words,
)

WIDTH, HEIGHT_PX = 520, 420
LEFT, RIGHT, TOP, BOTTOM = 54, 58, 14, 112
WHO_FROM_AGE = 14 / 365.25  # WHO 2006 data begin 2 weeks after term
WEEK = 7 / 365.25
COLOURS = {"M": "#1d70b8", "F": "#d53880"}  # the printed charts: blue for boys, pink for girls
INK = "#0b0c0c"
GRID = "#b1b4b6"
METHODS = {"weight": WEIGHT, "height": HEIGHT, "head": HEAD_CIRCUMFERENCE, "bmi": BMI}


@dataclass(frozen=True)
class Point:
    age_years: float
    value: float
    measured_on: date
    words: str  # "on the 25th centile"


@dataclass(frozen=True)
class Window:
    start: float
    end: float
    unit: str  # "weeks" or "years"
    title: str


def window_for(ages: list[float], *, kind: str = "weight") -> Window:
    """The red book chart that holds every point: 0 to 1 year (in weeks), 0 or 1 to 4 years,
    2 to 18 years (to 20 past 18), or the whole of childhood when a child has points in both
    infancy and school age."""
    low, high = min(ages), max(ages)
    if high <= 1.0:
        # A preterm baby measured before term has a negative corrected age: start there.
        start = min(0.0, math.floor(low / (4 * WEEK)) * 4 * WEEK)
        return Window(start, 1.0, "weeks", "0 to 1 year")
    if high <= UK90_FROM_AGE:
        start = 0.0 if low < 1.0 else 1.0
        if kind == "bmi":
            start = 2.0
        return Window(start, UK90_FROM_AGE, "years", f"{start:g} to 4 years")
    end = 18.0 if high <= 18.0 else 20.0
    start = 2.0 if low >= 2.0 else 0.0
    return Window(start, end, "years", f"{start:g} to {end:g} years")


def _segments(method: str, start: float, end: float) -> list[tuple[float, float]]:
    """Age ranges with one reference each, from 2 weeks on (BMI: from 2 years)."""
    cuts = [WHO_FROM_AGE, LENGTH_UNTIL_AGE, UK90_FROM_AGE]
    first = LENGTH_UNTIL_AGE if method == BMI else WHO_FROM_AGE
    edges = [max(start, first)] + [c for c in cuts if max(start, first) < c < end] + [end]
    return [(a, b) for a, b in zip(edges, edges[1:], strict=False) if b > a]


@lru_cache(maxsize=256)
def centile_lines(
    kind: str, sex: str, start: float, end: float
) -> tuple[tuple[tuple[tuple[float, float], ...], ...], ...]:
    """For each of the nine lines, its segments, each a run of (age, value).

    The lines are drawn through the reference's own ages (daily under 4 years, monthly after),
    from the L, M and S rcpchgrowth holds for each, thinned to about 120 points across the
    chart: asking rcpchgrowth for each point (measurement_from_sds) searches its tables every
    time and took two seconds a chart. The reference never changes, so a chart's lines are
    worked out once per process."""
    method = METHODS[kind]
    rsex = MALE if sex == "M" else FEMALE
    span = end - start
    lines: list[list[tuple[tuple[float, float], ...]]] = [[] for _ in LINE_SDS]
    for a, b in _segments(method, start, end):
        try:
            table = lms_value_array_for_measurement_for_reference(UK_WHO, (a + b) / 2, method, rsex)
        except LookupError:
            continue
        rows = [r for r in table if a <= r["decimal_age"] <= b]
        every = max(1, round(len(rows) / max(4, 120 * (b - a) / span)))
        rows = rows[::every] + ([rows[-1]] if rows and (len(rows) - 1) % every else [])
        if len(rows) < 2:
            continue
        for line, z in zip(lines, LINE_SDS, strict=True):
            line.append(
                tuple(
                    (r["decimal_age"], float(measurement_for_z(z, r["L"], r["M"], r["S"])))
                    for r in rows
                )
            )
    return tuple(tuple(line) for line in lines)


@lru_cache(maxsize=64)
def birth_marks(kind: str, sex: str) -> tuple[float, ...]:
    """The nine centiles at birth at term (UK90), marked at 0 as on the printed charts."""
    rsex = MALE if sex == "M" else FEMALE
    return tuple(float(measurement_from_sds(UK_WHO, z, METHODS[kind], rsex, 0.0)) for z in LINE_SDS)


def _nice_step(span: float) -> float:
    for step in (0.5, 1, 2, 5, 10, 20, 50):
        if span / step <= 10:
            return float(step)
    return 100.0


def _x_ticks(window: Window) -> list[tuple[float, str]]:
    if window.unit == "weeks":
        first = math.ceil(round(window.start / WEEK) / 4) * 4
        return [(w * WEEK, str(w)) for w in range(first, 53, 4)]
    step = 1 if window.end - window.start <= 4 else 2
    years = range(int(window.start), int(window.end) + 1, step)
    return [(float(y), str(y)) for y in years]


def _fmt(value: float) -> str:
    return f"{value:g}"


def growth_chart_svg(
    *,
    kind: str,
    sex: str,
    points: list[Point],
    axis_label: str,
    unit: str,
    title: str,
    child_name: str,
    corrected: bool = False,
) -> SafeString:
    """One chart: the centile lines for `kind` ("weight", "height", "head", "bmi") and sex, and
    the child's points (age in years as the centiles use it) joined in date order."""
    points = sorted(points, key=lambda p: p.measured_on)
    window = window_for([p.age_years for p in points], kind=kind)
    lines = centile_lines(kind, sex, window.start, window.end)
    marks = birth_marks(kind, sex) if window.start <= 0 < window.end and kind != "bmi" else ()
    values = [v for line in lines for run in line for _, v in run] + list(marks)
    values += [p.value for p in points]
    step = _nice_step(max(values) - min(values))
    y_low = math.floor(min(values) / step) * step
    y_high = math.ceil(max(values) / step) * step
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT_PX - TOP - BOTTOM
    colour = COLOURS.get(sex, INK)

    def x(age: float) -> float:
        return LEFT + (age - window.start) / (window.end - window.start) * plot_w

    def y(value: float) -> float:
        return TOP + plot_h - (value - y_low) / (y_high - y_low) * plot_h

    bottom = TOP + plot_h
    sex_words = "boys" if sex == "M" else "girls"
    parts = [
        f'<svg class="fh-chart fh-growth-chart" viewBox="0 0 {WIDTH} {HEIGHT_PX}" width="100%" '
        f'role="img" aria-labelledby="{escape(kind)}-chart-title {escape(kind)}-chart-desc" '
        'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{escape(kind)}-chart-title">{escape(title)}</title>',
        f'<desc id="{escape(kind)}-chart-desc">{escape(_description(points, unit, child_name))}'
        "</desc>",
        f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="#ffffff" '
        f'stroke="{INK}" stroke-width="1"/>',
    ]
    # Grid and ticks: every labelled age, and every step of the measurement.
    for age, label in _x_ticks(window):
        gx = x(age)
        parts.append(
            f'<line x1="{gx:.1f}" y1="{TOP}" x2="{gx:.1f}" y2="{bottom}" stroke="{GRID}" '
            f'stroke-width="0.5"/><text x="{gx:.1f}" y="{bottom + 18}" text-anchor="middle">'
            f"{escape(label)}</text>"
        )
    tick = y_low
    while tick <= y_high + 1e-9:
        gy = y(tick)
        parts.append(
            f'<line x1="{LEFT}" y1="{gy:.1f}" x2="{LEFT + plot_w}" y2="{gy:.1f}" stroke="{GRID}" '
            f'stroke-width="0.5"/><text x="{LEFT - 6}" y="{gy + 5:.1f}" text-anchor="end">'
            f"{_fmt(tick)}</text>"
        )
        tick += step
    age_title = "Age in weeks" if window.unit == "weeks" else "Age in years"
    if corrected:
        age_title += " (corrected for prematurity)"
    parts.append(
        f'<text x="{LEFT + plot_w / 2:.1f}" y="{bottom + 40}" text-anchor="middle" '
        f'font-weight="bold">{escape(age_title)}</text>'
        f'<text transform="translate(16 {TOP + plot_h / 2:.1f}) rotate(-90)" '
        f'text-anchor="middle" font-weight="bold">{escape(axis_label)}</text>'
    )
    # The centile lines, the 50th heavier, each named at its right-hand end (kept apart).
    ends: list[tuple[float, str]] = []
    for name, line in zip(CENTILE_LINES, lines, strict=True):
        width = "2" if name == "50th" else "1"
        for run in line:
            path = " ".join(f"{x(a):.1f},{y(v):.1f}" for a, v in run)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="{width}"/>'
            )
        if line:
            ends.append((y(line[-1][-1][1]), name))
    last_label = math.inf
    for label_y, name in sorted(ends, reverse=True):
        if last_label - label_y >= 13:
            parts.append(
                f'<text x="{LEFT + plot_w + 4}" y="{label_y + 4:.1f}" font-size="12">'
                f"{escape(name)}</text>"
            )
            last_label = label_y
    for value in marks:
        parts.append(
            f'<line x1="{x(0):.1f}" y1="{y(value):.1f}" x2="{x(0) + 8:.1f}" y2="{y(value):.1f}" '
            f'stroke="{colour}" stroke-width="2"/>'
        )
    # The child's measurements, joined in date order, each with its date and centile.
    if len(points) > 1:
        path = " ".join(f"{x(p.age_years):.1f},{y(p.value):.1f}" for p in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{INK}" stroke-width="2"/>')
    for p in points:
        label = f"{date_format(p.measured_on, 'j F Y')}: {_fmt(p.value)} {unit}, {p.words}"
        parts.append(
            f'<circle cx="{x(p.age_years):.1f}" cy="{y(p.value):.1f}" r="4.5" fill="{INK}">'
            f"<title>{escape(label)}</title></circle>"
        )
    legend_y = bottom + 64
    parts.append(
        f'<line x1="{LEFT}" y1="{legend_y - 5}" x2="{LEFT + 26}" y2="{legend_y - 5}" '
        f'stroke="{colour}" stroke-width="2"/>'
        f'<text x="{LEFT + 34}" y="{legend_y}">UK-WHO centiles for {sex_words}, '
        "0.4th to 99.6th</text>"
        f'<line x1="{LEFT}" y1="{legend_y + 19}" x2="{LEFT + 26}" y2="{legend_y + 19}" '
        f'stroke="{INK}" stroke-width="2"/><circle cx="{LEFT + 13}" cy="{legend_y + 19}" r="4.5" '
        f'fill="{INK}"/><text x="{LEFT + 34}" y="{legend_y + 24}">'
        f"{escape(child_name)}'s measurements</text>"
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text inside is escaped above


def _description(points: list[Point], unit: str, child_name: str) -> str:
    if not points:
        return ""
    first, last = points[0], points[-1]
    return (
        f"{len(points)} measurement{'s' if len(points) != 1 else ''} of {child_name} from "
        f"{date_format(first.measured_on, 'j F Y')} to {date_format(last.measured_on, 'j F Y')}; "
        f"the latest {_fmt(last.value)} {unit}, {last.words}. The table below has every figure."
    )


@dataclass(frozen=True)
class Chart:
    kind: str
    heading: str  # "Weight", "Length", "Length and height"
    svg: SafeString
    count: int


def growth_charts(*, measurements, sex: str, child_name: str) -> list[Chart]:
    """One chart per kind of measurement recorded, in the red book's order. Rows without a
    centile (the reference could not place them, or the sex is not recorded) are left off the
    chart; the table still shows them."""
    if sex not in COLOURS:
        return []
    rows = [m for m in measurements if m.age_years is not None]
    charts = []
    height_rows = [m for m in rows if m.height_cm is not None and m.height_sds is not None]
    positions = {m.height_label for m in height_rows}
    height_heading = (
        "Length and height" if len(positions) > 1 else (positions.pop() if positions else "Height")
    )
    for kind, heading, axis, unit, value, z in (
        ("weight", "Weight", "Weight (kg)", "kg", "weight_kg", "weight_sds"),
        ("height", height_heading, f"{height_heading} (cm)", "cm", "height_cm", "height_sds"),
        (
            "head",
            "Head circumference",
            "Head circumference (cm)",
            "cm",
            "head_circumference_cm",
            "head_circumference_sds",
        ),
        ("bmi", "BMI", "BMI (kg/m²)", "kg/m²", "bmi", "z_score"),
    ):
        points = [
            Point(
                age_years=m.age_years,
                value=float(getattr(m, value)),
                measured_on=m.measured_on,
                words=centile_words(getattr(m, z)),
            )
            for m in rows
            if getattr(m, value) is not None
            and getattr(m, z) is not None
            and (kind != "bmi" or m.age_years >= LENGTH_UNTIL_AGE)
        ]
        if not points:
            continue
        window = window_for([p.age_years for p in points], kind=kind)
        sex_words = "boys" if sex == "M" else "girls"
        charts.append(
            Chart(
                kind=kind,
                heading=heading,
                svg=growth_chart_svg(
                    kind=kind,
                    sex=sex,
                    points=points,
                    axis_label=axis,
                    unit=unit,
                    title=f"{heading} for age, UK-WHO chart for {sex_words}, {window.title}",
                    child_name=child_name,
                    corrected=any(m.gestation_days for m in rows if getattr(m, value) is not None),
                ),
                count=len(points),
            )
        )
    return charts
