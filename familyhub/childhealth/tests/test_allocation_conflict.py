"""Two people name a child's health visitor at once: the second is told, not silently allowed
to replace the first one's choice (the form carries the allocation they saw)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from familyhub.accounts.roles import Role
from familyhub.childhealth import services
from familyhub.childhealth.models import HealthVisitorAllocation

pytestmark = pytest.mark.django_db


@pytest.fixture
def child(make_child, owner, hv_team):
    person = make_child(date_of_birth=timezone.localdate() - timedelta(days=40))
    services.allocation_set(person=person, practitioner=owner, team=hv_team, by=owner)
    return person


def _current_on_form(client: Client, child) -> str:
    html = client.get(reverse("childhealth:allocate", args=[child.public_id])).content.decode()
    marker = 'name="current" value="'
    assert marker in html
    return html.split(marker, 1)[1].split('"', 1)[0]


def _named(child):
    return HealthVisitorAllocation.objects.get(person=child, end__isnull=True).practitioner


def test_the_second_to_save_is_told_and_the_first_choice_stands(
    signed_in, make_user, hv_team, owner, colleague, child
):
    leader = signed_in(Client(), make_user(Role.TEAM_LEADER, team=hv_team))
    other = signed_in(Client(), colleague)
    url = reverse("childhealth:allocate", args=[child.public_id])
    seen_by_leader, seen_by_other = _current_on_form(leader, child), _current_on_form(other, child)
    assert seen_by_leader == seen_by_other != ""

    assert leader.post(url, {"practitioner": colleague.pk, "current": seen_by_leader}).status_code
    assert _named(child) == colleague
    response = other.post(url, {"practitioner": owner.pk, "current": seen_by_other})
    assert response.status_code == 200
    assert "Someone changed the named practitioner while you were choosing" in (
        response.content.decode()
    )
    assert _named(child) == colleague  # nothing overwritten

    # From the form as it now stands, the save goes through.
    response = other.post(
        url, {"practitioner": owner.pk, "current": _current_on_form(other, child)}
    )
    assert response.status_code == 302
    assert _named(child) == owner
    assert HealthVisitorAllocation.objects.filter(person=child, end__isnull=True).count() == 1


def test_a_form_from_before_anyone_was_named_is_refused_once_someone_is(
    signed_in, colleague, owner, child
):
    other = signed_in(Client(), colleague)
    url = reverse("childhealth:allocate", args=[child.public_id])
    response = other.post(url, {"practitioner": colleague.pk, "current": ""})
    assert "Someone changed the named practitioner" in response.content.decode()
    assert _named(child) == owner
