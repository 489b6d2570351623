"""Demo data of the access part: the demo borough's data-sharing agreements, a domestic abuse
support team, and one family whose record looks different to each service (the Okonkwo-Hart
family: a health visitor sees the health notes, a family support worker the hub's notes, and
neither sees the domestic abuse service's note, which stays with that service).

Demo rows are written with the ORM in bulk, like the other parts' demo loaders; pages and the API
write through access.services.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from familyhub.access.models import Basis, SharedNote, SharingAgreement
from familyhub.access.records import Category
from familyhub.accounts.models import User
from familyhub.accounts.roles import Role
from familyhub.people.models import (
    Household,
    HouseholdMembership,
    Person,
    Registration,
    Relationship,
    Sex,
)
from familyhub.places.models import Locality
from familyhub.services.models import Service, ServiceKind, Team, TeamMembership

DA_SERVICE_NAME = "Support for victims of domestic abuse"
# Every demo account's password (the borough lists it; defined here, below the borough, which
# imports this module).
DEMO_PASSWORD = "demo-password-2026"
# The one demo account that is not named after its role: a family support worker of the
# commissioned domestic abuse service, the only one who reads its notes.
DA_WORKER = ("domestic_abuse_worker", "Domestic abuse support worker (the commissioned service)")


@dataclass
class ExampleFamily:
    household: Household
    mother: Person
    baby: Person
    sibling: Person
    hub_note: SharedNote
    health_note: SharedNote
    da_note: SharedNote


def default_agreements(
    *, family_hub, health_visiting, school_nursing, early_help, front_door, da_service
) -> list[SharingAgreement]:
    """The demo protocol. Idempotent by name."""
    lines = [
        (
            "Family hub general information to every service",
            family_hub,
            None,
            [],
            [Category.GENERAL],
            Basis.PUBLIC_TASK,
        ),
        (
            "Health visiting: general information to family hubs and early help",
            health_visiting,
            family_hub,
            [],
            [Category.GENERAL],
            Basis.PUBLIC_TASK,
        ),
        (
            "Health visiting: general information to early help",
            health_visiting,
            early_help,
            [],
            [Category.GENERAL],
            Basis.PUBLIC_TASK,
        ),
        (
            "Health visiting to school nursing: health handover at school entry",
            health_visiting,
            school_nursing,
            [Role.SCHOOL_NURSE],
            [Category.GENERAL, Category.HEALTH],
            Basis.PUBLIC_TASK,
        ),
        (
            "Health visiting to early help: health and mental health, with consent",
            health_visiting,
            early_help,
            [Role.LEAD_PROFESSIONAL, Role.TEAM_LEADER],
            [Category.HEALTH, Category.MENTAL_HEALTH],
            Basis.CONSENT,
        ),
        (
            "Early help to health services: general and safeguarding",
            early_help,
            None,
            [],
            [Category.GENERAL, Category.SAFEGUARDING],
            Basis.DUTY_TO_SHARE,
        ),
        (
            "Front door safeguarding information to early help",
            front_door,
            early_help,
            [],
            [Category.GENERAL, Category.SAFEGUARDING],
            Basis.DUTY_TO_SHARE,
        ),
        (
            "Domestic abuse support to early help lead professionals, with consent",
            da_service,
            early_help,
            [Role.LEAD_PROFESSIONAL],
            [Category.DOMESTIC_ABUSE],
            Basis.CONSENT,
        ),
    ]
    made = []
    for name, owner, recipient, roles, categories, basis in lines:
        if owner is None:
            continue
        agreement, _ = SharingAgreement.objects.get_or_create(
            name=name,
            defaults={
                "owner_service": owner,
                "recipient_service": recipient,
                "roles": [str(r) for r in roles],
                "categories": [str(c) for c in categories],
                "basis": basis,
                "signed_by": "Demo data-sharing protocol, signed by each service's Caldicott guardian",
            },
        )
        made.append(agreement)
    return made


def _team_of(service: Service, author: User | None):
    """The author's team in this service, else the service's first: the team a registration is
    with (involvement is by team)."""
    teams = service.teams.order_by("pk")
    if author is not None:
        mine = teams.filter(memberships__user=author).first()
        if mine is not None:
            return mine
    return teams.first()


def _confirmed_registration(person, team, service, by, when, site=None) -> Registration:
    """A registration made and confirmed by the service's own worker: real work with the family,
    so it is involvement (people.services.registration_record does the same, logged, for a
    practitioner; the demo writes its history directly)."""
    return Registration.objects.create(
        person=person,
        team=team,
        service=service,
        site=site or (team.base if team is not None else None),
        registered_by=by,
        registered_at=when,
        confirmed_at=when,
        confirmed_by=by,
    )


def example_family(
    *,
    authority,
    family_hub: Service,
    health_visiting: Service,
    da_service: Service,
    hub_site=None,
    author_hub: User | None = None,
    author_hv: User | None = None,
    author_da: User | None = None,
) -> ExampleFamily:
    """One family registered with the family hub and health visiting, with one note from each of
    three services (the domestic abuse one categorised domestic_abuse)."""
    today = timezone.localdate()
    address = {"address_line1": "14 Orsett Road", "town": "Grays", "postcode": "RM17 5DQ"}
    household = Household.objects.create(
        authority=authority, card_number=f"FHDEMO{Household.objects.count() + 1:05d}"
    )
    mother = Person.objects.create(
        authority=authority,
        given_name="Adaeze",
        family_name="Okonkwo-Hart",
        sex=Sex.FEMALE,
        date_of_birth=datetime.date(1996, 4, 2),
        **address,
    )
    baby = Person.objects.create(
        authority=authority,
        given_name="Ruby",
        family_name="Okonkwo-Hart",
        sex=Sex.FEMALE,
        date_of_birth=today - datetime.timedelta(days=70),
        **address,
    )
    sibling = Person.objects.create(
        authority=authority,
        given_name="Leo",
        family_name="Okonkwo-Hart",
        sex=Sex.MALE,
        date_of_birth=datetime.date(2021, 9, 14),
        **address,
    )
    for person in (mother, baby, sibling):
        HouseholdMembership.objects.create(household=household, person=person, start=today)
    for child in (baby, sibling):
        Relationship.objects.create(
            person=mother, relative=child, kind="mother", parental_responsibility=True
        )
    now = timezone.now()
    hub_team = _team_of(family_hub, author_hub)
    for person in (mother, baby, sibling):
        _confirmed_registration(
            person, hub_team, family_hub, author_hub, now - datetime.timedelta(days=60), hub_site
        )
    _confirmed_registration(
        baby,
        _team_of(health_visiting, author_hv),
        health_visiting,
        author_hv,
        now - datetime.timedelta(days=69),
    )
    # The domestic abuse service works with mum (its own registration of her, confirmed by it).
    da_team = _team_of(da_service, author_da)
    if da_team is not None:
        _confirmed_registration(
            mother, da_team, da_service, author_da, now - datetime.timedelta(days=40)
        )
    hub_note = SharedNote.objects.create(
        person=sibling,
        owning_service=family_hub,
        category=Category.GENERAL,
        title="Came to stay and play with mum",
        body="Leo played well with others; mum asked about nursery places.",
        recorded_by=author_hub,
        recorded_at=now - datetime.timedelta(days=20),
    )
    health_note = SharedNote.objects.create(
        person=baby,
        owning_service=health_visiting,
        category=Category.HEALTH,
        title="6-8 week review: feeding well",
        body="Weight on the 50th centile; exclusively breastfed. Mum's Whooley questions: no to both.",
        recorded_by=author_hv,
        recorded_at=now - datetime.timedelta(days=14),
    )
    da_note = SharedNote.objects.create(
        person=mother,
        owning_service=da_service,
        category=Category.DOMESTIC_ABUSE,
        title="Safety planning session",
        body="Safety plan reviewed; refuge contact numbers given. Do not discuss at home visits.",
        recorded_by=author_da,
        recorded_at=now - datetime.timedelta(days=7),
    )
    return ExampleFamily(household, mother, baby, sibling, hub_note, health_note, da_note)


def _service(authority, kind: str) -> Service | None:
    return Service.objects.filter(authority=authority, kind=kind).order_by("pk").first()


@transaction.atomic
def load_demo(*, authority, rng: random.Random, stdout: TextIO) -> None:
    family_hub = _service(authority, ServiceKind.FAMILY_HUB)
    health_visiting = _service(authority, ServiceKind.HEALTH_VISITING)
    school_nursing = _service(authority, ServiceKind.SCHOOL_NURSING)
    early_help = _service(authority, ServiceKind.EARLY_HELP)
    front_door = _service(authority, ServiceKind.FRONT_DOOR)
    if family_hub is None or health_visiting is None:
        stdout.write("access: no family hub or health visiting service; no demo records\n")
        return
    da_service, _ = Service.objects.get_or_create(
        authority=authority,
        name=DA_SERVICE_NAME,
        defaults={
            "kind": ServiceKind.COMMISSIONED,
            "commissioner": "Children's Services",
            "provider": "Changing Pathways",
        },
    )
    central = Locality.objects.filter(authority=authority, name="Central").first()
    da_team, _ = Team.objects.get_or_create(
        service=da_service, locality=central, defaults={"name": "Domestic abuse support, Central"}
    )
    da_worker, created = User.objects.get_or_create(
        username=DA_WORKER[0],
        defaults={
            "first_name": "Dee",
            "last_name": "Ashworth",
            "role": Role.FAMILY_SUPPORT_WORKER,
            "job_title": "Domestic abuse support worker",
        },
    )
    if created:
        da_worker.set_password(DEMO_PASSWORD)
        da_worker.save()
    TeamMembership.objects.get_or_create(user=da_worker, team=da_team)
    agreements = default_agreements(
        family_hub=family_hub,
        health_visiting=health_visiting,
        school_nursing=school_nursing,
        early_help=early_help,
        front_door=front_door,
        da_service=da_service,
    )
    stdout.write(f"access: {len(agreements)} data-sharing agreements\n")
    if Person.objects.filter(authority=authority, family_name="Okonkwo-Hart").exists():
        return
    hub_team = Team.objects.filter(service=family_hub, locality=central).first()
    family = example_family(
        authority=authority,
        family_hub=family_hub,
        health_visiting=health_visiting,
        da_service=da_service,
        hub_site=hub_team.base if hub_team else None,
        author_hub=User.objects.filter(username=Role.FAMILY_SUPPORT_WORKER.value).first(),
        author_hv=User.objects.filter(username=Role.HEALTH_VISITOR.value).first(),
        author_da=da_worker,
    )
    stdout.write(
        f"access: the Okonkwo-Hart family (card {family.household.card_number}) at "
        f"/access/families/{family.household.public_id}/ ; a domestic abuse note only the "
        "domestic abuse service (user domestic_abuse_worker) sees\n"
    )
