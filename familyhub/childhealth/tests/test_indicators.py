"""Indicator cohorts on a constructed quarter (2025/26 Q1: 1 April to 30 June 2025)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from familyhub.childhealth import quarterly
from familyhub.childhealth.models import Review, ReviewDue
from familyhub.childhealth.schedule import ReviewKind
from familyhub.core.dates import add_months
from familyhub.core.indicators import financial_quarter, period_of
from familyhub.people.models import Person

pytestmark = pytest.mark.django_db
Q = financial_quarter(2025, 1)


def rows_of(key):
    """The page's rows for one indicator (the register's authority: one per test)."""
    authority_id = Person.objects.values_list("authority_id", flat=True).first()
    return [row for row in quarterly.quarter_rows(authority_id, Q) if row.indicator == key]


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
    assert period_of(date(2026, 2, 1), "quarter").label == "2025/26 Q4"


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
    rows = rows_of("new_birth_visit_14_days")
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
    assert by(rows_of("six_eight_week_by_8_weeks")) == (1, 3)
    assert by(rows_of("breastfeeding_6_8_weeks")) == (1, 2)


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
    assert by(rows_of("twelve_month_by_12_months")) == (1, 1)
    assert by(rows_of("twelve_month_by_15_months")) == (1, 1)


def test_two_year_reviews_and_asq(make_child, hv_service, owner):
    a = make_child(date_of_birth=date(2022, 10, 20))  # 2.5 years on 20 April 2025
    b = make_child(date_of_birth=date(2022, 12, 31))  # 30 months on 30 June 2025 (clamped)
    c = make_child(date_of_birth=date(2022, 11, 5))
    review(a, ReviewKind.TWO_YEAR, date(2025, 1, 5), hv_service, owner, asq_used=True)
    review(b, ReviewKind.TWO_YEAR, date(2025, 6, 30), hv_service, owner, asq_used=False)
    review(c, ReviewKind.TWO_YEAR, date(2025, 6, 1), hv_service, owner)  # after 2.5 years
    assert by(rows_of("two_year_by_2_5_years")) == (2, 3)
    assert by(rows_of("two_year_using_asq3")) == (1, 2)


def test_csv_has_every_breakdown_and_no_names(make_child, hv_service, owner):
    child = make_child(date_of_birth=Q.start - timedelta(days=30), given_name="Zebedee")
    review(child, ReviewKind.NEW_BIRTH, child.date_of_birth + timedelta(days=12), hv_service, owner)
    text = quarterly.to_csv(quarterly.quarter_rows(Person.objects.first().authority_id, Q), Q)
    assert "Zebedee" not in text
    assert "new_birth_visit_14_days,all,All,1,1,100.0" in text
    assert ",ward," in text and ",imd_decile," in text and ",locality," in text


def test_csv_keeps_a_formula_in_a_ward_name_as_text(make_child, hv_service, owner):
    child = make_child(date_of_birth=Q.start - timedelta(days=30))
    child.area.name = '=HYPERLINK("http://evil.example","Grays")'
    child.area.save()
    review(child, ReviewKind.NEW_BIRTH, child.date_of_birth + timedelta(days=12), hv_service, owner)
    text = quarterly.to_csv(quarterly.quarter_rows(child.authority_id, Q), Q)
    assert ",ward,\"'=HYPERLINK(" in text and ',ward,"=HYPERLINK(' not in text


def test_c3_counts_new_birth_visits_after_14_days_in_the_c2_cohort(make_child, hv_service, owner):
    """Four children turn 30 days in the quarter: visited on day 14 (on time, not C3), day 15
    and day 30 (late: C3), day 31 (after the 30 days the cohort counts: neither). C3 = 2 of 4."""
    days = [14, 15, 30, 31]
    for n, day in enumerate(days):
        child = make_child(date_of_birth=Q.start + timedelta(days=n) - timedelta(days=30))
        review(
            child,
            ReviewKind.NEW_BIRTH,
            child.date_of_birth + timedelta(days=day),
            hv_service,
            owner,
        )
    assert by(rows_of("new_birth_visit_after_14_days")) == (2, 4)
    assert by(rows_of("new_birth_visit_14_days")) == (1, 4)


def test_c1_counts_antenatal_contacts_in_the_12_weeks_before_the_birth(
    make_child, hv_service, owner
):
    """Three babies born in the quarter: a contact 12 weeks before (counted), 13 weeks before
    (before 28 weeks of pregnancy: not counted), none. One born before the quarter with a contact:
    outside the cohort. C1 = 1 of 3."""
    counted = make_child(date_of_birth=Q.start + timedelta(days=20))
    early = make_child(date_of_birth=Q.start + timedelta(days=21))
    make_child(date_of_birth=Q.start + timedelta(days=22))
    before = make_child(date_of_birth=Q.start - timedelta(days=1))
    review(
        counted, ReviewKind.ANTENATAL, counted.date_of_birth - timedelta(days=84), hv_service, owner
    )
    review(early, ReviewKind.ANTENATAL, early.date_of_birth - timedelta(days=91), hv_service, owner)
    review(
        before, ReviewKind.ANTENATAL, before.date_of_birth - timedelta(days=30), hv_service, owner
    )
    assert by(rows_of("antenatal_contact")) == (1, 3)
