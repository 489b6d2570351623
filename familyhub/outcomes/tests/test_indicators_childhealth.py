"""Every child health indicator on constructed children, counted by hand (2025/26 Q1)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from familyhub.childhealth.schedule import ReviewKind
from familyhub.core import indicators as registry
from familyhub.core.dates import add_months
from familyhub.outcomes.tests.conftest import Q_END, Q_START, by_area, totals

pytestmark = pytest.mark.django_db


def run(key, authority):
    return registry.get(key).compute(authority.pk, Q_START, Q_END)


def test_new_birth_visit_cohort_and_14_day_rule(authority, make_child, review, affluent, deprived):
    on_time = make_child(date_of_birth=Q_START - timedelta(days=30))  # 30 days on 1 April
    late = make_child(date_of_birth=Q_END - timedelta(days=30))  # 30 days on 30 June
    none = make_child(date_of_birth=date(2025, 4, 20), area=affluent)  # 30 days in May, no visit
    make_child(date_of_birth=Q_END - timedelta(days=29))  # turns 30 in July: out
    make_child(date_of_birth=Q_START - timedelta(days=31))  # turned 30 in March: out
    review(on_time, ReviewKind.NEW_BIRTH, on_time.date_of_birth + timedelta(days=14))
    review(late, ReviewKind.NEW_BIRTH, late.date_of_birth + timedelta(days=15))
    review(none, ReviewKind.NEW_BIRTH, none.date_of_birth + timedelta(days=3), outcome="declined")
    cells = run("new_birth_visit_14_days", authority)
    assert totals(cells) == (1, 3)
    assert by_area(cells, deprived) == (1, 2)
    assert by_area(cells, affluent) == (0, 1)


def test_six_eight_week_by_8_weeks(authority, make_child, review):
    a = make_child(date_of_birth=Q_START - timedelta(days=56))
    b = make_child(date_of_birth=Q_END - timedelta(days=56))
    make_child(date_of_birth=Q_END - timedelta(days=55))  # out
    review(a, ReviewKind.SIX_EIGHT_WEEK, a.date_of_birth + timedelta(days=56))  # on the day: in
    review(b, ReviewKind.SIX_EIGHT_WEEK, b.date_of_birth + timedelta(days=57))  # a day late
    assert totals(run("six_eight_week_by_8_weeks", authority)) == (1, 2)


def test_breastfeeding_of_those_recorded(authority, make_child, review):
    kids = [make_child(date_of_birth=Q_START - timedelta(days=40 + i)) for i in range(4)]
    review(kids[0], ReviewKind.SIX_EIGHT_WEEK, date(2025, 4, 10), breastfeeding="exclusive")
    review(kids[1], ReviewKind.SIX_EIGHT_WEEK, date(2025, 4, 10), breastfeeding="partial")
    review(kids[2], ReviewKind.SIX_EIGHT_WEEK, date(2025, 4, 10), breastfeeding="formula")
    review(kids[3], ReviewKind.SIX_EIGHT_WEEK, date(2025, 4, 10))  # not recorded: left out
    # 40..43 days before 1 April turn 56 days in mid-April: all four in the cohort.
    assert totals(run("breastfeeding_6_8_weeks", authority)) == (2, 3)


def test_twelve_month_by_12_and_by_15_months(authority, make_child, review):
    # Turned 12 months in the quarter: born April-June 2024.
    a = make_child(date_of_birth=date(2024, 4, 30))
    b = make_child(date_of_birth=date(2024, 6, 30))
    make_child(date_of_birth=date(2024, 7, 1))  # turns 12 months in July: out
    review(a, ReviewKind.TWELVE_MONTH, add_months(a.date_of_birth, 12))  # on the birthday
    review(b, ReviewKind.TWELVE_MONTH, add_months(b.date_of_birth, 12) + timedelta(days=1))
    assert totals(run("twelve_month_by_12_months", authority)) == (1, 2)
    # Turned 15 months in the quarter: born January-March 2024 (31 Jan + 15 months = 30 April).
    c = make_child(date_of_birth=date(2024, 1, 31))
    d = make_child(date_of_birth=date(2024, 3, 31))
    make_child(date_of_birth=date(2023, 12, 31))  # turned 15 months in March: out
    review(c, ReviewKind.TWELVE_MONTH, date(2025, 4, 30))  # the clamped 15-month day: in time
    review(d, ReviewKind.TWELVE_MONTH, date(2025, 7, 1))  # after 15 months
    assert totals(run("twelve_month_by_15_months", authority)) == (1, 2)


def test_two_year_reviews_and_asq3(authority, make_child, review):
    # Reached 2½ years in the quarter: born October-December 2022.
    a = make_child(date_of_birth=date(2022, 10, 1))
    b = make_child(date_of_birth=date(2022, 11, 15))
    c = make_child(date_of_birth=date(2022, 12, 31))
    make_child(date_of_birth=date(2023, 1, 1))  # out
    review(a, ReviewKind.TWO_YEAR, date(2025, 1, 10), asq_used=True)
    review(b, ReviewKind.TWO_YEAR, date(2025, 3, 1), asq_used=False)
    review(c, ReviewKind.TWO_YEAR, date(2025, 7, 1), asq_used=True)  # after 2½ years
    assert totals(run("two_year_by_2_5_years", authority)) == (2, 3)
    assert totals(run("two_year_using_asq3", authority)) == (1, 2)


def test_reception_obesity(authority, make_child, hv_service, deprived, affluent):
    from familyhub.childhealth.models import Measurement

    def measure(child, category, on=date(2025, 10, 1), context="ncmp_reception"):
        Measurement.objects.create(
            person=child,
            owning_service=hv_service,
            measured_on=on,
            context=context,
            height_cm=110,
            weight_kg=20,
            bmi=16.5,
            reference="UK90",
            z_score=0,
            centile=50,
            population_category=category,
        )

    measure(make_child(), "obese")
    measure(make_child(), "severely_obese")
    measure(make_child(), "overweight")
    measure(make_child(area=affluent), "healthy")
    measure(make_child(area=affluent), "obese", context="ncmp_year_six")  # Year 6: out
    measure(make_child(), "obese", on=date(2025, 3, 31))  # the year before: out
    cells = registry.get("reception_obesity").compute(
        authority.pk, date(2025, 4, 1), date(2026, 3, 31)
    )
    assert totals(cells) == (2, 4)
    assert by_area(cells, deprived) == (2, 3)
    assert by_area(cells, affluent) == (0, 1)
    assert {c["service_id"] for c in cells} == {hv_service.pk}


def test_people_behind_the_numerator_match_the_count(authority, make_child, review):
    from familyhub.core.indicators import get

    a = make_child(date_of_birth=date(2024, 4, 30))
    make_child(date_of_birth=date(2024, 6, 30))
    review(a, ReviewKind.TWELVE_MONTH, add_months(a.date_of_birth, 12))
    people = get("twelve_month_by_12_months").people(authority.pk, Q_START, Q_END)
    assert list(people) == [a]
    assert get("reception_obesity").people is None  # no drill-down: the page says so
