"""Families to reach: each rule against a small hand-worked register, counts for the council and
names only for those the manager may see."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from familyhub.accounts.roles import Role
from familyhub.audit.models import AccessLog
from familyhub.childhealth.models import ReviewDue
from familyhub.hubs.models import EntitlementFlag
from familyhub.outcomes.reach_lists import reach_lists
from familyhub.services.models import ServiceKind
from familyhub.testing import factories

pytestmark = pytest.mark.django_db


def _years(n: float) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=int(n * 365.25))


@pytest.fixture
def register(make_user):
    authority = factories.AuthorityFactory()
    locality = factories.LocalityFactory(authority=authority, name="Central")
    area = factories.AreaFactory(authority=authority, locality=locality)
    site = factories.SiteFactory(authority=authority, locality=locality, area=area)
    hub = factories.ServiceFactory(authority=authority, kind=ServiceKind.FAMILY_HUB)
    hv = factories.ServiceFactory(authority=authority, kind=ServiceKind.HEALTH_VISITING)
    team = factories.TeamFactory(service=hub, locality=locality, base=site)
    leader = make_user(Role.TEAM_LEADER, team=team, username="hubleader")

    def person(**fields):
        return factories.PersonFactory(authority=authority, area=area, **fields)

    registered = person(given_name="Rita", date_of_birth=_years(2))
    factories.RegistrationFactory(person=registered, team=team)
    unregistered = person(given_name="Uma", date_of_birth=_years(3))
    older = person(given_name="Olly", date_of_birth=_years(6))
    baby = person(
        given_name="Bea", date_of_birth=timezone.localdate() - datetime.timedelta(days=40)
    )
    visited = person(
        given_name="Vic", date_of_birth=timezone.localdate() - datetime.timedelta(days=40)
    )
    for child, status in ((baby, "due"), (visited, "completed")):
        day = child.date_of_birth + datetime.timedelta(days=10)
        ReviewDue.objects.create(
            person=child,
            authority=authority,
            owning_service=hv,
            kind="new_birth",
            window_start=day,
            window_end=day,
            late_until=day + datetime.timedelta(days=30),
            status=status,
            recorded=status == "completed",
        )
    EntitlementFlag.objects.create(
        person=registered,
        owning_service=hub,
        kind="two_year_funding",
        starts_on=timezone.localdate() - datetime.timedelta(days=30),
    )
    return {
        "authority": authority,
        "leader": leader,
        "registered": registered,
        "unregistered": unregistered,
        "older": older,
        "baby": baby,
        "visited": visited,
    }


def test_each_rule_counts_its_people_and_names_only_the_visible(register):
    lists = {
        each.rule.key: each for each in reach_lists(register["leader"], register["authority"].pk)
    }
    under_fives = lists["under_fives_not_registered"]
    # Uma (3), Bea and Vic (babies); not Rita (registered) nor Olly (6).
    assert under_fives.total == 3
    assert under_fives.by_locality == [("Central", 3)]
    assert under_fives.named == []  # none of them is known to the hub
    assert lists["registered_not_seen"].total == 1
    assert lists["registered_not_seen"].named == [register["registered"]]
    assert lists["no_new_birth_visit"].total == 1  # Bea; Vic had hers
    assert lists["eligible_twos_not_seen"].total == 1
    assert lists["eligible_twos_not_seen"].named == [register["registered"]]


def test_the_page_logs_the_names_it_shows(client, signed_in, register):
    response = signed_in(client, register["leader"]).get(reverse("outcomes:families-to-reach"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Children under 5 not registered at a family hub: 3 people" in body
    assert "Uma" not in body and register["registered"].display_name in body
    assert AccessLog.objects.filter(
        person_pk=register["registered"].pk, purpose="Families to reach"
    ).exists()


def test_the_page_is_for_managers(client, signed_in, register, make_user):
    worker = make_user(Role.FAMILY_SUPPORT_WORKER, username="worker")
    assert signed_in(client, worker).get(reverse("outcomes:families-to-reach")).status_code == 403
