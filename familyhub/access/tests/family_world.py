"""A family on both sides of the door, for the family viewer's tests (access and portal).

Household A: Mum (a family account, parent link), Dad (another adult, no account unless a
test gives him one) and Child (both parents hold parental responsibility; the child's and
Mum's address protected from Dad). Household B: another family with its own child. Notes about
Child in every category, marked for the family or not; a note about Dad; a note about the other
child; an early help episode for Child with a goal and an action.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from familyhub.access import services
from familyhub.access.models import (
    AddressProtection,
    FamilyRelationship,
    HowConfirmed,
    SharedNote,
)
from familyhub.access.records import Category
from familyhub.accounts.roles import Role
from familyhub.casework.models import Action, Episode, EpisodeStatus, Goal
from familyhub.people.models import ContactDetail, Relationship
from familyhub.services.models import ServiceKind
from familyhub.testing.factories import (
    HouseholdFactory,
    HouseholdMembershipFactory,
    PersonFactory,
    RegistrationFactory,
    ServiceFactory,
    TeamFactory,
)


def note_title(about: str, category: str, for_family: bool) -> str:
    return f"FAMNOTE-{about}-{category}-{'shared' if for_family else 'private'}-END"


@dataclass
class FamilyWorld:
    hub: Any
    hub_team: Any
    worker: Any  # family support worker, lead professional of the episode
    ig: Any
    mum: Any
    dad: Any
    child: Any
    other_child: Any
    account: Any  # Mum's family account
    episode: Any
    action: Any
    titles: dict = field(default_factory=dict)

    def link(self, account, person, relationship=FamilyRelationship.PARENT):
        return services.confirm_family_link(
            staff_user=self.worker,
            account=account,
            person=person,
            relationship=relationship,
            how_confirmed=HowConfirmed.IN_PERSON,
        )


def build_family_world(authority, make_user, *, tag: str = "") -> FamilyWorld:
    """`tag` tells a second family in the same council apart."""
    hub: Any = ServiceFactory(
        authority=authority, name=f"Riverside family hub{tag}", kind=ServiceKind.FAMILY_HUB
    )
    hub_team: Any = TeamFactory(service=hub)
    worker = make_user(
        Role.FAMILY_SUPPORT_WORKER, team=hub_team, first_name="Priya", last_name="Lead"
    )
    ig = make_user(Role.IG_LEAD)
    household: Any = HouseholdFactory(authority=authority)
    mum: Any = PersonFactory(
        authority=authority,
        given_name="Mel",
        family_name="Dovecote",
        date_of_birth=datetime.date(1992, 3, 1),
        address_line1="1 Safe Street",
        postcode="ZZ1 1ZZ",
    )
    dad: Any = PersonFactory(
        authority=authority,
        given_name="Dan",
        family_name="Dovecote",
        date_of_birth=datetime.date(1990, 5, 5),
        address_line1="9 Other Road",
        postcode="ZZ9 9ZZ",
    )
    child: Any = PersonFactory(
        authority=authority,
        given_name="Cleo",
        nhs_number="9434765919",
        family_name="Dovecote",
        date_of_birth=timezone.localdate() - datetime.timedelta(days=400),
        sex="F",
        address_line1="1 Safe Street",
        postcode="ZZ1 1ZZ",
    )
    ContactDetail.objects.create(person=child, kind="mobile", value="07700 900123")
    for person in (mum, dad, child):
        HouseholdMembershipFactory(household=household, person=person)
        RegistrationFactory(person=person, service=hub)
    other: Any = HouseholdFactory(authority=authority)
    other_child: Any = PersonFactory(
        authority=authority, given_name="Otto", family_name="Elsewhere"
    )
    HouseholdMembershipFactory(household=other, person=other_child)
    RegistrationFactory(person=other_child, service=hub)
    for parent, kind in ((mum, "mother"), (dad, "father")):
        Relationship.objects.create(
            person=parent, relative=child, kind=kind, parental_responsibility=True
        )
    for protected in (child, mum):
        AddressProtection.objects.create(
            person=protected,
            from_person=dad,
            reason="Dad left after domestic abuse",
            recorded_by=worker,
        )
    titles = {}
    for category in Category:
        for for_family in (True, False):
            title = note_title("child", category, for_family)
            SharedNote.objects.create(
                person=child,
                owning_service=hub,
                category=category,
                title=title,
                body=f"BODY-{title}",
                for_family=for_family,
            )
            titles[("child", str(category), for_family)] = title
    for about, person in (("dad", dad), ("other", other_child), ("mum", mum)):
        title = note_title(about, Category.GENERAL, True)
        SharedNote.objects.create(
            person=person,
            owning_service=hub,
            category=Category.GENERAL,
            title=title,
            for_family=True,
        )
        titles[(about, "general", True)] = title
    episode = Episode.objects.create(
        person=child,
        owning_service=hub,
        authority=authority,
        household=household,
        team=hub_team,
        lead_professional=worker,
        status=EpisodeStatus.OPEN,
        next_review_due=timezone.localdate() + datetime.timedelta(days=20),
    )
    goal = Goal.objects.create(episode=episode, need="early_years", description="Cleo talks more")
    action = Action.objects.create(
        goal=goal,
        description="Read together every evening",
        owner_name="Mel",
        due_on=timezone.localdate() + datetime.timedelta(days=14),
    )
    account = make_user(Role.FAMILY, username=f"mel{tag}@example.org")
    world = FamilyWorld(
        hub, hub_team, worker, ig, mum, dad, child, other_child, account, episode, action, titles
    )
    world.link(account, mum)
    return world
