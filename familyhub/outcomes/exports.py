"""CSV and XLSX exports of a framework's indicator values (counts only, no people).

`publication=True` applies small-number suppression (suppression.py) across all the breakdowns
of each indicator and period at once (publication.py), so no hidden count can be recovered by
subtracting one published table from another; internal exports show the real counts.
"""

from __future__ import annotations

import csv
import io

from familyhub.outcomes import publication as linked_tables
from familyhub.outcomes import registry, suppression
from familyhub.outcomes.models import Breakdown, IndicatorValue, OutcomeFramework
from familyhub.outcomes.selectors import breakdown_labels, framework_keys
from familyhub.places.models import Authority

HEADER = [
    "indicator",
    "title",
    "period",
    "breakdown",
    "group",
    "numerator",
    "denominator",
    "rate",
    "unit",
]


def _safe(value: object) -> object:
    """Spreadsheets run cells that start with = + - @ as formulas: neutralise them."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


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
    values.sort(key=lambda v: (keys.index(v.indicator_key), v.period_start, order[v.breakdown]))
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
        if cell in hidden:
            row = suppression.mark(row)
        out.append(
            [
                value.indicator_key,
                indicator.title,
                registry.period_of(value.period_start, indicator.period).label,
                Breakdown(value.breakdown).label,
                _safe(row.label),
                row.numerator,
                row.denominator,
                "" if row.rate is None else row.rate,
                indicator.unit,
            ]
        )
    return out


def to_csv(rows: list[list[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue()


def to_xlsx(rows: list[list[object]], *, title: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Indicators"
    sheet.append([title])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
