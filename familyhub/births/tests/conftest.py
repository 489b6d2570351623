from __future__ import annotations

import random
from datetime import date

import pytest

from familyhub.accounts.roles import Role
from familyhub.births import generator
from familyhub.births.generator import Mother
from familyhub.childhealth.tests.factories import HealthVisitingServiceFactory
from familyhub.people import services as people_services
from familyhub.testing import factories as shared

POSTCODE = "RM17 5DQ"


@pytest.fixture
def rng():
    return random.Random(19)


@pytest.fixture
def hv_service(authority):
    return HealthVisitingServiceFactory(authority=authority)


@pytest.fixture
def hv_team(hv_service, authority):
    locality = shared.LocalityFactory(authority=authority, name="Central")
    return shared.TeamFactory(name="Health visiting Central", service=hv_service, locality=locality)


@pytest.fixture
def ward(hv_team, authority):
    area = shared.AreaFactory(authority=authority, locality=hv_team.locality)
    shared.PostcodeAreaFactory(authority=authority, postcode=POSTCODE, area=area)
    return area


@pytest.fixture
def team_leader(make_user, hv_team):
    return make_user(Role.TEAM_LEADER, team=hv_team, username="hv_leader")


@pytest.fixture
def health_visitor(make_user, hv_team):
    return make_user(Role.HEALTH_VISITOR, team=hv_team, username="hv_worker")


@pytest.fixture
def register_mother(authority, ward, rng):
    """A mother on the register (registered through the register's service, so the matching
    engine has her keys), and her details as a birth message would carry them."""

    def register(given="Sally", family="Dawkins", born=date(1991, 3, 2), nhs=True):
        number = generator.nhs_number(rng) if nhs else ""
        person = people_services.person_register(
            authority=authority,
            by=None,
            given_name=given,
            family_name=family,
            date_of_birth=born,
            sex="F",
            nhs_number=number,
            address_line1="4 Sandmoor Drive",
            town="Grays",
            postcode=POSTCODE,
        )
        details = Mother(
            given_name=given,
            family_name=family,
            date_of_birth=born,
            nhs_number=number,
            address_line1="4 Sandmoor Drive",
            town="Grays",
            postcode=POSTCODE,
        )
        return person, details

    return register
