"""A small council for referrals and casework tests: a front door, two early help teams, the
people who work in them, and a family (mother and child) in the register."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from familyhub.accounts.roles import Role
from familyhub.people.models import Person
from familyhub.services.models import ServiceKind
from familyhub.testing import factories


@dataclass
class World:
    authority: object
    front_door: object
    front_door_team: object
    early_help: object
    central: object
    east: object
    triage: object
    triage2: object
    team_leader: object
    lead: object
    colleague: object
    outsider: object
    outsider_leader: object
    commissioner: object
    child: Person
    mother: Person
    household: object


def build_world() -> World:
    from familyhub.referrals.continuum import ensure_default_continuum

    ensure_default_continuum()  # a transactional test's flush removes the migration's rows
    authority = factories.AuthorityFactory()
    locality = factories.LocalityFactory(authority=authority, name="Central")
    east_locality = factories.LocalityFactory(authority=authority, name="East")
    front_door = factories.ServiceFactory(
        authority=authority, name="Front door", kind=ServiceKind.FRONT_DOOR
    )
    early_help = factories.ServiceFactory(
        authority=authority, name="Early help", kind=ServiceKind.EARLY_HELP
    )
    front_door_team = factories.TeamFactory(
        name="Front door team", service=front_door, locality=locality
    )
    central = factories.TeamFactory(
        name="Early help Central", service=early_help, locality=locality
    )
    east = factories.TeamFactory(name="Early help East", service=early_help, locality=east_locality)

    def user(role, team, username):
        made = factories.UserFactory(role=role, username=username)
        factories.TeamMembershipFactory(user=made, team=team)
        return made

    area = factories.AreaFactory(authority=authority, locality=locality)
    today = timezone.localdate()
    household = factories.HouseholdFactory(authority=authority)
    child = factories.PersonFactory(
        authority=authority,
        given_name="Tom",
        family_name="Walker",
        date_of_birth=today - datetime.timedelta(days=9 * 365),
        area=area,
    )
    mother = factories.PersonFactory(
        authority=authority,
        given_name="Jane",
        family_name="Walker",
        date_of_birth=today - datetime.timedelta(days=35 * 365),
        area=area,
    )
    for person in (child, mother):
        factories.HouseholdMembershipFactory(household=household, person=person)
    return World(
        authority=authority,
        front_door=front_door,
        front_door_team=front_door_team,
        early_help=early_help,
        central=central,
        east=east,
        triage=user(Role.TRIAGE_OFFICER, front_door_team, "triage"),
        triage2=user(Role.TRIAGE_OFFICER, front_door_team, "triage2"),
        team_leader=user(Role.TEAM_LEADER, central, "leader"),
        lead=user(Role.LEAD_PROFESSIONAL, central, "lead"),
        colleague=user(Role.FAMILY_SUPPORT_WORKER, central, "colleague"),
        outsider=user(Role.LEAD_PROFESSIONAL, east, "outsider"),
        outsider_leader=user(Role.TEAM_LEADER, east, "eastleader"),
        commissioner=user(Role.COMMISSIONER, central, "commissioner"),
        child=child,
        mother=mother,
        household=household,
    )


def make_referral(world: World, **overrides):
    from familyhub.referrals.services import referral_create

    fields = {
        "person": world.child,
        "referrer_kind": "school",
        "referrer_name": "Ms Ada Price",
        "referrer_organisation": "Riverside Primary School",
        "referrer_role": "Designated safeguarding lead",
        "needs": ["education", "family_relationships", "housing"],
        "concerns": "Tom's attendance has fallen to 70% and he says home is crowded.",
        "consent": "agrees",
        "urgency": "standard",
        "recorded_by": world.triage,
    }
    fields.update(overrides)
    return referral_create(**fields)


def level(rank: int):
    from familyhub.referrals.models import ContinuumLevel

    return ContinuumLevel.objects.get(authority__isnull=True, rank=rank)


def allocated_episode(world: World, **overrides):
    """A referral decided to Early help Central: the episode waiting for a lead professional."""
    from familyhub.referrals.services import referral_decide

    referral = make_referral(world, **overrides)
    referral_decide(
        referral=referral,
        by=world.triage,
        version=referral.version,
        outcome="allocated",
        level=level(3),
        reason="Three needs; the family agrees to early help.",
        team=world.central,
    )
    return referral.episode


def refer_to_hub(world, partners, **overrides):
    """A health visitor's referral of the mother to the family hub (conftest's partners)."""
    fields = {
        "person": world.mother,
        "referrer_kind": "health_visitor",
        "referrer_name": "Helen Visitor",
        "referrer_organisation": "Health visiting",
        "concerns": "Low mood after the birth; would like to meet other parents.",
        "needs": ["health"],
        "recorded_by": partners.health_visitor,
        "to_service": partners.hub,
        "from_service": partners.health_visiting,
    }
    fields.update(overrides)
    return make_referral(world, **fields)
