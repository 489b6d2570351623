"""Indicator cohorts on a constructed quarter (2025/26 Q1: 1 April to 30 June 2025)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from familyhub.childhealth import indicators
from familyhub.childhealth.models import Review, ReviewDue
from familyhub.childhealth.schedule import ReviewKind, add_months
from familyhub.people.models import Person

pytestmark = pytest.mark.django_db
Q = indicators.financial_quarter(2025, 1)


def review(child, kind, done_on, hv_service, user, **fields):
    due = ReviewDue.objects.create(
        person=child,
        authority=child.authority,
        owning_service=hv_service,
        kind=kind,
        window_start=done_on,
        window_end=done_on,
        late_until=done_on,
        status="completed",
        recorded=True,
    )
    return Review.objects.create(
        person=child,
        owning_service=hv_service,
        due=due,
        kind=kind,
        done_on=done_on,
        place="home",
        outcome="completed",
        done_by=user,
        **fields,
    )


def by(rows, breakdown="all", group="All"):
    return next(
        (r.numerator, r.denominator) for r in rows if (r.breakdown, r.group) == (breakdown, group)
    )


def test_quarters():
    assert (Q.start, Q.end) == (date(2025, 4, 1), date(2025, 6, 30))
    assert indicators.quarter_of(date(2026, 2, 1)).label == "2025/26 Q4"


def test_new_birth_visit_cohort_is_children_turning_30_days(make_child, hv_service, owner, ward):
    in_cohort_on_time = make_child(date_of_birth=Q.start - timedelta(days=30))  # 30 days on 1 Apr
    in_cohort_late = make_child(date_of_birth=Q.end - timedelta(days=30))  # 30 days on 30 Jun
    make_child(date_of_birth=Q.end - timedelta(days=29))  # turns 30 in July: not in cohort
    make_child(date_of_birth=Q.start - timedelta(days=31))  # turned 30 in March: not in cohort
    review(
        in_cohort_on_time,
        ReviewKind.NEW_BIRTH,
        in_cohort_on_time.date_of_birth + timedelta(days=14),
        hv_service,
        owner,
    )
    review(
        in_cohort_late,
        ReviewKind.NEW_BIRTH,
        in_cohort_late.date_of_birth + timedelta(days=15),
        hv_service,
        owner,
    )
    rows = indicators.new_birth_visit_14_days(Person.objects.all(), Q)
    assert by(rows) == (1, 2)
    assert by(rows, "imd_decile", str(ward.imd_decile)) == (1, 2)
    assert by(rows, "locality", ward.locality.name) == (1, 2)


def test_six_eight_weeks_and_breastfeeding(make_child, hv_service, owner):
    a = make_child(date_of_birth=date(2025, 4, 10) - timedelta(days=56))
    b = make_child(date_of_birth=date(2025, 5, 10) - timedelta(days=56))
    make_child(date_of_birth=date(2025, 5, 20) - timedelta(days=56))  # no review at all
    review(
        a,
        ReviewKind.SIX_EIGHT_WEEK,
        a.date_of_birth + timedelta(days=56),
        hv_service,
        owner,
        breastfeeding="partial",
    )
    review(
        b,
        ReviewKind.SIX_EIGHT_WEEK,
        b.date_of_birth + timedelta(days=57),
        hv_service,
        owner,
        breastfeeding="not",
    )
    assert by(indicators.six_eight_week_by_8_weeks(Person.objects.all(), Q)) == (1, 3)
    assert by(indicators.breastfeeding_6_8_weeks(Person.objects.all(), Q)) == (1, 2)


def test_twelve_month_by_12_and_15_months(make_child, hv_service, owner):
    turned_12 = make_child(date_of_birth=date(2024, 5, 15))
    turned_15 = make_child(date_of_birth=date(2024, 2, 29))  # 15 months on 29 May 2025
    review(
        turned_12,
        ReviewKind.TWELVE_MONTH,
        add_months(turned_12.date_of_birth, 12),
        hv_service,
        owner,
    )
    review(turned_15, ReviewKind.TWELVE_MONTH, date(2025, 4, 1), hv_service, owner)  # at 13 months
    assert by(indicators.twelve_month_by_12_months(Person.objects.all(), Q)) == (1, 1)
    assert by(indicators.twelve_month_by_15_months(Person.objects.all(), Q)) == (1, 1)


def test_two_year_reviews_and_asq(make_child, hv_service, owner):
    a = make_child(date_of_birth=date(2022, 10, 20))  # 2.5 years on 20 April 2025
    b = make_child(date_of_birth=date(2022, 12, 31))  # 30 months on 30 June 2025 (clamped)
    c = make_child(date_of_birth=date(2022, 11, 5))
    review(a, ReviewKind.TWO_YEAR, date(2025, 1, 5), hv_service, owner, asq_used=True)
    review(b, ReviewKind.TWO_YEAR, date(2025, 6, 30), hv_service, owner, asq_used=False)
    review(c, ReviewKind.TWO_YEAR, date(2025, 6, 1), hv_service, owner)  # after 2.5 years
    assert by(indicators.two_year_by_2_5_years(Person.objects.all(), Q)) == (2, 3)
    assert by(indicators.two_year_using_asq3(Person.objects.all(), Q)) == (1, 2)


def test_csv_has_every_breakdown_and_no_names(make_child, hv_service, owner):
    child = make_child(date_of_birth=Q.start - timedelta(days=30), given_name="Zebedee")
    review(child, ReviewKind.NEW_BIRTH, child.date_of_birth + timedelta(days=12), hv_service, owner)
    text = indicators.to_csv(indicators.all_indicators(Person.objects.all(), Q), Q)
    assert "Zebedee" not in text
    assert "new_birth_visit_14_days,all,All,1,1,100.0" in text
    assert ",ward," in text and ",imd_decile," in text and ",locality," in text
