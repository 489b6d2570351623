"""The declared, reviewed list of indicators. Each is a Python function over the record.

    @indicator(key="new_birth_visit_14_days", title="...", unit="%", higher_is_better=True,
               period="quarter", target=95.0)
    def new_birth_visit_14_days(authority_id: int, start: date, end: date) -> list[Cell]: ...

A function returns one Cell per (area, service, team) with counts only: no person leaves it. It
must aggregate in the database (values().annotate()), never loop over people in Python, because
refresh runs it for every period over millions of rows. The refresh (aggregation.py) rolls the
cells up into every breakdown the dashboards show. Frameworks link indicators by `key`, so a key
never changes once shipped; councils add frameworks in the admin, never indicators from the web.
An optional `people` function gives the people behind the numerator for the drill-down; its
result is always filtered through the access layer by the caller.

Each part declares its indicators in its own module, familyhub/<part>/indicators.py (load()
imports them all); `bounds` and `cells` below are the helpers those modules share.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import import_module
from typing import Any, Literal, TypedDict

from django.db.models import DateField, Func, QuerySet
from django.utils import timezone
from django.utils.module_loading import module_has_submodule

PeriodKind = Literal["quarter", "year"]


class Cell(TypedDict):
    area_id: int | None
    service_id: int | None
    team_id: int | None
    numerator: int
    denominator: int


Compute = Callable[[int, date, date], Iterable[Cell]]
People = Callable[[int, date, date], QuerySet]


@dataclass(frozen=True)
class Indicator:
    key: str
    title: str
    compute: Compute
    unit: str = "%"
    higher_is_better: bool = True
    period: PeriodKind = "quarter"
    target: float | None = None
    numerator_label: str = ""
    denominator_label: str = ""
    part: str = ""
    people: People | None = None
    note: str = ""

    def rate(self, numerator: int, denominator: int) -> float | None:
        if not denominator:
            return None
        return 100.0 * numerator / denominator if self.unit == "%" else numerator / denominator


REGISTRY: dict[str, Indicator] = {}


def indicator(
    *,
    key: str,
    title: str,
    unit: str = "%",
    higher_is_better: bool = True,
    period: PeriodKind = "quarter",
    target: float | None = None,
    numerator: str = "",
    denominator: str = "",
    part: str = "",
    note: str = "",
) -> Callable[[Compute], Compute]:
    """Register a function as an indicator. A duplicate key is a programming error."""
    if period not in ("quarter", "year"):
        raise ValueError(f"Indicator {key}: period must be 'quarter' or 'year'")

    def register(function: Compute) -> Compute:
        if key in REGISTRY and REGISTRY[key].compute is not function:
            raise ValueError(f"Indicator key {key!r} is registered twice")
        REGISTRY[key] = Indicator(
            key=key,
            title=title,
            compute=function,
            unit=unit,
            higher_is_better=higher_is_better,
            period=period,
            target=target,
            numerator_label=numerator,
            denominator_label=denominator,
            part=part,
            note=note,
        )
        return function

    return register


def people_behind(key: str) -> Callable[[People], People]:
    """Attach the numerator's people (for the access-checked drill-down) to an indicator."""

    def attach(function: People) -> People:
        current = REGISTRY[key]
        REGISTRY[key] = Indicator(**{**current.__dict__, "people": function})
        return function

    return attach


def indicators() -> dict[str, Indicator]:
    load()
    return dict(REGISTRY)


def get(key: str) -> Indicator | None:
    load()
    return REGISTRY.get(key)


_loaded = False


def load() -> None:
    """Import every part's `indicators` module, which registers that part's indicators with the
    decorators above (idempotent). Each part owns its indicators (familyhub/<part>/indicators.py),
    as Django's admin finds each app's admin.py; the outcomes part only collects them."""
    global _loaded
    if _loaded:
        return
    from django.apps import apps

    for config in apps.get_app_configs():
        if config.name.startswith("familyhub.") and module_has_submodule(
            config.module, "indicators"
        ):
            import_module(f"{config.name}.indicators")
    _loaded = True


# --- periods --------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date
    kind: str

    @property
    def label(self) -> str:
        year = self.start.year if self.start.month >= 4 else self.start.year - 1
        fy = f"{year}/{str(year + 1)[-2:]}"
        if self.kind == "year":
            return fy
        return f"{fy} Q{((self.start.month - 4) % 12) // 3 + 1}"


def add_months(day: date, months: int) -> date:
    """Same arithmetic as the child health schedule: month ends clamp (31 Jan + 1 = 28/29 Feb)."""
    from familyhub.childhealth.schedule import add_months as schedule_add_months

    return schedule_add_months(day, months)


def period_of(day: date, kind: str) -> Period:
    """The financial quarter (Q1 = April-June) or financial year holding `day`."""
    year = day.year if day.month >= 4 else day.year - 1
    if kind == "year":
        start = date(year, 4, 1)
        return Period(start, date(year + 1, 3, 31), "year")
    start = add_months(date(year, 4, 1), 3 * (((day.month - 4) % 12) // 3))
    return Period(start, add_months(start, 3) - timedelta(days=1), "quarter")


def last_periods(kind: str, count: int, *, today: date) -> list[Period]:
    """The `count` most recent complete-or-current periods, oldest first."""
    periods = [period_of(today, kind)]
    while len(periods) < count:
        periods.append(period_of(periods[-1].start - timedelta(days=1), kind))
    return list(reversed(periods))


# --- helpers for the indicator modules -----------------------------------------------------


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


# --- SQL helpers ----------------------------------------------------------------------------


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
