from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import timezone

from familyhub.access.models import SharedNote
from familyhub.access.records import Category
from familyhub.accounts.roles import Role
from familyhub.testing.factories import (
    HouseholdFactory,
    HouseholdMembershipFactory,
    PersonFactory,
    RegistrationFactory,
    ServiceFactory,
    TeamFactory,
)


@dataclass
class World:
    hub: object
    health: object
    other: object
    hub_team: object
    health_team: object
    owner: object  # family support worker in the family hub team that registered the family
    colleague: object  # reception, same team
    outsider: object  # school nurse in an unrelated service
    health_visitor: object
    ig: object
    household: object
    mum: object
    child: object
    hub_note: object
    health_note: object

    def client(self, user, signed_in) -> Client:
        return signed_in(Client(), user)


@pytest.fixture
def world(authority, make_user) -> World:
    hub = ServiceFactory(authority=authority, name="Family hubs")
    health = ServiceFactory(authority=authority, name="Health visiting")
    other = ServiceFactory(authority=authority, name="School nursing")
    hub_team = TeamFactory(service=hub)
    health_team = TeamFactory(service=health)
    other_team = TeamFactory(service=other)
    owner = make_user(Role.FAMILY_SUPPORT_WORKER, team=hub_team)
    colleague = make_user(Role.RECEPTION, team=hub_team)
    outsider = make_user(Role.SCHOOL_NURSE, team=other_team)
    health_visitor = make_user(Role.HEALTH_VISITOR, team=health_team)
    ig = make_user(Role.IG_LEAD)
    mum = PersonFactory(authority=authority, family_name="Quillfeather")
    child = PersonFactory(authority=authority, family_name="Quillfeather")
    household = HouseholdFactory(authority=authority)
    HouseholdMembershipFactory(household=household, person=mum)
    HouseholdMembershipFactory(household=household, person=child)
    RegistrationFactory(person=mum, service=hub, registered_at=timezone.now())
    hub_note = SharedNote.objects.create(
        person=mum,
        owning_service=hub,
        category=Category.GENERAL,
        title="Hub note",
        recorded_by=owner,
    )
    health_note = SharedNote.objects.create(
        person=child, owning_service=health, category=Category.HEALTH, title="Health note"
    )
    return World(
        hub,
        health,
        other,
        hub_team,
        health_team,
        owner,
        colleague,
        outsider,
        health_visitor,
        ig,
        household,
        mum,
        child,
        hub_note,
        health_note,
    )


@pytest.fixture
def family_world(authority, make_user):
    from familyhub.access.tests.family_world import build_family_world

    return build_family_world(authority, make_user)
