"""The information governance lead's page of routes into a record: each route the parts declare,
and how many people it opens to each team and role (counts, no names)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from familyhub.access.routes import route_names, team_routes
from familyhub.accounts.roles import Role
from familyhub.audit.models import AccessLog
from familyhub.people.models import HouseholdMembership
from familyhub.services.models import ServiceKind
from familyhub.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(authority, make_user):
    hub_service = factories.ServiceFactory(authority=authority, kind=ServiceKind.FAMILY_HUB)
    hub = factories.TeamFactory(service=hub_service, name="Grays hub team")
    other = factories.TeamFactory(service=hub_service, name="Tilbury hub team")
    make_user(Role.FAMILY_SUPPORT_WORKER, team=hub)
    make_user(Role.FAMILY_SUPPORT_WORKER, team=hub)
    make_user(Role.FAMILY_SUPPORT_WORKER, team=other)
    household = factories.HouseholdFactory(authority=authority)
    mum = factories.PersonFactory(authority=authority, given_name="Zelda", family_name="Quist")
    baby = factories.PersonFactory(authority=authority, given_name="Yusuf", family_name="Quist")
    for person in (mum, baby):
        HouseholdMembership.objects.create(household=household, person=person, start="2024-01-01")
    factories.RegistrationFactory(person=mum, team=hub)
    return {"hub": hub, "other": other}


def test_every_route_is_named_and_counted_per_team(world, authority):
    names = route_names()
    assert "A confirmed registration with the team, or with its service at its hub" in names
    assert len(names) == len(set(names)) >= 8
    rows = {row.team.name: row for row in team_routes(authority.pk)}
    grays = rows["Grays hub team"]
    assert grays.members == 2 and grays.role == Role.FAMILY_SUPPORT_WORKER
    assert (
        grays.by_route["A confirmed registration with the team, or with its service at its hub"]
        == 1
    )
    assert grays.in_all == 2  # mum by her registration, the baby as her household
    assert rows["Tilbury hub team"].in_all == 0


def test_the_page_is_for_the_ig_lead_and_shows_counts_not_people(
    client, signed_in, make_user, world
):
    practitioner = make_user(Role.FAMILY_SUPPORT_WORKER, team=world["hub"])
    assert signed_in(client, practitioner).get(reverse("access:routes")).status_code == 403
    before = AccessLog.objects.count()
    page = signed_in(client, make_user(Role.IG_LEAD)).get(reverse("access:routes"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Grays hub team" in body and "Route 1" in body
    assert "Quist" not in body
    assert AccessLog.objects.count() == before
    home = client.get(reverse("home")).content.decode()
    assert reverse("access:routes") in home


def test_a_team_based_at_a_hub_is_not_involved_with_every_family_registered_there(
    authority, make_user
):
    """A registration at a hub is with the hub's family hub service: a health visiting team
    based in the same building is not involved with those families (issue 13.8)."""
    from familyhub.access.layer import visible_people

    site = factories.SiteFactory(authority=authority)
    hub_service = factories.ServiceFactory(authority=authority, kind=ServiceKind.FAMILY_HUB)
    health = factories.ServiceFactory(authority=authority, kind=ServiceKind.HEALTH_VISITING)
    hub_team = factories.TeamFactory(service=hub_service, base=site, name="Hub team")
    health_team = factories.TeamFactory(service=health, base=site, name="HV at the hub")
    registrar = make_user(Role.RECEPTION, team=hub_team)
    other_hub_worker = make_user(
        Role.FAMILY_SUPPORT_WORKER,
        team=factories.TeamFactory(service=hub_service, base=site, name="Second hub team"),
    )
    health_visitor = make_user(Role.HEALTH_VISITOR, team=health_team)
    person = factories.PersonFactory(authority=authority)
    factories.RegistrationFactory(person=person, team=hub_team)
    assert person in visible_people(registrar)
    assert person in visible_people(other_hub_worker)  # the hub's service, at the hub
    assert person not in visible_people(health_visitor)
    rows = {row.team.name: row for row in team_routes(authority.pk)}
    route = "A confirmed registration with the team, or with its service at its hub"
    assert rows["HV at the hub"].by_route[route] == 0
    assert rows["Second hub team"].by_route[route] == 1
