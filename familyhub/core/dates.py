"""Calendar arithmetic every part shares, in Python and in SQL, so a child "turns 12 months" on
the same day in the schedule, the worklists and the indicators.

Month arithmetic clamps to the last day of a shorter month: 31 August + 6 months = 28 February
(29 in a leap year), and 29 February + 12 months = 28 February. The SQL forms (AddMonths,
AddDays) give the same answers on PostgreSQL and SQLite.
"""

from __future__ import annotations

import calendar
import datetime
from datetime import date
from typing import Any

from django.db.models import DateField, Func
from django.utils import timezone


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier), clamped to the month's last day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def whole_months(born: date, on: date) -> int:
    """Completed months of age on a day (a child born 31 January is 1 month old on 28 February
    only when add_months says so: the inverse of add_months)."""
    months = (on.year - born.year) * 12 + on.month - born.month
    if add_months(born, months) > on:
        months -= 1
    return months


def day_bounds(start: date, end: date) -> tuple[datetime.datetime, datetime.datetime]:
    """Aware datetimes for a date range (end inclusive) in the local time zone: the first moment
    of `start` and the first moment after `end`, so an index on a datetime column is used."""
    first = timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))
    after = timezone.make_aware(
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min)
    )
    return first, after


class AddMonths(Func):
    """A date plus N months with month ends clamped, the same on PostgreSQL and SQLite."""

    output_field = DateField()

    def __init__(self, expression: Any, months: int, **extra: Any) -> None:
        self.months = int(months)
        super().__init__(expression, **extra)

    def as_postgresql(self, compiler, connection, **extra_context):  # type: ignore[no-untyped-def]
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(({sql}) + make_interval(months => {self.months}))::date", params

    def as_sqlite(self, compiler, connection, **extra_context):  # type: ignore[no-untyped-def]
        sql, params = compiler.compile(self.source_expressions[0])
        # SQLite rolls 31 Jan + 1 month over into March: clamp to the target month's last day.
        naive = f"date({sql}, '+{self.months} months')"
        last = f"date({sql}, 'start of month', '+{self.months + 1} months', '-1 day')"
        return f"min({naive}, {last})", params * 2


class AddDays(Func):
    """A date plus N days, as a date on both databases."""

    output_field = DateField()

    def __init__(self, expression: Any, days: int, **extra: Any) -> None:
        self.days = int(days)
        super().__init__(expression, **extra)

    def as_postgresql(self, compiler, connection, **extra_context):  # type: ignore[no-untyped-def]
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(({sql}) + {self.days})", params

    def as_sqlite(self, compiler, connection, **extra_context):  # type: ignore[no-untyped-def]
        sql, params = compiler.compile(self.source_expressions[0])
        return f"date({sql}, '{self.days:+d} days')", params
