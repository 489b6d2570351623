from __future__ import annotations

from datetime import date

import pytest

from familyhub.accounts.roles import Role
from familyhub.childhealth.tests.factories import (
    ChildFactory,
    HealthVisitingServiceFactory,
    SchoolNursingServiceFactory,
)
from familyhub.testing import factories as shared

TODAY = date(2025, 6, 16)  # a Monday


@pytest.fixture
def hv_service(authority):
    return HealthVisitingServiceFactory(authority=authority)


@pytest.fixture
def sn_service(authority):
    return SchoolNursingServiceFactory(authority=authority)


@pytest.fixture
def hv_team(hv_service, authority):
    locality = shared.LocalityFactory(authority=authority, name="Central")
    return shared.TeamFactory(name="Health visiting Central", service=hv_service, locality=locality)


@pytest.fixture
def ward(hv_team, authority):
    return shared.AreaFactory(authority=authority, locality=hv_team.locality, imd_decile=2)


@pytest.fixture
def owner(make_user, hv_team):
    return make_user(Role.HEALTH_VISITOR, team=hv_team, username="hv_owner")


@pytest.fixture
def colleague(make_user, hv_team):
    return make_user(Role.HEALTH_VISITOR, team=hv_team, username="hv_colleague")


@pytest.fixture
def outsider(make_user, authority):
    other = shared.TeamFactory(
        name="Early help East",
        service=shared.ServiceFactory(authority=authority, name="Early help"),
        locality=shared.LocalityFactory(authority=authority, name="East"),
    )
    return make_user(Role.HEALTH_VISITOR, team=other, username="hv_outsider")


@pytest.fixture
def make_child(authority, ward):
    def make(**fields):
        fields.setdefault("area", ward)
        return ChildFactory(authority=authority, **fields)

    return make
