"""CSV and XLSX exports of a framework's indicator values (counts only, no people).

`publication=True` applies small-number suppression (suppression.py) across all the breakdowns
of each indicator and period at once (publication.py), so no hidden count can be recovered by
subtracting one published table from another; internal exports show the real counts.

The rows come in the page's order: indicators as the framework lists them, periods oldest first,
breakdowns in their order, and within a breakdown deciles and quintiles by number (1 to 10, not
1, 10, 2), wards most deprived first, other groups by name, "Not known" last. A percentage has
its 95% confidence interval (Wilson), as the indicator page shows it; a suppressed cell shows "*"
for its interval too. Files are written by familyhub.core.exports.
"""

from __future__ import annotations

from familyhub.core import indicators as registry
from familyhub.core.exports import Row, xlsx_bytes
from familyhub.outcomes import publication as linked_tables
from familyhub.outcomes import stats, suppression
from familyhub.outcomes.aggregation import UNKNOWN
from familyhub.outcomes.models import Breakdown, IndicatorValue, OutcomeFramework
from familyhub.outcomes.selectors import breakdown_labels, framework_keys
from familyhub.places.models import Area, Authority

HEADER = [
    "indicator",
    "title",
    "period",
    "breakdown",
    "group",
    "numerator",
    "denominator",
    "rate",
    "ci_95_lower",
    "ci_95_upper",
    "unit",
]


def _hidden_by_period(
    values: list[IndicatorValue], links: linked_tables.Hierarchy
) -> set[tuple[str, object, str, str]]:
    """The cells to publish as "*": suppression runs over every breakdown of one indicator and
    period together, since a reader can subtract one published table from another."""
    periods: dict[tuple[str, object], dict[linked_tables.CellKey, suppression.Counts]] = {}
    for value in values:
        periods.setdefault((value.indicator_key, value.period_start), {})[
            (value.breakdown, value.breakdown_id)
        ] = (value.numerator, value.denominator)
    return {
        (key, start, breakdown, breakdown_id)
        for (key, start), cells in periods.items()
        for breakdown, breakdown_id in linked_tables.hidden_cells(cells, links)
    }


def _rate(indicator: registry.Indicator, value: IndicatorValue) -> float | None:
    rate = indicator.rate(value.numerator, value.denominator)
    return None if rate is None else round(rate, 1)


def _interval(indicator: registry.Indicator, value: IndicatorValue) -> tuple[object, object]:
    """The 95% interval in percent, rounded as the indicator page shows it ("" where the page
    shows "-": not a percentage, or nobody in the denominator)."""
    if indicator.unit != "%" or not 0 <= value.numerator <= value.denominator:
        return "", ""
    estimate = stats.wilson(value.numerator, value.denominator)
    if estimate is None:
        return "", ""
    return round(100 * estimate.lower, 1), round(100 * estimate.upper, 1)


def _group_order(authority: Authority, labels: dict[str, dict[str, str]]):
    """Sort key for a value within its breakdown, as the pages order them."""
    ranks = {
        str(pk): rank or 10**9
        for pk, rank in Area.objects.filter(authority=authority).values_list("pk", "imd_rank")
    }

    def key(value: IndicatorValue) -> tuple:
        group = value.breakdown_id
        if group == UNKNOWN:
            return (2, 0, "")
        if value.breakdown in (Breakdown.DECILE, Breakdown.QUINTILE) and group.isdigit():
            return (0, int(group), "")
        label = labels[value.breakdown].get(group, group)
        if value.breakdown == Breakdown.AREA:
            return (0, ranks.get(group, 10**9), label)
        return (1, 0, label.lower())

    return key


def export_rows(
    authority: Authority, framework: OutcomeFramework, *, publication: bool
) -> list[list[object]]:
    keys = framework_keys(framework)
    values = list(
        IndicatorValue.objects.filter(authority=authority, indicator_key__in=keys).order_by(
            "indicator_key", "period_start", "breakdown", "breakdown_id"
        )
    )
    hidden = _hidden_by_period(values, linked_tables.hierarchy(authority)) if publication else set()
    labels = {b: breakdown_labels(authority, b) for b in Breakdown.values}
    order = {b: i for i, b in enumerate(Breakdown.values)}
    group = _group_order(authority, labels)
    values.sort(
        key=lambda v: (keys.index(v.indicator_key), v.period_start, order[v.breakdown], group(v))
    )
    out: list[list[object]] = []
    for value in values:
        indicator = registry.get(value.indicator_key)
        if indicator is None:
            continue
        row = suppression.Published(
            labels[value.breakdown].get(value.breakdown_id, value.breakdown_id),
            value.numerator,
            value.denominator,
            _rate(indicator, value),
        )
        cell = (value.indicator_key, value.period_start, value.breakdown, value.breakdown_id)
        lower, upper = _interval(indicator, value)
        if cell in hidden:
            row = suppression.mark(row)
            lower = upper = suppression.MARK
        out.append(
            [
                value.indicator_key,
                indicator.title,
                registry.period_of(value.period_start, indicator.period).label,
                Breakdown(value.breakdown).label,
                row.label,
                row.numerator,
                row.denominator,
                "" if row.rate is None else row.rate,
                lower,
                upper,
                indicator.unit,
            ]
        )
    return out


def csv_rows(rows: list[list[object]]) -> list[Row]:
    """The CSV file's rows: the header, then `rows` (export_rows)."""
    return [HEADER, *rows]


def xlsx_sheets(rows: list[list[object]], *, title: str) -> list[tuple[str, list[Row]]]:
    """The workbook's one sheet: a title line, the header, then `rows` (export_rows)."""
    return [("Indicators", [[title], HEADER, *rows])]


def to_xlsx(rows: list[list[object]], *, title: str) -> bytes:
    return xlsx_bytes(xlsx_sheets(rows, title=title))
