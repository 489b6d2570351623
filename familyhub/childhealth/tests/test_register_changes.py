"""A child's schedule follows changes made through the register's services (people.hooks)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from familyhub.childhealth.models import ReviewDue
from familyhub.people import services as people

pytestmark = pytest.mark.django_db


def _schedule(person):
    return {row.kind: row for row in ReviewDue.objects.filter(person=person)}


def test_registering_a_baby_schedules_reviews_and_a_new_date_of_birth_moves_them(
    authority, make_user
):
    user = make_user("health_visitor")
    born = timezone.localdate() - datetime.timedelta(days=20)
    baby = people.person_register(
        authority=authority,
        by=user,
        given_name="Ava",
        family_name="Stone",
        date_of_birth=born,
        sex="F",
    )
    before = _schedule(baby)
    assert before, "registering a baby should schedule the mandated reviews"
    baby = people.person_update(
        person=baby,
        by=user,
        expected_version=baby.version,
        date_of_birth=born - datetime.timedelta(days=7),
    )
    after = _schedule(baby)
    moved = [
        review
        for review in before
        if review in after and after[review].window_start != before[review].window_start
    ]
    assert moved, "a corrected date of birth should move the review windows"


def test_a_death_recorded_through_the_register_cancels_open_reviews(authority, make_user):
    user = make_user("health_visitor")
    baby = people.person_register(
        authority=authority,
        by=user,
        given_name="Leo",
        family_name="Hart",
        date_of_birth=timezone.localdate() - datetime.timedelta(days=3),
        sex="M",
    )
    people.person_update(
        person=baby, by=user, expected_version=baby.version, date_of_death=timezone.localdate()
    )
    open_rows = [row for row in _schedule(baby).values() if row.status in ("due",)]
    assert open_rows == []
