"""Weekly recurrence of sessions, as a pure function so its edges can be tested on their own."""

from __future__ import annotations

import datetime
from collections.abc import Iterable


def weekly_dates(
    *,
    weekday: int,
    starts_on: datetime.date,
    ends_on: datetime.date,
    skip: Iterable[datetime.date] = (),
) -> list[datetime.date]:
    """Every `weekday` (Monday = 0) from `starts_on` to `ends_on` inclusive, minus `skip`.

    The first occurrence is the first such weekday on or after `starts_on`, so a series may start
    on any day. An empty list when the range holds no such weekday or ends before it starts.
    """
    if not 0 <= weekday <= 6:
        raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), not {weekday}")
    if ends_on < starts_on:
        return []
    skipped = set(skip)
    day = starts_on + datetime.timedelta(days=(weekday - starts_on.weekday()) % 7)
    dates = []
    while day <= ends_on:
        if day not in skipped:
            dates.append(day)
        day += datetime.timedelta(days=7)
    return dates


def parse_iso_dates(values: Iterable[str], *, setting: str) -> set[datetime.date]:
    """ISO dates from a setting; a bad one names the setting and the value."""
    dates = set()
    for value in values:
        value = value.strip()
        if not value:
            continue
        try:
            dates.add(datetime.date.fromisoformat(value))
        except ValueError as error:
            raise ValueError(f"{setting}: {value!r} is not a date (YYYY-MM-DD)") from error
    return dates
