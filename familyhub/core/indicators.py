"""The indicator contract: how a part declares an indicator computed from its records.

    @indicator(key="new_birth_visit_14_days", title="...", unit="%", higher_is_better=True,
               period="quarter", target=95.0, part="childhealth")
    def new_birth_visit_14_days(authority_id: int, start: date, end: date) -> list[Cell]: ...

A function returns one Cell per (area, service, team) with counts only: no person leaves it. It
must aggregate in the database (values().annotate()), never loop over people in Python, because
refresh runs it for every period over millions of rows. The outcomes part rolls the cells up into
every breakdown the dashboards show. Frameworks link indicators by `key`, so a key never changes
once shipped; councils add frameworks in the admin, never indicators from the web. An optional
`people` function gives the people behind the numerator for the drill-down; the outcomes part
filters it through the access layer, in the indicator's category.

Each part declares its indicators in its own module, familyhub/<part>/indicators.py, and imports
it from its AppConfig.ready(), which registers them on the `registered` hook. It lives here, on
the ground floor, so that the parts (below outcomes) can declare indicators without importing
outcomes, which reads them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any, Literal, TypedDict

from django.db.models import Count, Q, QuerySet

from familyhub.core.dates import add_months
from familyhub.core.hooks import Hook

PeriodKind = Literal["quarter", "year"]


class Cell(TypedDict):
    area_id: int | None
    service_id: int | None
    team_id: int | None
    numerator: int
    denominator: int


class CharacteristicCell(TypedDict):
    """Counts for one combination of protected characteristics (no area: these are reported
    for the council as a whole). Groups, not codes: `ethnic_group` is the census's five broad
    groups (A, B, M, W, O) or "unknown"; `language` is "english", "other" or "unknown"."""

    sex: str
    ethnic_group: str
    send: str
    language: str
    numerator: int
    denominator: int


Compute = Callable[[int, date, date], Iterable[Cell]]
People = Callable[[int, date, date], QuerySet]
Characteristics = Callable[[int, date, date], Iterable[CharacteristicCell]]


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
    # The category of the records behind the numerator, and the kind of record (a PersonRecord
    # model): a drill-down to people is a read of each person's records of that kind, so it
    # shows only people behind whom the viewer may open one (access.layer).
    category: str = "general"
    records: Any = None
    # The same counts by sex, ethnic group, disability or SEND and first language, for the
    # indicators whose cohort is people (by_characteristic); None where it is not.
    characteristics: Characteristics | None = None

    @property
    def scale(self) -> float:
        """What a proportion is multiplied by in this unit: 100 for a percentage, 1,000 for a
        rate per 1,000 (how conceptions are published), 1 for a plain ratio or count."""
        return {"%": 100.0, "per 1,000": 1000.0}.get(self.unit, 1.0)

    def rate(self, numerator: int, denominator: int) -> float | None:
        if not denominator:
            return None
        return self.scale * numerator / denominator


registered: Hook[Indicator] = Hook("indicators", "every part's indicators, keyed by their key")


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
    category: str = "general",
) -> Callable[[Compute], Compute]:
    """Register a function as an indicator. A duplicate key is a programming error."""
    if period not in ("quarter", "year"):
        raise ValueError(f"Indicator {key}: period must be 'quarter' or 'year'")

    def register(function: Compute) -> Compute:
        current = registered.get(key)
        if current is not None and current.compute is not function:
            raise ValueError(f"Indicator key {key!r} is registered twice")
        indicator = Indicator(
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
            category=category,
        )
        registered.register(indicator, key=key)
        return function

    return register


def people_behind(key: str, *, records: Any = None) -> Callable[[People], People]:
    """Attach the numerator's people (for the access-checked drill-down) to an indicator, and
    the kind of record that puts them there (records=Review: a person shows in the drill-down
    only to someone who may open their review)."""

    def attach(function: People) -> People:
        current = registered.get(key)
        if current is None:
            raise ValueError(f"people_behind({key!r}): no such indicator registered yet")
        registered.register(replace(current, people=function, records=records), key=key)
        return function

    return attach


def by_characteristic(key: str) -> Callable[[Characteristics], Characteristics]:
    """Attach the counts by protected characteristic to an indicator (see
    characteristic_cells for the usual body)."""

    def attach(function: Characteristics) -> Characteristics:
        current = registered.get(key)
        if current is None:
            raise ValueError(f"by_characteristic({key!r}): no such indicator registered yet")
        registered.register(replace(current, characteristics=function), key=key)
        return function

    return attach


def _ethnic_group(code: str | None) -> str:
    return code[0] if code and code[0] in "ABMWO" else "unknown"


def _language(value: str | None) -> str:
    text = (value or "").strip().lower()
    if not text:
        return "unknown"
    return "english" if text == "english" else "other"


def characteristic_cells(queryset: QuerySet, *, person: str = "") -> list[CharacteristicCell]:
    """A queryset annotated with a boolean `hit` (the numerator), counted by the protected
    characteristics of the person at `person` ("" when the rows are people, "person__" for a
    person's records). One aggregate query; the grouping into broad groups is done here."""
    fields = {
        "sex": f"{person}sex",
        "ethnicity": f"{person}ethnicity",
        "send": f"{person}disability_or_send",
        "language": f"{person}first_language",
    }
    rows = (
        queryset.values(*fields.values())
        .annotate(numerator=Count("pk", filter=Q(hit=True)), denominator=Count("pk"))
        .order_by()
    )
    merged: dict[tuple[str, str, str, str], list[int]] = {}
    for row in rows:
        key = (
            row[fields["sex"]] or "U",
            _ethnic_group(row[fields["ethnicity"]]),
            "yes" if row[fields["send"]] else "no",
            _language(row[fields["language"]]),
        )
        cell = merged.setdefault(key, [0, 0])
        cell[0] += int(row["numerator"] or 0)
        cell[1] += int(row["denominator"] or 0)
    return [
        CharacteristicCell(sex=a, ethnic_group=b, send=c, language=d, numerator=n, denominator=m)
        for (a, b, c, d), (n, m) in merged.items()
    ]


def all_registered() -> dict[str, Indicator]:
    return dict(registered.items())


def get(key: str) -> Indicator | None:
    return registered.get(key)


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


def period_of(day: date, kind: str) -> Period:
    """The financial quarter (Q1 = April-June) or financial year holding `day`."""
    year = day.year if day.month >= 4 else day.year - 1
    if kind == "year":
        start = date(year, 4, 1)
        return Period(start, date(year + 1, 3, 31), "year")
    start = add_months(date(year, 4, 1), 3 * (((day.month - 4) % 12) // 3))
    return Period(start, add_months(start, 3) - timedelta(days=1), "quarter")


def financial_quarter(year: int, number: int) -> Period:
    """Quarter `number` (1-4) of the financial year that starts on 1 April `year`."""
    if number not in (1, 2, 3, 4):
        raise ValueError("A quarter is 1, 2, 3 or 4")
    start = add_months(date(year, 4, 1), 3 * (number - 1))
    return Period(start, add_months(start, 3) - timedelta(days=1), "quarter")


def last_periods(kind: str, count: int, *, today: date) -> list[Period]:
    """The `count` most recent complete-or-current periods, oldest first."""
    periods = [period_of(today, kind)]
    while len(periods) < count:
        periods.append(period_of(periods[-1].start - timedelta(days=1), kind))
    return list(reversed(periods))


# --- helpers for the indicator modules -----------------------------------------------------


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
