"""The pre-aggregated table rolls cells up into every breakdown, and matches a direct
recomputation from the record after changes, including a merge of two records of one child."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from familyhub.childhealth.models import Review
from familyhub.childhealth.schedule import ReviewKind
from familyhub.core import indicators as registry
from familyhub.outcomes.aggregation import quintile_of, refresh
from familyhub.outcomes.models import IndicatorValue
from familyhub.outcomes.tests.conftest import Q_END, Q_START, TODAY
from familyhub.people.merging import person_merge
from familyhub.people.models import Person

pytestmark = pytest.mark.django_db
KEY = "new_birth_visit_14_days"


def stored(authority, breakdown, breakdown_id="", start=Q_START):
    value = IndicatorValue.objects.get(
        authority=authority,
        indicator_key=KEY,
        breakdown=breakdown,
        breakdown_id=breakdown_id,
        period_start=start,
    )
    return value.numerator, value.denominator


def direct(area=None) -> tuple[int, int]:
    """The indicator recomputed person by person from the record, in plain Python."""
    num = den = 0
    for child in Person.objects.filter(merged_into__isnull=True, is_unborn=False):
        if area is not None and child.area_id != area.pk:
            continue
        if not Q_START <= child.date_of_birth + timedelta(days=30) <= Q_END:
            continue
        den += 1
        visits = Review.objects.filter(person=child, kind=ReviewKind.NEW_BIRTH, outcome="completed")
        num += any(v.done_on <= child.date_of_birth + timedelta(days=14) for v in visits)
    return num, den


def test_quintiles():
    assert [quintile_of(d) for d in (1, 2, 3, 9, 10, None)] == [1, 1, 2, 5, 5, None]


def test_refresh_rolls_up_every_breakdown(
    authority, make_child, review, deprived, affluent, locality
):
    a = make_child(date_of_birth=date(2025, 3, 20))
    make_child(date_of_birth=date(2025, 4, 20))
    c = make_child(date_of_birth=date(2025, 4, 2), area=affluent)
    make_child(date_of_birth=date(2025, 4, 3), area=None)
    review(a, ReviewKind.NEW_BIRTH, date(2025, 3, 30))
    review(c, ReviewKind.NEW_BIRTH, date(2025, 4, 10))
    refresh(authority.pk, keys=[KEY], quarters=8, today=TODAY)
    assert stored(authority, "all") == (2, 4) == direct()
    assert stored(authority, "area", str(deprived.pk)) == (1, 2) == direct(deprived)
    assert stored(authority, "area", str(affluent.pk)) == (1, 1)
    assert stored(authority, "area", "unknown") == (0, 1)
    assert stored(authority, "locality", str(locality.pk)) == (2, 3)
    assert stored(authority, "decile", "1") == (1, 2)
    assert stored(authority, "quintile", "1") == (1, 2)
    assert stored(authority, "quintile", "5") == (1, 1)
    # Eight quarters, oldest first, ending with the current one.
    starts = sorted(
        set(IndicatorValue.objects.filter(indicator_key=KEY).values_list("period_start", flat=True))
    )
    assert len(starts) == 8 and starts[-1] == Q_START and starts[0] == date(2023, 7, 1)
    # Aggregates hold counts only: no column refers to a person.
    assert not [f for f in IndicatorValue._meta.get_fields() if f.name in ("person", "person_id")]


def test_aggregates_match_recomputation_after_changes_and_a_merge(
    authority, make_child, review, hv, deprived
):
    born = date(2025, 4, 1)
    first = make_child(date_of_birth=born, given_name="Amy", family_name="Lee")
    duplicate = make_child(date_of_birth=born, given_name="Amy", family_name="Lee")
    other = make_child(date_of_birth=born)
    review(duplicate, ReviewKind.NEW_BIRTH, born + timedelta(days=12))
    refresh(authority.pk, keys=[KEY], quarters=1, today=TODAY)
    assert stored(authority, "all") == direct() == (1, 3)

    review(other, ReviewKind.NEW_BIRTH, born + timedelta(days=13))  # a change in the record
    refresh(authority.pk, keys=[KEY], quarters=1, today=TODAY)
    assert stored(authority, "all") == direct() == (2, 3)

    person_merge(survivor=first, duplicate=duplicate, by=hv, reason="Same child registered twice")
    refresh(authority.pk, keys=[KEY], quarters=1, today=TODAY)
    # One child now, with the visit moved to the survivor: 2 of 2.
    assert stored(authority, "all") == direct() == (2, 2)
    assert stored(authority, "area", str(deprived.pk)) == direct(deprived)


def test_every_registered_indicator_refreshes(authority, deprived):
    written = refresh(authority.pk, quarters=2, years=1, today=TODAY)
    keys = set(IndicatorValue.objects.values_list("indicator_key", flat=True))
    assert keys == set(registry.all_registered())
    assert written == IndicatorValue.objects.count()


def test_refresh_counts_by_protected_characteristic(authority, make_child, review, affluent):
    a = make_child(date_of_birth=date(2025, 3, 20), sex="F", ethnicity="A2", first_language="Urdu")
    b = make_child(
        date_of_birth=date(2025, 4, 20), sex="F", ethnicity="W1", first_language="English"
    )
    c = make_child(date_of_birth=date(2025, 4, 2), sex="M", ethnicity="B2", disability_or_send=True)
    make_child(date_of_birth=date(2025, 4, 3), sex="M", ethnicity="NS", area=affluent)
    review(a, ReviewKind.NEW_BIRTH, date(2025, 3, 30))
    review(b, ReviewKind.NEW_BIRTH, date(2025, 5, 30))  # late: not by 14 days
    review(c, ReviewKind.NEW_BIRTH, date(2025, 4, 10))
    refresh(authority.pk, keys=[KEY], quarters=1, today=TODAY)
    assert stored(authority, "sex", "F") == (1, 2)
    assert stored(authority, "sex", "M") == (1, 2)
    assert stored(authority, "ethnicity", "A") == (1, 1)
    assert stored(authority, "ethnicity", "W") == (0, 1)
    assert stored(authority, "ethnicity", "B") == (1, 1)
    assert stored(authority, "ethnicity", "unknown") == (0, 1)  # "not stated"
    assert stored(authority, "send", "yes") == (1, 1)
    assert stored(authority, "send", "no") == (1, 3)
    assert stored(authority, "language", "other") == (1, 1)
    assert stored(authority, "language", "english") == (0, 1)
    assert stored(authority, "language", "unknown") == (1, 2)
    # Each characteristic's groups add up to the whole, as suppression across tables needs.
    for breakdown in ("sex", "ethnicity", "send", "language"):
        rows = IndicatorValue.objects.filter(indicator_key=KEY, breakdown=breakdown)
        assert sum(r.denominator for r in rows) == stored(authority, "all")[1] == 4
