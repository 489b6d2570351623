from __future__ import annotations

import io
import random

import pytest
from django.db.models import F

from familyhub.casework.models import Episode
from familyhub.casework.tests import conftest as casework_fixtures
from familyhub.demo import casework as casework_demo
from familyhub.demo import referrals as referrals_demo
from familyhub.referrals.models import Referral
from familyhub.testing import factories

# The casework tests' fixtures, for the casework demo.
world = casework_fixtures.world

pytestmark = pytest.mark.django_db


def test_the_demo_has_referrals_and_families_at_every_stage_more_in_deprived_areas(world):
    for user, name in [
        (world.triage, "triage_officer"),
        (world.team_leader, "team_leader"),
        (world.lead, "lead_professional"),
    ]:
        user.username = name
        user.save()
    deprived = factories.AreaFactory(
        authority=world.authority, locality=world.central.locality, imd_decile=1
    )
    affluent = factories.AreaFactory(
        authority=world.authority, locality=world.east.locality, imd_decile=10
    )
    for area in (deprived, affluent):
        factories.PersonFactory.create_batch(150, authority=world.authority, area=area)
    out = io.StringIO()
    rng = random.Random(7)
    referrals_demo.load_demo(authority=world.authority, rng=rng, stdout=out)
    casework_demo.load_demo(authority=world.authority, rng=rng, stdout=out)

    # Believable: no referral about a child before the child was born.
    assert not Referral.objects.filter(received_at__date__lte=F("person__date_of_birth")).exists()
    statuses = set(Referral.objects.values_list("status", flat=True))
    assert statuses == {"received", "signposted", "allocated", "stepped_up", "nfa"}
    episode_statuses = set(Episode.objects.values_list("status", flat=True))
    assert {"awaiting", "open", "closed"} <= episode_statuses
    in_deprived = Referral.objects.filter(person__area=deprived).count()
    in_affluent = Referral.objects.filter(person__area=affluent).count()
    assert in_deprived > 2 * in_affluent
    assert Episode.objects.filter(lead_professional=world.lead).exists()
    assert Episode.objects.filter(sustainment_until__isnull=False).exists()
    # Running again changes nothing.
    referrals_demo.load_demo(authority=world.authority, rng=rng, stdout=out)
    assert "already there" in out.getvalue()
