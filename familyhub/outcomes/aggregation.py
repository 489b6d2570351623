"""Refresh the pre-aggregated IndicatorValue table from the registry's functions.

Each indicator runs once per period (one aggregate query, or two); its cells (area, service,
team) are rolled up here into every breakdown: all, locality, area, deprivation decile and
quintile, service and team. A period's rows are replaced in one transaction, so a dashboard never
reads half a refresh.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.db import connection, transaction
from django.utils import timezone

from familyhub.core import indicators as registry
from familyhub.core.indicators import Cell, Period
from familyhub.outcomes.models import Breakdown, IndicatorValue
from familyhub.places.models import Area

UNKNOWN = "unknown"


def quintile_of(decile: int | None) -> int | None:
    """IMD quintile from decile: deciles 1-2 are quintile 1 (most deprived)."""
    return None if not decile else (int(decile) + 1) // 2


@dataclass(frozen=True)
class AreaInfo:
    locality_id: int | None
    decile: int | None


def area_lookup(authority_id: int) -> dict[int, AreaInfo]:
    return {
        pk: AreaInfo(locality_id, decile)
        for pk, locality_id, decile in Area.objects.filter(authority_id=authority_id).values_list(
            "pk", "locality_id", "imd_decile"
        )
    }


def roll_up(
    cells: Iterable[Cell], areas: dict[int, AreaInfo]
) -> dict[tuple[str, str], tuple[int, int]]:
    """(breakdown, breakdown_id) -> (numerator, denominator) for every breakdown."""
    totals: dict[tuple[str, str], list[int]] = {(Breakdown.ALL, ""): [0, 0]}

    def add(key: tuple[str, str], n: int, d: int) -> None:
        cell = totals.setdefault(key, [0, 0])
        cell[0] += n
        cell[1] += d

    for cell in cells:
        n, d = int(cell["numerator"]), int(cell["denominator"])
        info = areas.get(cell["area_id"]) if cell["area_id"] is not None else None
        area = str(cell["area_id"]) if info else UNKNOWN
        add((Breakdown.ALL, ""), n, d)
        add((Breakdown.AREA, area), n, d)
        add(
            (Breakdown.LOCALITY, str(info.locality_id) if info and info.locality_id else UNKNOWN),
            n,
            d,
        )
        decile = info.decile if info else None
        add((Breakdown.DECILE, str(decile) if decile else UNKNOWN), n, d)
        quintile = quintile_of(decile)
        add((Breakdown.QUINTILE, str(quintile) if quintile else UNKNOWN), n, d)
        if cell.get("service_id") is not None:
            add((Breakdown.SERVICE, str(cell["service_id"])), n, d)
        if cell.get("team_id") is not None:
            add((Breakdown.TEAM, str(cell["team_id"])), n, d)
    return {key: (n, d) for key, (n, d) in totals.items()}


# Which field of a CharacteristicCell each breakdown reads.
CHARACTERISTIC_FIELDS = {
    Breakdown.SEX: "sex",
    Breakdown.ETHNICITY: "ethnic_group",
    Breakdown.SEND: "send",
    Breakdown.LANGUAGE: "language",
}


def roll_up_characteristics(
    cells: Iterable[registry.CharacteristicCell],
) -> dict[tuple[str, str], tuple[int, int]]:
    """(breakdown, group) -> (numerator, denominator) for sex, ethnic group, SEND and language."""
    totals: dict[tuple[str, str], list[int]] = {}
    for cell in cells:
        for breakdown, name in CHARACTERISTIC_FIELDS.items():
            counts = totals.setdefault((breakdown, str(cell[name])), [0, 0])  # type: ignore[literal-required]
            counts[0] += int(cell["numerator"])
            counts[1] += int(cell["denominator"])
    return {key: (n, d) for key, (n, d) in totals.items()}


def _lock(authority_id: int, key: str) -> None:
    """Two refreshes at once (the button and the nightly command) take turns per indicator, so
    neither trips over the other's freshly inserted rows. SQLite serialises writers already."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)",
                [authority_id, zlib.crc32(key.encode()) & 0x7FFFFFFF],
            )


def periods_for(indicator: registry.Indicator, count: int, *, today: date) -> list[Period]:
    return registry.last_periods(indicator.period, count, today=today)


def refresh(
    authority_id: int,
    *,
    keys: Iterable[str] | None = None,
    quarters: int = 8,
    years: int = 3,
    today: date | None = None,
    advance: Callable[[int], None] | None = None,
) -> int:
    """Recompute indicator values for the last `quarters` quarters (quarterly indicators) and
    `years` years (yearly ones). Returns the number of rows written."""
    today = today or timezone.localdate()
    chosen = registry.all_registered()
    if keys is not None:
        wanted = set(keys)
        chosen = {k: v for k, v in chosen.items() if k in wanted}
    areas = area_lookup(authority_id)
    written = 0
    for key, indicator in chosen.items():
        count = quarters if indicator.period == "quarter" else years
        for period in periods_for(indicator, count, today=today):
            totals = roll_up(indicator.compute(authority_id, period.start, period.end), areas)
            if indicator.characteristics is not None:
                totals.update(
                    roll_up_characteristics(
                        indicator.characteristics(authority_id, period.start, period.end)
                    )
                )
            now = timezone.now()
            rows = [
                IndicatorValue(
                    authority_id=authority_id,
                    indicator_key=key,
                    period_start=period.start,
                    period_end=period.end,
                    breakdown=breakdown,
                    breakdown_id=breakdown_id,
                    numerator=n,
                    denominator=d,
                    computed_at=now,
                )
                for (breakdown, breakdown_id), (n, d) in totals.items()
            ]
            with transaction.atomic():
                _lock(authority_id, key)
                IndicatorValue.objects.filter(
                    authority_id=authority_id, indicator_key=key, period_start=period.start
                ).delete()
                IndicatorValue.objects.bulk_create(rows, batch_size=1000)
            written += len(rows)
            if advance:
                advance(1)
    return written


def steps(keys: Iterable[str] | None = None, *, quarters: int = 8, years: int = 3) -> int:
    """How many (indicator, period) steps a refresh takes, for the progress bar."""
    chosen = registry.all_registered()
    if keys is not None:
        chosen = {k: v for k, v in chosen.items() if k in set(keys)}
    return sum(quarters if i.period == "quarter" else years for i in chosen.values())
