"""Fixtures of the people part: a hub team (owner and colleague) and another service's team
(outsider), and a person registered with the hub."""

from __future__ import annotations

import pytest

from familyhub.accounts.roles import Role
from familyhub.matching.keys import refresh_keys
from familyhub.people.tests.factories import RegistrationFactory
from familyhub.services.models import ServiceKind
from familyhub.testing import factories


@pytest.fixture
def hub(authority):
    site = factories.SiteFactory(authority=authority, name="Grays Family Hub")
    service = factories.ServiceFactory(
        authority=authority, name="Family hubs", kind=ServiceKind.FAMILY_HUB
    )
    team = factories.TeamFactory(
        service=service, locality=site.locality, base=site, name="Hub team"
    )
    return team


@pytest.fixture
def other_team(authority):
    service = factories.ServiceFactory(
        authority=authority, name="School nursing", kind=ServiceKind.SCHOOL_NURSING
    )
    return factories.TeamFactory(service=service, name="School nursing team")


@pytest.fixture
def owner(make_user, hub):
    return make_user(Role.RECEPTION, team=hub, username="reception1")


@pytest.fixture
def colleague(make_user, hub):
    return make_user(Role.FAMILY_SUPPORT_WORKER, team=hub, username="fsw1")


@pytest.fixture
def outsider(make_user, other_team):
    return make_user(Role.SCHOOL_NURSE, team=other_team, username="nurse1")


@pytest.fixture
def registered_person(authority, hub, owner):
    person = factories.PersonFactory(
        authority=authority, given_name="Amelia", family_name="Okafor", postcode="RM17 5DQ"
    )
    RegistrationFactory(person=person, site=hub.base, service=hub.service, registered_by=owner)
    refresh_keys([person.pk])
    return person
