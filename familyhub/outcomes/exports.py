"""CSV and XLSX exports of a framework's indicator values (counts only, no people).

`publication=True` applies small-number suppression (suppression.py) to each group of rows
(indicator, period, breakdown); internal exports show the real counts.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from django.db.models import QuerySet

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


def export_rows(
    authority: Authority, framework: OutcomeFramework, *, publication: bool
) -> list[list[object]]:
    keys = framework_keys(framework)
    values: QuerySet = IndicatorValue.objects.filter(
        authority=authority, indicator_key__in=keys
    ).order_by("indicator_key", "period_start", "breakdown", "breakdown_id")
    labels = {b: breakdown_labels(authority, b) for b in Breakdown.values}
    groups: dict[tuple[str, object, str], list[IndicatorValue]] = {}
    for value in values:
        groups.setdefault((value.indicator_key, value.period_start, value.breakdown), []).append(
            value
        )
    order = {b: i for i, b in enumerate(Breakdown.values)}
    out: list[list[object]] = []
    for (key, start, breakdown), cells in sorted(
        groups.items(), key=lambda g: (keys.index(g[0][0]), g[0][1], order[g[0][2]])
    ):
        indicator = registry.get(key)
        if indicator is None:
            continue
        period = registry.period_of(start, indicator.period).label  # type: ignore[arg-type]
        rows = [
            (
                labels[breakdown].get(c.breakdown_id, c.breakdown_id),
                c.numerator,
                c.denominator,
                None
                if indicator.rate(c.numerator, c.denominator) is None
                else round(indicator.rate(c.numerator, c.denominator) or 0.0, 1),
            )
            for c in cells
        ]
        published: Iterable = (
            suppression.suppress_rows(rows)
            if publication
            else [suppression.Published(*row) for row in rows]
        )
        for row in published:
            out.append(
                [
                    key,
                    indicator.title,
                    period,
                    Breakdown(breakdown).label,
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
