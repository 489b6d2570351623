"""The health visiting indicators page: one quarter, broken down by locality, ward and
deprivation decile. Built from the registered indicators (childhealth/indicators.py), so the
page, the outcomes dashboards and the returns count the same children by the same rules.
Counts only: no person leaves this module.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from familyhub.core import indicators as registry
from familyhub.core.exports import csv_text
from familyhub.core.indicators import Period
from familyhub.places.models import Area

# The national health visiting indicators, in the order the page shows them.
KEYS = [
    "antenatal_contact",
    "new_birth_visit_14_days",
    "new_birth_visit_after_14_days",
    "six_eight_week_by_8_weeks",
    "breastfeeding_6_8_weeks",
    "twelve_month_by_12_months",
    "twelve_month_by_15_months",
    "two_year_by_2_5_years",
    "two_year_using_asq3",
]
BREAKDOWNS = ("all", "locality", "ward", "imd_decile")
BREAKDOWN_LABELS = {
    "all": "All",
    "locality": "Locality",
    "ward": "Ward",
    "imd_decile": "Deprivation decile (1 = most deprived)",
}
NOT_KNOWN = "Not known"


@dataclass(frozen=True)
class Row:
    indicator: str
    breakdown: str
    group: str
    numerator: int
    denominator: int

    @property
    def percent(self) -> float | None:
        return None if not self.denominator else round(100 * self.numerator / self.denominator, 1)


def _groups_of_areas(authority_id: int) -> dict[int | None, tuple[str, str, str]]:
    groups: dict[int | None, tuple[str, str, str]] = {None: (NOT_KNOWN, NOT_KNOWN, NOT_KNOWN)}
    for pk, ward, locality, decile in Area.objects.filter(authority_id=authority_id).values_list(
        "pk", "name", "locality__name", "imd_decile"
    ):
        groups[pk] = (
            locality or NOT_KNOWN,
            ward or NOT_KNOWN,
            str(decile) if decile else NOT_KNOWN,
        )
    return groups


def _group_order(group: str) -> tuple[int, str]:
    return (0, f"{int(group):03d}") if group.isdigit() else (1, group)


def quarter_rows(authority_id: int, quarter: Period) -> list[Row]:
    """Every indicator of KEYS for the quarter, in every breakdown."""
    groups = _groups_of_areas(authority_id)
    rows: list[Row] = []
    for key in KEYS:
        indicator = registry.get(key)
        if indicator is None:
            continue
        counts: dict[tuple[str, str], list[int]] = {("all", "All"): [0, 0]}
        for cell in indicator.compute(authority_id, quarter.start, quarter.end):
            locality, ward, decile = groups.get(cell["area_id"], groups[None])
            for breakdown, group in (
                ("all", "All"),
                ("locality", locality),
                ("ward", ward),
                ("imd_decile", decile),
            ):
                tally = counts.setdefault((breakdown, group), [0, 0])
                tally[0] += cell["numerator"]
                tally[1] += cell["denominator"]
        order = {b: i for i, b in enumerate(BREAKDOWNS)}
        rows.extend(
            Row(key, breakdown, group, numerator, denominator)
            for (breakdown, group), (numerator, denominator) in sorted(
                counts.items(), key=lambda item: (order[item[0][0]], _group_order(item[0][1]))
            )
        )
    return rows


def titles() -> dict[str, str]:
    return {key: indicator.title for key in KEYS if (indicator := registry.get(key))}


def csv_rows(rows: Iterable[Row], quarter: Period) -> Iterator[list[object]]:
    """The file's rows (written by familyhub.core.exports): a header, then one per figure."""
    yield ["quarter", "indicator", "breakdown", "group", "numerator", "denominator", "percent"]
    for row in rows:
        yield [
            quarter.label,
            row.indicator,
            row.breakdown,
            row.group,
            row.numerator,
            row.denominator,
            "" if row.percent is None else row.percent,
        ]


def to_csv(rows: Iterable[Row], quarter: Period) -> str:
    return csv_text(csv_rows(rows, quarter))
