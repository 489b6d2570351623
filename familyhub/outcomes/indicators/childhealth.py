"""Health visiting and NCMP indicators over the child health part's reviews and measurements.

The cohorts and rules are those of familyhub.childhealth.indicators (which loops child by child
for one quarter); these are the same definitions as single aggregate queries per period, so they
scale to ten years of records. Owner later: the childhealth part.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from familyhub.childhealth.centiles import PopulationCategory
from familyhub.childhealth.models import Feeding, Measurement, MeasurementContext, Outcome, Review
from familyhub.childhealth.schedule import ReviewKind
from familyhub.outcomes.registry import (
    AddDays,
    AddMonths,
    Cell,
    add_months,
    cells,
    indicator,
    people_behind,
)
from familyhub.people.models import Person

PART = "childhealth"


def _cohort(authority_id: int, start: date, end: date, *, days: int = 0, months: int = 0):
    """Children who reached an age (N days or N months) within [start, end].

    Periods start on the 1st and end on a month's last day, and month arithmetic clamps within
    the target month, so 'turned N months in the period' is exactly a date-of-birth range."""
    if days:
        first, last = start - timedelta(days=days), end - timedelta(days=days)
    else:
        first = add_months(start, -months)
        last = add_months(end.replace(day=1), -months)
        last = add_months(last, 1) - timedelta(days=1)
    return Person.objects.filter(
        authority_id=authority_id,
        is_unborn=False,
        merged_into__isnull=True,
        date_of_birth__range=(first, last),
    )


def _done_by(kind: str, deadline) -> Exists:
    return Exists(
        Review.objects.filter(
            person_id=OuterRef("pk"),
            kind=kind,
            outcome=Outcome.COMPLETED,
            done_on__lte=deadline,
        )
    )


def _count(cohort: QuerySet, hit) -> list[Cell]:
    return cells(
        cohort.annotate(hit=hit)
        .values("area_id")
        .annotate(numerator=Count("pk", filter=Q(hit=True)), denominator=Count("pk"))
        .order_by()
    )


@indicator(
    key="new_birth_visit_14_days",
    title="New birth visits within 14 days",
    target=95.0,
    numerator="Children with a new birth visit by 14 days",
    denominator="Children who turned 30 days in the quarter",
    part=PART,
)
def new_birth_visit_14_days(authority_id: int, start: date, end: date) -> list[Cell]:
    cohort = _cohort(authority_id, start, end, days=30)
    return _count(cohort, _done_by(ReviewKind.NEW_BIRTH, AddDays(OuterRef("date_of_birth"), 14)))


@people_behind("new_birth_visit_14_days")
def _nbv_people(authority_id: int, start: date, end: date) -> QuerySet:
    cohort = _cohort(authority_id, start, end, days=30)
    return cohort.filter(_done_by(ReviewKind.NEW_BIRTH, AddDays(OuterRef("date_of_birth"), 14)))


@indicator(
    key="six_eight_week_by_8_weeks",
    title="6-8 week reviews by 8 weeks",
    target=90.0,
    numerator="Children with a 6-8 week review by 8 weeks",
    denominator="Children who turned 8 weeks in the quarter",
    part=PART,
)
def six_eight_week_by_8_weeks(authority_id: int, start: date, end: date) -> list[Cell]:
    cohort = _cohort(authority_id, start, end, days=56)
    return _count(
        cohort, _done_by(ReviewKind.SIX_EIGHT_WEEK, AddDays(OuterRef("date_of_birth"), 56))
    )


@indicator(
    key="breastfeeding_6_8_weeks",
    title="Totally or partially breastfed at 6-8 weeks",
    target=50.0,
    numerator="Children totally or partially breastfed at the 6-8 week review",
    denominator="Children who turned 8 weeks with feeding recorded at 6-8 weeks",
    part=PART,
)
def breastfeeding_6_8_weeks(authority_id: int, start: date, end: date) -> list[Cell]:
    reviews = Review.objects.filter(
        person_id=OuterRef("pk"), kind=ReviewKind.SIX_EIGHT_WEEK, outcome=Outcome.COMPLETED
    )
    recorded = _cohort(authority_id, start, end, days=56).filter(
        Exists(reviews.exclude(breastfeeding=""))
    )
    breastfed = Exists(reviews.filter(breastfeeding__in=[Feeding.EXCLUSIVE, Feeding.PARTIAL]))
    return _count(recorded, breastfed)


@indicator(
    key="twelve_month_by_12_months",
    title="12-month reviews by 12 months",
    target=85.0,
    numerator="Children with a 12-month review by 12 months",
    denominator="Children who turned 12 months in the quarter",
    part=PART,
)
def twelve_month_by_12_months(authority_id: int, start: date, end: date) -> list[Cell]:
    cohort = _cohort(authority_id, start, end, months=12)
    return _count(
        cohort, _done_by(ReviewKind.TWELVE_MONTH, AddMonths(OuterRef("date_of_birth"), 12))
    )


@indicator(
    key="twelve_month_by_15_months",
    title="12-month reviews by 15 months",
    target=90.0,
    numerator="Children with a 12-month review by 15 months",
    denominator="Children who turned 15 months in the quarter",
    part=PART,
)
def twelve_month_by_15_months(authority_id: int, start: date, end: date) -> list[Cell]:
    cohort = _cohort(authority_id, start, end, months=15)
    return _count(
        cohort, _done_by(ReviewKind.TWELVE_MONTH, AddMonths(OuterRef("date_of_birth"), 15))
    )


@indicator(
    key="two_year_by_2_5_years",
    title="2-2½ year reviews by 2½ years",
    target=85.0,
    numerator="Children with a 2-2½ year review by 2½ years",
    denominator="Children who reached 2½ years in the quarter",
    part=PART,
)
def two_year_by_2_5_years(authority_id: int, start: date, end: date) -> list[Cell]:
    cohort = _cohort(authority_id, start, end, months=30)
    return _count(cohort, _done_by(ReviewKind.TWO_YEAR, AddMonths(OuterRef("date_of_birth"), 30)))


@indicator(
    key="two_year_using_asq3",
    title="2-2½ year reviews using ASQ-3",
    target=95.0,
    numerator="Reviews done by 2½ years that used ASQ-3",
    denominator="Children who reached 2½ years with a review done by then",
    part=PART,
)
def two_year_using_asq3(authority_id: int, start: date, end: date) -> list[Cell]:
    deadline = AddMonths(OuterRef("date_of_birth"), 30)
    reviewed = _cohort(authority_id, start, end, months=30).filter(
        _done_by(ReviewKind.TWO_YEAR, deadline)
    )
    asq = Exists(
        Review.objects.filter(
            person_id=OuterRef("pk"),
            kind=ReviewKind.TWO_YEAR,
            outcome=Outcome.COMPLETED,
            done_on__lte=deadline,
            asq_used=True,
        )
    )
    return _count(reviewed, asq)


OBESE = [PopulationCategory.OBESE, PopulationCategory.SEVERELY_OBESE]


@indicator(
    key="reception_obesity",
    title="Children obese at Reception",
    higher_is_better=False,
    period="year",
    target=9.0,
    numerator="Children obese or severely obese (95th centile or above) at Reception",
    denominator="Children measured at Reception",
    part=PART,
    note="By financial year of measurement; NCMP publishes by school year (measured in term time).",
)
def reception_obesity(authority_id: int, start: date, end: date) -> list[Cell]:
    rows = (
        Measurement.objects.filter(
            person__authority_id=authority_id,
            person__merged_into__isnull=True,
            context=MeasurementContext.NCMP_RECEPTION,
            measured_on__range=(start, end),
        )
        .values(area_id=F("person__area_id"), service_id=F("owning_service_id"))
        .annotate(
            numerator=Count("person", distinct=True, filter=Q(population_category__in=OBESE)),
            denominator=Count("person", distinct=True),
        )
        .order_by()
    )
    return cells(rows)


def _people_done_by(
    kind: str, *, days: int = 0, months: int = 0, by_days: int = 0, by_months: int = 0
):
    deadline = (
        AddDays(OuterRef("date_of_birth"), by_days)
        if by_days
        else AddMonths(OuterRef("date_of_birth"), by_months)
    )

    def people(authority_id: int, start: date, end: date) -> QuerySet:
        cohort = _cohort(authority_id, start, end, days=days, months=months)
        return cohort.filter(_done_by(kind, deadline))

    return people


# The people behind the numerators (the drill-down filters them through the access layer).
for _key, _function in (
    ("six_eight_week_by_8_weeks", _people_done_by(ReviewKind.SIX_EIGHT_WEEK, days=56, by_days=56)),
    (
        "twelve_month_by_12_months",
        _people_done_by(ReviewKind.TWELVE_MONTH, months=12, by_months=12),
    ),
    (
        "twelve_month_by_15_months",
        _people_done_by(ReviewKind.TWELVE_MONTH, months=15, by_months=15),
    ),
    ("two_year_by_2_5_years", _people_done_by(ReviewKind.TWO_YEAR, months=30, by_months=30)),
):
    people_behind(_key)(_function)
