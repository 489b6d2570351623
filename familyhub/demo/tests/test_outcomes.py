"""The demo refreshes a year of figures over the other parts' demo records, with a gradient."""

from __future__ import annotations

import io
import random
from datetime import timedelta

import pytest
from django.utils import timezone

from familyhub.accounts.roles import Role
from familyhub.childhealth.tests.factories import ChildFactory
from familyhub.demo.childhealth import load_demo as load_childhealth_demo
from familyhub.demo.outcomes import load_demo
from familyhub.outcomes.models import IndicatorValue
from familyhub.outcomes.tests import conftest as outcomes_fixtures
from familyhub.testing import factories as shared

# The outcomes tests' fixtures, for the outcomes demo.
locality = outcomes_fixtures.locality
hv_service = outcomes_fixtures.hv_service
hv_team = outcomes_fixtures.hv_team

pytestmark = pytest.mark.django_db


def test_demo_shows_a_year_with_a_deprivation_gradient(authority, make_user, hv_team, locality):
    from familyhub.childhealth.tests.factories import SchoolNursingServiceFactory

    SchoolNursingServiceFactory(authority=authority)
    make_user(Role.HEALTH_VISITOR, team=hv_team, username="health_visitor")
    deprived = shared.AreaFactory(authority=authority, locality=locality, imd_decile=1)
    affluent = shared.AreaFactory(authority=authority, locality=locality, imd_decile=10)
    rng = random.Random(7)
    today = timezone.localdate()
    for area in (deprived, affluent):
        for _ in range(150):
            ChildFactory(
                authority=authority,
                area=area,
                sex=rng.choice("MF"),
                date_of_birth=today - timedelta(days=rng.randint(20, 3 * 365)),
            )
    load_childhealth_demo(authority=authority, rng=random.Random(1), stdout=io.StringIO())
    out = io.StringIO()
    load_demo(authority=authority, rng=random.Random(1), stdout=out)
    assert "figures over the last 4 quarters" in out.getvalue()
    periods = set(
        IndicatorValue.objects.filter(indicator_key="six_eight_week_by_8_weeks").values_list(
            "period_start", flat=True
        )
    )
    assert len(periods) == 4

    def rate(quintile):
        rows = IndicatorValue.objects.filter(
            indicator_key="six_eight_week_by_8_weeks", breakdown="quintile", breakdown_id=quintile
        ).values_list("numerator", "denominator")
        n = sum(r[0] for r in rows)
        d = sum(r[1] for r in rows)
        return n / d

    assert rate("1") < rate("5")
