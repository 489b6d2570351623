"""Reads for the dashboards and exports: only IndicatorValue (counts), never people."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings

from familyhub.core import indicators as registry
from familyhub.outcomes import stats
from familyhub.outcomes.aggregation import UNKNOWN
from familyhub.outcomes.models import (
    Breakdown,
    IndicatorLink,
    IndicatorTarget,
    IndicatorValue,
    OutcomeFramework,
)
from familyhub.places.models import Area, Authority, Locality
from familyhub.services.models import Service, Team

TREND_PERIODS = 8


def current_authority() -> Authority | None:
    return Authority.objects.filter(code=settings.FAMILYHUB_AUTHORITY_CODE).first()


def targets() -> dict[str, float | None]:
    found: dict[str, float | None] = {
        key: ind.target for key, ind in registry.all_registered().items()
    }
    found.update(dict(IndicatorTarget.objects.values_list("indicator_key", "target")))
    return found


@dataclass
class Point:
    period_start: date
    label: str
    numerator: int
    denominator: int
    rate: float | None


@dataclass
class IndicatorSummary:
    indicator: registry.Indicator
    target: float | None
    trend: list[Point] = field(default_factory=list)
    gap: stats.Gap | None = None
    most: tuple[int, int] = (0, 0)
    least: tuple[int, int] = (0, 0)

    @property
    def latest(self) -> Point | None:
        return self.trend[-1] if self.trend else None

    @property
    def on_target(self) -> bool | None:
        latest = self.latest
        if latest is None or latest.rate is None or self.target is None:
            return None
        if self.indicator.higher_is_better:
            return latest.rate >= self.target
        return latest.rate <= self.target


def _label(period_start: date, kind: str) -> str:
    return registry.period_of(period_start, kind).label


def summary(authority: Authority, key: str, *, periods: int = TREND_PERIODS) -> IndicatorSummary:
    indicator = registry.get(key)
    if indicator is None:
        raise KeyError(key)
    base = IndicatorValue.objects.filter(authority=authority, indicator_key=key)
    rows = list(
        base.filter(breakdown=Breakdown.ALL)
        .order_by("-period_start")
        .values_list("period_start", "numerator", "denominator")[:periods]
    )
    trend = [
        Point(start, _label(start, indicator.period), n, d, indicator.rate(n, d))
        for start, n, d in reversed(rows)
    ]
    # The latest figure is the latest period that has one: published figures come a year or
    # more behind, and a quarter just begun has counted nobody yet.
    while trend and not trend[-1].denominator:
        trend.pop()
    result = IndicatorSummary(indicator, targets().get(key), trend)
    if trend:
        quintiles = {
            qid: (n, d)
            for qid, n, d in base.filter(
                breakdown=Breakdown.QUINTILE, period_start=trend[-1].period_start
            ).values_list("breakdown_id", "numerator", "denominator")
        }
        result.most = quintiles.get("1", (0, 0))
        result.least = quintiles.get("5", (0, 0))
        result.gap = stats.gap(result.most, result.least)
    return result


def framework_summaries(
    authority: Authority, framework: OutcomeFramework
) -> list[tuple[str, list[tuple[IndicatorSummary, str]]]]:
    """Each area's indicators, with the link's proxy note ("" where the indicator measures
    the outcome itself)."""
    known = registry.all_registered()
    out = []
    for area in framework.areas.prefetch_related("links"):
        summaries = [
            (summary(authority, link.indicator_key), link.proxy_note)
            for link in area.links.all()
            if link.indicator_key in known
        ]
        out.append((area.name, summaries))
    return out


def framework_keys(framework: OutcomeFramework) -> list[str]:
    return list(
        dict.fromkeys(
            IndicatorLink.objects.filter(area__framework=framework)
            .order_by("area__order", "order")
            .values_list("indicator_key", flat=True)
        )
    )


@dataclass
class AreaRow:
    area_id: str
    code: str
    name: str
    locality: str
    decile: int | None
    numerator: int
    denominator: int
    rate: float | None
    interval: stats.Estimate | None

    @property
    def interval_text(self) -> str:
        if self.interval is None:
            return "-"
        return f"{100 * self.interval.lower:.1f} to {100 * self.interval.upper:.1f}"


def area_rows(authority: Authority, key: str, period_start: date) -> list[AreaRow]:
    """One row per ward or area, most deprived first (IMD rank), then areas not known."""
    indicator = registry.get(key)
    assert indicator is not None
    values = {
        bid: (n, d)
        for bid, n, d in IndicatorValue.objects.filter(
            authority=authority,
            indicator_key=key,
            breakdown=Breakdown.AREA,
            period_start=period_start,
        ).values_list("breakdown_id", "numerator", "denominator")
    }
    rows = []
    areas = Area.objects.filter(authority=authority).select_related("locality")
    for area in sorted(areas, key=lambda a: (a.imd_rank or 10**9, a.name)):
        n, d = values.get(str(area.pk), (0, 0))
        rows.append(
            AreaRow(
                str(area.pk),
                area.code,
                area.name,
                area.locality.name,
                area.imd_decile,
                n,
                d,
                indicator.rate(n, d),
                stats.wilson(n, d) if indicator.unit == "%" else None,
            )
        )
    if UNKNOWN in values:
        n, d = values[UNKNOWN]
        rows.append(
            AreaRow(UNKNOWN, "", "Address not known", "", None, n, d, indicator.rate(n, d), None)
        )
    return rows


# The groups core.indicators.characteristic_cells counts, in words.
CHARACTERISTIC_LABELS: dict[str, dict[str, str]] = {
    Breakdown.SEX: {"F": "Female", "M": "Male", "U": "Not known"},
    Breakdown.ETHNICITY: {
        "A": "Asian or Asian British",
        "B": "Black, Black British, Caribbean or African",
        "M": "Mixed or multiple ethnic groups",
        "W": "White",
        "O": "Other ethnic group",
    },
    Breakdown.SEND: {"yes": "Disabled or with SEND", "no": "Not recorded as disabled or SEND"},
    Breakdown.LANGUAGE: {"english": "English", "other": "Another language"},
}


def breakdown_labels(authority: Authority, breakdown: str) -> dict[str, str]:
    if breakdown == Breakdown.ALL:
        return {"": "All"}
    if breakdown == Breakdown.AREA:
        names = {
            str(pk): name
            for pk, name in Area.objects.filter(authority=authority).values_list("pk", "name")
        }
    elif breakdown == Breakdown.LOCALITY:
        names = {
            str(pk): name
            for pk, name in Locality.objects.filter(authority=authority).values_list("pk", "name")
        }
    elif breakdown == Breakdown.SERVICE:
        names = {str(pk): name for pk, name in Service.objects.values_list("pk", "name")}
    elif breakdown == Breakdown.TEAM:
        names = {str(pk): name for pk, name in Team.objects.values_list("pk", "name")}
    elif breakdown == Breakdown.DECILE:
        names = {
            str(i): f"Decile {i}" + (" (most deprived)" if i == 1 else "") for i in range(1, 11)
        }
    elif breakdown in CHARACTERISTIC_LABELS:
        names = dict(CHARACTERISTIC_LABELS[breakdown])
    else:
        names = {
            str(i): f"Quintile {i}" + (" (most deprived)" if i == 1 else "") for i in range(1, 6)
        }
    names[UNKNOWN] = "Not known"
    return names
