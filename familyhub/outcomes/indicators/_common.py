"""Small helpers shared by the indicator modules."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.utils import timezone

from familyhub.outcomes.registry import Cell


def bounds(start: date, end: date) -> tuple[datetime.datetime, datetime.datetime]:
    """Aware datetimes for a date range (end inclusive), so an index on a datetime is used."""
    first = timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))
    after = timezone.make_aware(
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min)
    )
    return first, after


def cells(rows: Iterable[dict[str, Any]]) -> list[Cell]:
    """Rows of a values().annotate() query (area_id, maybe service_id/team_id, numerator,
    denominator) as Cells; rows with the same key are added together."""
    merged: dict[tuple, list[int]] = {}
    for row in rows:
        key = (row.get("area_id"), row.get("service_id"), row.get("team_id"))
        cell = merged.setdefault(key, [0, 0])
        cell[0] += int(row.get("numerator") or 0)
        cell[1] += int(row.get("denominator") or 0)
    return [
        Cell(area_id=a, service_id=s, team_id=t, numerator=n, denominator=d)
        for (a, s, t), (n, d) in merged.items()
    ]
