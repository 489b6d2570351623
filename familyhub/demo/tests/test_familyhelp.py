from __future__ import annotations

import io
import random

import pytest

from familyhub.demo import familyhelp as familyhelp_demo
from familyhub.familyhelp.models import FamilyPlan, FgdmMeeting, FgdmOffer, NetworkMember
from familyhub.familyhelp.tests import conftest as familyhelp_fixtures

# The family help tests' fixtures, for its demo.
world = familyhelp_fixtures.world
episode = familyhelp_fixtures.episode

pytestmark = pytest.mark.django_db


def test_the_demo_gives_the_lead_professionals_families_a_network_and_an_offer(world, episode):
    world.lead.username = "lead_professional"
    world.lead.save()
    out = io.StringIO()
    familyhelp_demo.load_demo(authority=world.authority, rng=random.Random(3), stdout=out)
    assert NetworkMember.objects.filter(episode=episode).count() == 3
    assert NetworkMember.objects.filter(episode=episode, family_agrees=False).count() == 1
    assert FgdmOffer.objects.filter(episode=episode, response="accepted").exists()
    assert FgdmMeeting.objects.filter(episode=episode).exists()
    assert FamilyPlan.objects.filter(episode=episode).exists()
    # Loading it again leaves it as it is.
    familyhelp_demo.load_demo(authority=world.authority, rng=random.Random(3), stdout=out)
    assert NetworkMember.objects.count() == 3
