from __future__ import annotations

from dataclasses import dataclass

import pytest

from familyhub.accounts.roles import Role
from familyhub.referrals.tests.factories import build_world
from familyhub.services.models import ServiceKind
from familyhub.testing import factories


@pytest.fixture
def world(db):
    return build_world()


@dataclass
class Partners:
    hub: object
    hub_team: object
    hub_worker: object
    hub_colleague: object
    hub_leader: object
    health_visiting: object
    health_visitor: object
    camhs: object


@pytest.fixture
def partners(world):
    return make_partners(world)


def make_partners(world):
    """A family hub, health visiting (with a team each) and CAMHS, a partner outside Familyhub."""
    hub = factories.ServiceFactory(
        authority=world.authority, name="Family hub Central", kind=ServiceKind.FAMILY_HUB
    )
    hub_team = factories.TeamFactory(name="Family hub Central team", service=hub)
    hv = factories.ServiceFactory(
        authority=world.authority, name="Health visiting", kind=ServiceKind.HEALTH_VISITING
    )
    hv_team = factories.TeamFactory(name="Health visiting Central", service=hv)

    def user(role, team, username, first_name=""):
        made = factories.UserFactory(role=role, username=username, first_name=first_name)
        factories.TeamMembershipFactory(user=made, team=team)
        return made

    camhs = factories.ServiceFactory(
        authority=world.authority,
        name="CAMHS",
        kind=ServiceKind.OTHER,
        referral_email="camhs.referrals@nhs.net",
        referral_address="1 Hospital Road\nTown\nAB1 2CD",
    )
    return Partners(
        hub=hub,
        hub_team=hub_team,
        hub_worker=user(Role.RECEPTION, hub_team, "hubworker", "Hana"),
        hub_colleague=user(Role.FAMILY_SUPPORT_WORKER, hub_team, "hubcolleague", "Colin"),
        hub_leader=user(Role.TEAM_LEADER, hub_team, "hubleader", "Lena"),
        health_visiting=hv,
        health_visitor=user(Role.HEALTH_VISITOR, hv_team, "hv", "Helen"),
        camhs=camhs,
    )
