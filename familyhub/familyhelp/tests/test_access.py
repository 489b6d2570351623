"""Network members are people in the register, under the same protocol: the episode's team sees
the members the family agreed to; someone who may see the child (and the network record) but not
the member sees a minimal row, "A grandparent (not shared with you)", never their name or
contact details; someone who may not see the child sees nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from familyhub.access import layer
from familyhub.access import services as access_services
from familyhub.audit.models import AccessLog
from familyhub.familyhelp import selectors
from familyhub.familyhelp.tests.helpers import add_member

pytestmark = pytest.mark.django_db


def _network(client, signed_in, user, episode):
    return signed_in(client, user).get(reverse("familyhelp:network", args=[episode.public_id]))


def test_the_team_sees_the_members_the_family_agreed_to(client, signed_in, world, episode):
    nan = add_member(world, episode)
    assert layer.can_see(world.lead, nan.member)
    assert layer.can_see(world.colleague, nan.member)  # the episode's team
    assert not layer.can_see(world.outsider, nan.member)
    before = AccessLog.objects.filter(person_pk=nan.member_id, action="read").count()
    response = _network(client, signed_in, world.lead, episode)
    page = response.content.decode()
    assert response.status_code == 200
    for shown in ("Marigold Pennywhistle", "07700900123", "marigold@example.com", "Nan (mum"):
        assert shown in page, shown
    # The member shown is logged, like any person shown.
    assert AccessLog.objects.filter(person_pk=nan.member_id, action="read").count() > before


def test_without_the_familys_agreement_the_member_is_a_minimal_row(
    client, signed_in, world, episode
):
    friend = add_member(
        world,
        episode,
        family_agrees=False,
        relationship="family_friend",
        given_name="Horatio",
        family_name="Quillfeather",
        phone="07700 900456",
        email="horatio@example.com",
    )
    assert not layer.can_see(world.lead, friend.member)
    rows = selectors.network_rows(world.lead, episode)
    assert [(r.shared, r.label) for r in rows] == [(False, "A family friend")]
    page = _network(client, signed_in, world.lead, episode).content.decode()
    assert "A family friend" in page and "the family has not agreed" in page
    for hidden in ("Horatio", "Quillfeather", "07700900456", "horatio@example.com"):
        assert hidden not in page, hidden
    assert not AccessLog.objects.filter(person_pk=friend.member_id, action="read").exists()
    # The change page does not show or take their contact details either.
    change = signed_in(client, world.lead).get(
        reverse("familyhelp:network-change", args=[episode.public_id, friend.public_id])
    )
    assert change.status_code == 200
    assert "Quillfeather" not in change.content.decode()
    assert 'name="phone"' not in change.content.decode()


def test_seeing_the_child_but_not_the_member_gives_the_minimal_row(
    client, signed_in, world, episode
):
    """A practitioner of another team under break-glass for the child sees the child's records
    (the network record among them) but is not involved with the grandparent."""
    add_member(world, episode)
    access_services.break_glass_start(
        user=world.outsider,
        person=world.child,
        ground="emergency",
        reason="Police called about a child at this address tonight.",
    )
    rows = selectors.network_rows(world.outsider, episode)
    assert [(r.shared, r.label, r.why_not_shared) for r in rows] == [
        (False, "A grandparent", "not shared with you")
    ]
    page = _network(client, signed_in, world.outsider, episode).content.decode()
    assert "A grandparent" in page and "not shared with you" in page
    for hidden in ("Marigold", "Pennywhistle", "07700900123", "marigold@example.com"):
        assert hidden not in page, hidden


def test_someone_who_may_not_see_the_child_sees_no_network(client, signed_in, world, episode):
    add_member(world, episode)
    assert _network(client, signed_in, world.outsider, episode).status_code == 404
    assert selectors.network_rows(world.outsider, episode) == []


def test_the_familys_withdrawal_ends_the_teams_sight_of_the_member(world, episode):
    from familyhub.familyhelp import services

    nan = add_member(world, episode)
    assert layer.can_see(world.colleague, nan.member)
    services.network_member_change(
        record=nan,
        by=world.lead,
        version=nan.version,
        relationship=nan.relationship,
        family_agrees=False,
    )
    assert not layer.can_see(world.colleague, nan.member)
    assert layer.visible_among(world.colleague, [nan.member_id]) == set()
