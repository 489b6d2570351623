"""A small council for contacts tests: the referrals world (a front door, two early help teams and
the Walker family: Jane, Tom aged 9) with Tom's referral allocated to Early help Central (so its
team works with the family), a 2-year-old, Mia, in the household, a family hub and a health
visiting service with their teams, and the default prompts."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from familyhub.accounts.roles import Role
from familyhub.contacts import services
from familyhub.contacts.prompts import ensure_default_prompts
from familyhub.referrals.tests.factories import World, allocated_episode, build_world
from familyhub.services.models import ServiceKind
from familyhub.testing import factories


@dataclass
class Family:
    world: World
    episode: object
    toddler: object
    hubs: object
    hub_team: object
    hub_worker: object
    health_visiting: object
    hv_team: object
    health_visitor: object

    def __getattr__(self, name):  # the world's own: authority, lead, colleague, child...
        return getattr(self.world, name)


def add_member(world: World, given_name: str, date_of_birth: datetime.date, **fields):
    person = factories.PersonFactory(
        authority=world.authority,
        given_name=given_name,
        family_name="Walker",
        date_of_birth=date_of_birth,
        **fields,
    )
    factories.HouseholdMembershipFactory(household=world.household, person=person)
    return person


@pytest.fixture
def family(db) -> Family:
    ensure_default_prompts()  # a transactional test's flush removes the migration's rows
    world = build_world()
    episode = allocated_episode(world)
    today = timezone.localdate()
    toddler = add_member(world, "Mia", today - datetime.timedelta(days=2 * 365 + 60))
    hubs = factories.ServiceFactory(
        authority=world.authority, name="Family hubs", kind=ServiceKind.FAMILY_HUB
    )
    hub_team = factories.TeamFactory(name="Hub Central", service=hubs)
    hub_worker = factories.UserFactory(role=Role.FAMILY_SUPPORT_WORKER, username="hubworker")
    factories.TeamMembershipFactory(user=hub_worker, team=hub_team)
    health_visiting = factories.ServiceFactory(
        authority=world.authority, name="Health visiting", kind=ServiceKind.HEALTH_VISITING
    )
    hv_team = factories.TeamFactory(name="Health visiting Central", service=health_visiting)
    health_visitor = factories.UserFactory(role=Role.HEALTH_VISITOR, username="hv")
    factories.TeamMembershipFactory(user=health_visitor, team=hv_team)
    return Family(
        world=world,
        episode=episode,
        toddler=toddler,
        hubs=hubs,
        hub_team=hub_team,
        hub_worker=hub_worker,
        health_visiting=health_visiting,
        hv_team=hv_team,
        health_visitor=health_visitor,
    )


def details(**overrides) -> services.ContactDetails:
    fields = {
        "contact_on": timezone.localdate(),
        "kind": "home_visit",
        "seen": [],
        "discussed": "Tom's attendance and the damp in the bedroom.",
    }
    fields.update(overrides)
    return services.ContactDetails(**fields)


def record(family: Family, *, by=None, team=None, **overrides):
    """A contact with Tom and Jane by the colleague (a family support worker in Early help
    Central) unless said."""
    overrides.setdefault("seen", [family.child, family.mother])
    return services.contact_create(
        person=overrides.pop("person", family.child),
        by=by or family.colleague,
        team=team or family.central,
        details=details(**overrides),
    )
