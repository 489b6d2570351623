"""The hubs charts, drawn by familyhub.core.charts. The page shows the same figures as a table."""

from __future__ import annotations

import datetime

from django.utils.dateformat import format as date_format
from django.utils.safestring import SafeString

from familyhub.core import charts


def fill_rates(
    rows: list[tuple[str, float | None]], *, start: datetime.date, end: datetime.date
) -> SafeString:
    """Places booked as a share of places offered, one bar per site (a share from 0 to 1, or None
    for a site that offered no places)."""
    if not rows:
        return SafeString("")
    period = f"{date_format(start, 'j F Y')} to {date_format(end, 'j F Y')}"
    return charts.bar_chart(
        [name for name, _ in rows],
        [
            charts.Series(
                "Fill rate",
                [charts.Value(None if share is None else 100 * share) for _, share in rows],
            )
        ],
        title=f"Fill rate by site, {period}",
        description=(
            f"Places booked as a share of places offered at {len(rows)} sites, {period}. "
            "The same figures are in the table below the chart."
        ),
        x_label="Places booked as a share of places offered (%)",
        fmt=charts.number(0, suffix="%"),
        missing="no places offered",
        maximum=100,
    )
