"""Health visiting and NCMP indicators over the child health part's reviews and measurements,
declared to the indicator contract (core.indicators) and imported by ChildHealthConfig.ready().

Cohorts (the national definitions): new birth visit within 14 days: children who turned 30 days
in the period; 6-8 week review by 8 weeks and breastfeeding at 6-8 weeks: children who turned 8
weeks; 12-month review by 12 months: turned 12 months; by 15 months: turned 15 months; 2-2.5 year
review: reached 2.5 years; ASQ-3 use: of those reviews done. Each is one aggregate query per
period, so it scales to ten years of records; the child health indicators page and the outcomes
dashboards both read these. The five review indicators share one shape (review_by_age).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from familyhub.access.records import Category
from familyhub.childhealth.centiles import PopulationCategory
from familyhub.childhealth.models import Feeding, Measurement, MeasurementContext, Outcome, Review
from familyhub.childhealth.schedule import ReviewKind
from familyhub.core.dates import AddDays, AddMonths, add_months
from familyhub.core.indicators import (
    Cell,
    by_characteristic,
    cells,
    characteristic_cells,
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


@dataclass(frozen=True)
class Age:
    """An age in days or in months (month ends clamp, as in the schedule)."""

    days: int = 0
    months: int = 0

    def after_birth(self) -> AddDays | AddMonths:
        """The date a child (the outer query's row) reaches this age, as SQL."""
        born = OuterRef("date_of_birth")
        return AddDays(born, self.days) if self.days else AddMonths(born, self.months)


def _reached(authority_id: int, start: date, end: date, age: Age) -> QuerySet:
    return _cohort(authority_id, start, end, days=age.days, months=age.months)


def _done_by(kind: str, deadline, **review: object) -> Exists:
    return Exists(
        Review.objects.filter(
            person_id=OuterRef("pk"),
            kind=kind,
            outcome=Outcome.COMPLETED,
            done_on__lte=deadline,
            **review,
        )
    )


def _count(cohort: QuerySet, hit) -> list[Cell]:
    return cells(
        cohort.annotate(hit=hit)
        .values("area_id")
        .annotate(numerator=Count("pk", filter=Q(hit=True)), denominator=Count("pk"))
        .order_by()
    )


def review_by_age(*, key: str, kind: str, reached: Age, by: Age, **labels: Any) -> None:
    """Register "children who reached an age in the period, with a review of `kind` completed
    by another age": the shape of the national health visiting review indicators, with the
    people behind the numerator for the access-checked drill-down."""

    def compute(authority_id: int, start: date, end: date) -> list[Cell]:
        return _count(_reached(authority_id, start, end, reached), _done_by(kind, by.after_birth()))

    def people(authority_id: int, start: date, end: date) -> QuerySet:
        cohort = _reached(authority_id, start, end, reached)
        return cohort.filter(_done_by(kind, by.after_birth()))

    def characteristics(authority_id: int, start: date, end: date):
        cohort = _reached(authority_id, start, end, reached)
        return characteristic_cells(cohort.annotate(hit=_done_by(kind, by.after_birth())))

    compute.__name__ = compute.__qualname__ = key
    indicator(key=key, part=PART, category=Category.HEALTH, **labels)(compute)
    people_behind(key, records=Review)(people)
    by_characteristic(key)(characteristics)


review_by_age(
    key="new_birth_visit_14_days",
    kind=ReviewKind.NEW_BIRTH,
    reached=Age(days=30),
    by=Age(days=14),
    title="New birth visits within 14 days",
    target=95.0,
    numerator="Children with a new birth visit by 14 days",
    denominator="Children who turned 30 days in the quarter",
)


# C3 of the national health visiting metrics: the new birth visits that came late (after 14
# days), among the same cohort as C2 (children who turned 30 days in the period).
@indicator(
    key="new_birth_visit_after_14_days",
    title="New birth visits after 14 days (C3)",
    numerator="Children whose new birth visit was after 14 days, by 30 days",
    denominator="Children who turned 30 days in the quarter",
    part=PART,
    category=Category.HEALTH,
)
def new_birth_visit_after_14_days(authority_id: int, start: date, end: date) -> list[Cell]:
    return _count(_reached(authority_id, start, end, Age(days=30)), _late_new_birth_visit())


def _late_new_birth_visit() -> Exists:
    born = OuterRef("date_of_birth")
    return Exists(
        Review.objects.filter(
            person_id=OuterRef("pk"),
            kind=ReviewKind.NEW_BIRTH,
            outcome=Outcome.COMPLETED,
            done_on__gt=AddDays(born, 14),
            done_on__lte=AddDays(born, 30),
        )
    )


@people_behind("new_birth_visit_after_14_days", records=Review)
def new_birth_visit_after_14_days_people(authority_id: int, start: date, end: date) -> QuerySet:
    return _reached(authority_id, start, end, Age(days=30)).filter(_late_new_birth_visit())


# C1: a first antenatal contact with a health visitor at 28 weeks of pregnancy or later. The
# record holds the birth, not the gestation at the contact, so 28 weeks is counted as the 12
# weeks before the birth (40 weeks less 28): a proxy, said in the numerator's words.
@indicator(
    key="antenatal_contact",
    title="Antenatal contacts (C1)",
    numerator="Babies born in the quarter whose family had an antenatal contact in the 12 weeks "
    "before the birth (28 weeks of pregnancy or more, counted from the birth)",
    denominator="Babies born in the quarter",
    part=PART,
    category=Category.HEALTH,
)
def antenatal_contact(authority_id: int, start: date, end: date) -> list[Cell]:
    return _count(_cohort(authority_id, start, end), _antenatal_contact())


def _antenatal_contact() -> Exists:
    born = OuterRef("date_of_birth")
    return Exists(
        Review.objects.filter(
            person_id=OuterRef("pk"),
            kind=ReviewKind.ANTENATAL,
            outcome=Outcome.COMPLETED,
            done_on__gte=AddDays(born, -84),
            done_on__lte=born,
        )
    )


@people_behind("antenatal_contact", records=Review)
def antenatal_contact_people(authority_id: int, start: date, end: date) -> QuerySet:
    return _cohort(authority_id, start, end).filter(_antenatal_contact())


review_by_age(
    key="six_eight_week_by_8_weeks",
    kind=ReviewKind.SIX_EIGHT_WEEK,
    reached=Age(days=56),
    by=Age(days=56),
    title="6-8 week reviews by 8 weeks",
    target=90.0,
    numerator="Children with a 6-8 week review by 8 weeks",
    denominator="Children who turned 8 weeks in the quarter",
)


@indicator(
    key="breastfeeding_6_8_weeks",
    title="Totally or partially breastfed at 6-8 weeks",
    target=50.0,
    numerator="Children totally or partially breastfed at the 6-8 week review",
    denominator="Children who turned 8 weeks with feeding recorded at 6-8 weeks",
    part=PART,
    category=Category.HEALTH,
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


review_by_age(
    key="twelve_month_by_12_months",
    kind=ReviewKind.TWELVE_MONTH,
    reached=Age(months=12),
    by=Age(months=12),
    title="12-month reviews by 12 months",
    target=85.0,
    numerator="Children with a 12-month review by 12 months",
    denominator="Children who turned 12 months in the quarter",
)
review_by_age(
    key="twelve_month_by_15_months",
    kind=ReviewKind.TWELVE_MONTH,
    reached=Age(months=15),
    by=Age(months=15),
    title="12-month reviews by 15 months",
    target=90.0,
    numerator="Children with a 12-month review by 15 months",
    denominator="Children who turned 15 months in the quarter",
)
review_by_age(
    key="two_year_by_2_5_years",
    kind=ReviewKind.TWO_YEAR,
    reached=Age(months=30),
    by=Age(months=30),
    title="2-2½ year reviews by 2½ years",
    target=85.0,
    numerator="Children with a 2-2½ year review by 2½ years",
    denominator="Children who reached 2½ years in the quarter",
)


@indicator(
    key="two_year_using_asq3",
    title="2-2½ year reviews using ASQ-3",
    target=95.0,
    numerator="Reviews done by 2½ years that used ASQ-3",
    denominator="Children who reached 2½ years with a review done by then",
    part=PART,
    category=Category.HEALTH,
)
def two_year_using_asq3(authority_id: int, start: date, end: date) -> list[Cell]:
    deadline = Age(months=30).after_birth()
    reviewed = _reached(authority_id, start, end, Age(months=30)).filter(
        _done_by(ReviewKind.TWO_YEAR, deadline)
    )
    return _count(reviewed, _done_by(ReviewKind.TWO_YEAR, deadline, asq_used=True))


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
    category=Category.HEALTH,
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
