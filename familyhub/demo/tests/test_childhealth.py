"""The demo: a year of reviews, completion lower in the more deprived ward."""

from __future__ import annotations

import io
import random
from datetime import timedelta

import pytest
from django.db import models
from django.utils import timezone

from familyhub.accounts.roles import Role
from familyhub.childhealth.models import DueStatus, Review, ReviewDue
from familyhub.childhealth.schedule import ReviewKind
from familyhub.childhealth.tests import conftest as childhealth_fixtures
from familyhub.childhealth.tests.factories import ChildFactory
from familyhub.demo.childhealth import completion_rate, load_demo
from familyhub.testing import factories as shared

# The childhealth tests' fixtures, for the childhealth demo.
hv_service = childhealth_fixtures.hv_service
hv_team = childhealth_fixtures.hv_team
sn_service = childhealth_fixtures.sn_service

pytestmark = pytest.mark.django_db


def test_rates_fall_with_deprivation():
    assert completion_rate(ReviewKind.NEW_BIRTH, 1) < completion_rate(ReviewKind.NEW_BIRTH, 10)


def test_load_demo_records_a_year_of_reviews(authority, make_user, hv_team, sn_service):
    make_user(Role.HEALTH_VISITOR, team=hv_team, username="health_visitor")
    deprived = shared.AreaFactory(authority=authority, locality=hv_team.locality, imd_decile=1)
    affluent = shared.AreaFactory(authority=authority, locality=hv_team.locality, imd_decile=10)
    rng = random.Random(7)
    today = timezone.localdate()
    for area in (deprived, affluent):
        for _ in range(100):
            ChildFactory(
                authority=authority,
                area=area,
                sex=rng.choice("MF"),
                date_of_birth=today - timedelta(days=rng.randint(20, 4 * 365)),
            )
    ChildFactory(
        authority=authority,
        area=affluent,
        sex="F",
        date_of_birth=today - timedelta(days=5 * 365 + 100),
    )
    out = io.StringIO()
    load_demo(authority=authority, rng=random.Random(1), stdout=out)
    assert "schedules" in out.getvalue()
    assert Review.objects.count() > 100

    def share_done(area):
        rows = ReviewDue.objects.filter(person__area=area, late_until__lt=today)
        done = rows.filter(
            status=DueStatus.COMPLETED, completed_on__lte=models.F("window_end")
        ).count()
        return done / max(1, rows.count())

    assert share_done(deprived) < share_done(affluent)
    assert ReviewDue.objects.filter(status=DueStatus.DUE, window_start__lte=today).exists()
