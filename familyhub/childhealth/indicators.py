"""The national health visiting indicators, computed from the record for a quarter.

Pure functions over querysets: each indicator takes a queryset of people (the caller decides
whose: an authority, a locality) and a quarter, and returns numerator and denominator for each
breakdown (all, locality, ward, deprivation decile). No names leave this module: rows carry
counts only, so the outcomes part may register these and a commissioner's page may show them.

Cohorts (Public Health England / OHID definitions, as DOMAIN.md states them):
- new birth visit within 14 days: children who turned 30 days in the quarter;
- 6-8 week review by 8 weeks, and breastfeeding at 6-8 weeks: children who turned 8 weeks;
- 12-month review by 12 months: children who turned 12 months; by 15 months: turned 15 months;
- 2-2.5 year review: children who reached 2.5 years; ASQ-3 use: of those reviews done.
"Turned N months" uses the same month arithmetic as the schedule (schedule.add_months).
Quarters are financial-year quarters (Q1 = April to June), as the national returns are.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import QuerySet

from familyhub.childhealth.models import Feeding, Outcome, Review
from familyhub.childhealth.schedule import ReviewKind, add_months
from familyhub.people.models import Person

BREAKDOWNS = ("all", "locality", "ward", "imd_decile")
BREAKDOWN_LABELS = {
    "all": "All",
    "locality": "Locality",
    "ward": "Ward",
    "imd_decile": "Deprivation decile (1 = most deprived)",
}


@dataclass(frozen=True)
class Quarter:
    start: date
    end: date
    label: str


def financial_quarter(year: int, number: int) -> Quarter:
    """Quarter `number` (1-4) of the financial year starting 1 April `year`."""
    if number not in (1, 2, 3, 4):
        raise ValueError("A quarter is 1, 2, 3 or 4")
    start = add_months(date(year, 4, 1), 3 * (number - 1))
    end = add_months(start, 3) - timedelta(days=1)
    return Quarter(start, end, f"{year}/{str(year + 1)[-2:]} Q{number}")


def quarter_of(day: date) -> Quarter:
    year = day.year if day.month >= 4 else day.year - 1
    number = ((day.month - 4) % 12) // 3 + 1
    return financial_quarter(year, number)


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


@dataclass(frozen=True)
class _Child:
    pk: int
    dob: date
    locality: str
    ward: str
    decile: str


def _cohort(people: QuerySet[Person], quarter: Quarter, *, days: int = 0, months: int = 0):
    """Children who reached an age (N days or N months) within the quarter."""
    if days:
        first, last = quarter.start - timedelta(days=days), quarter.end - timedelta(days=days)
    else:
        # A generous date-of-birth range, then the exact test child by child (month ends clamp).
        first = add_months(quarter.start, -months) - timedelta(days=3)
        last = add_months(quarter.end, -months) + timedelta(days=3)
    rows = people.filter(
        is_unborn=False, merged_into__isnull=True, date_of_birth__range=(first, last)
    ).values_list("pk", "date_of_birth", "area__locality__name", "area__name", "area__imd_decile")
    children = []
    for pk, dob, locality, ward, decile in rows:
        if dob is None:
            continue
        reached = dob + timedelta(days=days) if days else add_months(dob, months)
        if quarter.start <= reached <= quarter.end:
            children.append(
                _Child(
                    pk,
                    dob,
                    locality or "Not known",
                    ward or "Not known",
                    str(decile) if decile else "Not known",
                )
            )
    return children


def _reviews(children: list[_Child], kind: str) -> dict[int, Review]:
    """The earliest completed review of a kind for each child."""
    found: dict[int, Review] = {}
    rows = Review.objects.filter(
        person_id__in=[c.pk for c in children], kind=kind, outcome=Outcome.COMPLETED
    ).order_by("done_on")
    for review in rows.only("person_id", "done_on", "asq_used", "breastfeeding"):
        found.setdefault(review.person_id, review)
    return found


def _tally(name: str, pairs: Iterable[tuple[_Child, bool]]) -> list[Row]:
    counts: dict[tuple[str, str], list[int]] = {}
    for child, hit in pairs:
        for breakdown, group in (
            ("all", "All"),
            ("locality", child.locality),
            ("ward", child.ward),
            ("imd_decile", child.decile),
        ):
            cell = counts.setdefault((breakdown, group), [0, 0])
            cell[0] += int(hit)
            cell[1] += 1
    if ("all", "All") not in counts:
        counts[("all", "All")] = [0, 0]
    order = {b: i for i, b in enumerate(BREAKDOWNS)}
    return [
        Row(name, breakdown, group, num, den)
        for (breakdown, group), (num, den) in sorted(
            counts.items(), key=lambda item: (order[item[0][0]], _group_key(item[0][1]))
        )
    ]


def _group_key(group: str) -> tuple[int, str]:
    return (0, f"{int(group):03d}") if group.isdigit() else (1, group)


def new_birth_visit_14_days(people: QuerySet[Person], quarter: Quarter) -> list[Row]:
    children = _cohort(people, quarter, days=30)
    done = _reviews(children, ReviewKind.NEW_BIRTH)
    return _tally(
        "new_birth_visit_14_days",
        ((c, c.pk in done and done[c.pk].done_on <= c.dob + timedelta(days=14)) for c in children),
    )


def six_eight_week_by_8_weeks(people: QuerySet[Person], quarter: Quarter) -> list[Row]:
    children = _cohort(people, quarter, days=56)
    done = _reviews(children, ReviewKind.SIX_EIGHT_WEEK)
    return _tally(
        "six_eight_week_by_8_weeks",
        ((c, c.pk in done and done[c.pk].done_on <= c.dob + timedelta(days=56)) for c in children),
    )


def breastfeeding_6_8_weeks(people: QuerySet[Person], quarter: Quarter) -> list[Row]:
    """Totally or partially breastfed, of the children whose status was recorded at 6-8 weeks."""
    children = _cohort(people, quarter, days=56)
    done = _reviews(children, ReviewKind.SIX_EIGHT_WEEK)
    recorded = [c for c in children if c.pk in done and done[c.pk].breastfeeding]
    return _tally(
        "breastfeeding_6_8_weeks",
        ((c, done[c.pk].breastfeeding in (Feeding.EXCLUSIVE, Feeding.PARTIAL)) for c in recorded),
    )


def twelve_month_by_12_months(people: QuerySet[Person], quarter: Quarter) -> list[Row]:
    children = _cohort(people, quarter, months=12)
    done = _reviews(children, ReviewKind.TWELVE_MONTH)
    return _tally(
        "twelve_month_by_12_months",
        ((c, c.pk in done and done[c.pk].done_on <= add_months(c.dob, 12)) for c in children),
    )


def twelve_month_by_15_months(people: QuerySet[Person], quarter: Quarter) -> list[Row]:
    children = _cohort(people, quarter, months=15)
    done = _reviews(children, ReviewKind.TWELVE_MONTH)
    return _tally(
        "twelve_month_by_15_months",
        ((c, c.pk in done and done[c.pk].done_on <= add_months(c.dob, 15)) for c in children),
    )


def two_year_by_2_5_years(people: QuerySet[Person], quarter: Quarter) -> list[Row]:
    children = _cohort(people, quarter, months=30)
    done = _reviews(children, ReviewKind.TWO_YEAR)
    return _tally(
        "two_year_by_2_5_years",
        ((c, c.pk in done and done[c.pk].done_on <= add_months(c.dob, 30)) for c in children),
    )


def two_year_using_asq3(people: QuerySet[Person], quarter: Quarter) -> list[Row]:
    """Of the 2-2.5 year reviews done by 2.5 years in the cohort, those that used ASQ-3."""
    children = _cohort(people, quarter, months=30)
    done = _reviews(children, ReviewKind.TWO_YEAR)
    reviewed = [c for c in children if c.pk in done and done[c.pk].done_on <= add_months(c.dob, 30)]
    return _tally("two_year_using_asq3", ((c, done[c.pk].asq_used) for c in reviewed))


Indicator = Callable[[QuerySet[Person], Quarter], list[Row]]

# name -> (title, function): the outcomes part can register these as they are.
INDICATORS: dict[str, tuple[str, Indicator]] = {
    "new_birth_visit_14_days": ("New birth visits within 14 days", new_birth_visit_14_days),
    "six_eight_week_by_8_weeks": ("6-8 week reviews by 8 weeks", six_eight_week_by_8_weeks),
    "breastfeeding_6_8_weeks": (
        "Totally or partially breastfed at 6-8 weeks",
        breastfeeding_6_8_weeks,
    ),
    "twelve_month_by_12_months": ("12-month reviews by 12 months", twelve_month_by_12_months),
    "twelve_month_by_15_months": ("12-month reviews by 15 months", twelve_month_by_15_months),
    "two_year_by_2_5_years": ("2-2½ year reviews by 2½ years", two_year_by_2_5_years),
    "two_year_using_asq3": ("2-2½ year reviews using ASQ-3", two_year_using_asq3),
}


def all_indicators(people: QuerySet[Person], quarter: Quarter) -> list[Row]:
    rows: list[Row] = []
    for _, function in INDICATORS.values():
        rows.extend(function(people, quarter))
    return rows


def to_csv(rows: Iterable[Row], quarter: Quarter) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["quarter", "indicator", "breakdown", "group", "numerator", "denominator", "percent"]
    )
    for row in rows:
        writer.writerow(
            [
                quarter.label,
                row.indicator,
                row.breakdown,
                _safe(row.group),
                row.numerator,
                row.denominator,
                "" if row.percent is None else row.percent,
            ]
        )
    return out.getvalue()


def _safe(text: str) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas: neutralise them."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
