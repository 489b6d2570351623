"""The outcomes charts, drawn by familyhub.core.charts: an indicator's trend over its last periods
(on every card) and its figures by ward for one period (the indicator page). Each is shown with
the same figures as a table; `trend_rows` gives the card's table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.safestring import SafeString

from familyhub.core import charts
from familyhub.core import indicators as registry
from familyhub.outcomes import stats, suppression
from familyhub.outcomes.selectors import AreaRow, IndicatorSummary


def value_label(indicator: registry.Indicator) -> str:
    """What the value axis measures, with its unit."""
    return "Per cent (%)" if indicator.unit == "%" else f"Rate ({indicator.unit})"


def period_label(indicator: registry.Indicator) -> str:
    # The national returns count financial years and quarters; say so, as readers may expect
    # calendar quarters.
    if indicator.period == "year":
        return "Financial year (April to March)"
    return "Financial year and quarter (Q1 is April to June)"


def _format(indicator: registry.Indicator) -> charts.Format:
    return charts.number(1, suffix="%" if indicator.unit == "%" else "")


def interval(indicator: registry.Indicator, numerator: int, denominator: int):
    """The 95% Wilson interval of a percentage, as percentages; None for other units."""
    if indicator.unit != "%" or denominator <= 0 or not 0 <= numerator <= denominator:
        return None
    estimate = stats.wilson(numerator, denominator)
    return None if estimate is None else (100 * estimate.lower, 100 * estimate.upper)


@dataclass(frozen=True)
class TrendRow:
    label: str
    numerator: int
    denominator: int
    rate: float | None
    interval: tuple[float, float] | None
    provisional: bool

    @property
    def interval_text(self) -> str:
        return "-" if self.interval is None else f"{self.interval[0]:.1f} to {self.interval[1]:.1f}"


def trend_rows(summary: IndicatorSummary, *, today: date | None = None) -> list[TrendRow]:
    """One row per period, oldest first; a period not finished yet is provisional."""
    today = today or timezone.localdate()
    ind = summary.indicator
    return [
        TrendRow(
            p.label,
            p.numerator,
            p.denominator,
            p.rate,
            interval(ind, p.numerator, p.denominator),
            registry.period_of(p.period_start, ind.period).end >= today,
        )
        for p in summary.trend
    ]


def trend_svg(summary: IndicatorSummary, *, today: date | None = None) -> SafeString:
    ind = summary.indicator
    rows = trend_rows(summary, today=today)
    if not rows:
        return SafeString("")
    fmt = _format(ind)
    values = [
        charts.Value(
            r.rate,
            r.interval[0] if r.interval else None,
            r.interval[1] if r.interval else None,
            hollow=r.provisional,
        )
        for r in rows
    ]
    latest = rows[-1]
    described = (
        f"From {rows[0].label} to {latest.label}. Latest, {latest.label}: "
        + ("no figure" if latest.rate is None else fmt(latest.rate))
        + (f", against a target of {fmt(summary.target)}" if summary.target is not None else "")
        + ". The same figures are in the table with this chart."
    )
    kind = "year" if ind.period == "year" else "quarter"
    return charts.line_chart(
        # Two lines under each tick, the year above the quarter: "2025/26" then "Q1".
        [r.label.replace(" ", "\n", 1) for r in rows],
        [charts.Series(ind.title, values)],
        title=f"{ind.title}: the last {len(rows)} {kind}s",
        description=described,
        y_label=value_label(ind),
        x_label=period_label(ind),
        target=summary.target,
        fmt=fmt,
        hollow_means=f"Hollow marker: the {kind} is not over, so its figure is provisional",
    )


def areas_svg(
    indicator: registry.Indicator,
    rows: list[AreaRow],
    *,
    target: float | None,
    period: str,
) -> SafeString:
    """One bar per ward with figures, in the order given (most deprived first)."""
    known = [r for r in rows if r.denominator]
    if not known:
        return SafeString("")
    small = suppression.threshold()
    values = [
        charts.Value(
            r.rate,
            100 * r.interval.lower if r.interval else None,
            100 * r.interval.upper if r.interval else None,
            # Published tables hide these counts (suppression.py); here they are shown, hollow.
            hollow=0 < r.numerator < small or 0 < r.denominator < small,
        )
        for r in known
    ]
    notes = [f"(decile {r.decile})" if r.decile else "(decile not known)" for r in known]
    # Shorten a long name, never its decile: the decile is what the order means.
    names = [
        f"{charts.shorten(r.name, charts.LABEL_CHARS - len(note) - 1)} {note}"
        for r, note in zip(known, notes, strict=True)
    ]
    return charts.bar_chart(
        names,
        [charts.Series(indicator.title, values)],
        title=f"{indicator.title} by ward, {period}, most deprived first",
        description=(
            f"{len(known)} wards, most deprived first (IMD decile 1 is the most deprived). "
            "The same figures are in the table below the chart."
        ),
        x_label=value_label(indicator),
        target=target,
        fmt=_format(indicator),
        hollow_means=f"Hollow bar: a count under {small}, which published tables hide",
        maximum=100 if indicator.unit == "%" else None,
    )
