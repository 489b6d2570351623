from __future__ import annotations

import io
import random

import pytest

from familyhub.demo.people import load_demo, registration_share
from familyhub.people.models import Registration
from familyhub.services.models import ServiceKind
from familyhub.testing import factories

pytestmark = pytest.mark.django_db


def test_share_is_higher_in_deprived_areas():
    assert registration_share(1) > registration_share(10) >= 0.3


def test_households_are_registered_with_the_hub_serving_their_area(authority):
    deprived = factories.AreaFactory(authority=authority, imd_decile=1)
    affluent = factories.AreaFactory(authority=authority, imd_decile=10, locality=deprived.locality)
    hub = factories.SiteFactory(authority=authority, locality=deprived.locality)
    hub.reach_areas.add(deprived, affluent)
    service = factories.ServiceFactory(authority=authority, kind=ServiceKind.FAMILY_HUB)
    for area in (deprived, affluent):
        for _ in range(60):
            household = factories.HouseholdFactory(authority=authority)
            for _ in range(2):
                factories.HouseholdMembershipFactory(
                    household=household,
                    person=factories.PersonFactory(authority=authority, area=area),
                )
    out = io.StringIO()
    load_demo(authority=authority, rng=random.Random(1), stdout=out)
    poor = Registration.objects.filter(person__area=deprived, site=hub, service=service).count()
    rich = Registration.objects.filter(person__area=affluent, site=hub, service=service).count()
    assert poor > rich > 0
    assert "registered" in out.getvalue()
    load_demo(authority=authority, rng=random.Random(1), stdout=out)  # again: nobody twice
    assert Registration.objects.filter(person__area=deprived).count() == poor
