"""The child protection information pack carries the family network and family group decision
making (casework.hooks.information_pack_sections), under the same protocol as their pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from familyhub.familyhelp.tests.helpers import add_member, meeting, offer, plan

pytestmark = pytest.mark.django_db


def test_the_pack_carries_the_network_and_the_familys_plan(client, signed_in, world, episode):
    add_member(world, episode)
    the_meeting = meeting(world, offer(world, episode))
    plan(world, the_meeting)
    body = (
        signed_in(client, world.lead)
        .get(reverse("casework:information-pack", args=[episode.public_id]))
        .content.decode()
    )
    assert "The family network" in body and "Marigold Pennywhistle (Grandparent)" in body
    assert "School runs on Mondays" in body and "07700900123" in body
    assert "Family group decision making" in body
    assert "The family&#x27;s plan: Tom gets to school every day" in body
