"""The demo borough: real published ward and centre figures, a synthetic population, one account
per role, and each part's own demo records. Every person in it is invented."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from familyhub.accounts.models import User
from familyhub.accounts.roles import STAFF_ROLES, Role
from familyhub.demo import access as access_demo
from familyhub.demo import births as births_demo
from familyhub.demo import casework as casework_demo
from familyhub.demo import childhealth as childhealth_demo
from familyhub.demo import contacts as contacts_demo
from familyhub.demo import directory as directory_demo
from familyhub.demo import family_record as family_record_demo
from familyhub.demo import familyhelp as familyhelp_demo
from familyhub.demo import hubs as hubs_demo
from familyhub.demo import matching as matching_demo
from familyhub.demo import outcomes as outcomes_demo
from familyhub.demo import people as people_demo
from familyhub.demo import planning as planning_demo
from familyhub.demo import portal as portal_demo
from familyhub.demo import referrals as referrals_demo
from familyhub.demo import returns as returns_demo
from familyhub.demo import synth
from familyhub.demo import tracing as tracing_demo
from familyhub.matching.keys import refresh_all_keys
from familyhub.places import postcode_lookup as lookup
from familyhub.places.models import Authority, Locality, Site, SiteKind
from familyhub.referrals.escalation import escalate_overdue
from familyhub.services.models import Service, ServiceKind, Team, TeamMembership
from familyhub.services.reference import load_reference

DEMO_PASSWORD = access_demo.DEMO_PASSWORD
REFERENCE_DIR = Path(__file__).resolve().parent.parent / "places" / "data" / "reference"
POSTCODES_FILE = Path(__file__).resolve().parent.parent / "places" / "data" / "demo_postcodes.csv"

# Services every integrated model has, beyond those in the published services file.
CORE_SERVICES = [
    ("Early help (Early Offer of Help)", ServiceKind.EARLY_HELP, "Children's Services", "Council"),
    ("Front door (multi-agency)", ServiceKind.FRONT_DOOR, "Children's Services", "Council"),
    ("Children's social care", ServiceKind.SOCIAL_CARE, "Children's Services", "Council"),
]
# Which service's team each demo account belongs to (in the Central locality).
ROLE_SERVICE_KIND = {
    Role.RECEPTION: ServiceKind.FAMILY_HUB,
    Role.FAMILY_SUPPORT_WORKER: ServiceKind.FAMILY_HUB,
    Role.LEAD_PROFESSIONAL: ServiceKind.EARLY_HELP,
    Role.HEALTH_VISITOR: ServiceKind.HEALTH_VISITING,
    Role.SCHOOL_NURSE: ServiceKind.SCHOOL_NURSING,
    Role.TRIAGE_OFFICER: ServiceKind.FRONT_DOOR,
    Role.TEAM_LEADER: ServiceKind.EARLY_HELP,
    Role.SERVICE_MANAGER: ServiceKind.EARLY_HELP,
}
DEMO_NAMES = {
    Role.RECEPTION: ("Rita", "Reeve"),
    Role.FAMILY_SUPPORT_WORKER: ("Femi", "Sowande"),
    Role.LEAD_PROFESSIONAL: ("Leah", "Price"),
    Role.HEALTH_VISITOR: ("Hannah", "Vickers"),
    Role.SCHOOL_NURSE: ("Sunita", "Nair"),
    Role.TRIAGE_OFFICER: ("Tom", "Okafor"),
    Role.TEAM_LEADER: ("Tina", "Lowe"),
    Role.SERVICE_MANAGER: ("Sam", "Mensah"),
    Role.COMMISSIONER: ("Chris", "Adeyemi"),
    Role.IG_LEAD: ("Imogen", "Grant"),
    Role.ADMINISTRATOR: ("Adam", "Ward"),
}
# Each part's demo records, added after the register is filled, in this order.
DEMO_PARTS = [
    ("access", access_demo),
    ("people", people_demo),
    ("matching", matching_demo),
    ("referrals", referrals_demo),
    ("casework", casework_demo),
    ("familyhelp", familyhelp_demo),
    ("childhealth", childhealth_demo),
    ("hubs", hubs_demo),
    ("contacts", contacts_demo),
    ("directory", directory_demo),
    ("outcomes", outcomes_demo),
    ("planning", planning_demo),
    ("tracing", tracing_demo),
    ("births", births_demo),
    ("portal", portal_demo),
    ("family_record", family_record_demo),
    # Last: it completes what the returns read after every part has added its people.
    ("returns", returns_demo),
]


def demo_is_loaded() -> bool:
    return User.objects.filter(username=Role.ADMINISTRATOR.value).exists()


def demo_accounts() -> list[tuple[str, str]]:
    """(username, what they are) for every demo account `make demo` lists."""
    staff = [(role.value, role.label) for role in STAFF_ROLES] + [
        access_demo.DA_WORKER,
        births_demo.HV_LEADER,
    ]
    return staff + portal_demo.DEMO_ACCOUNTS


@transaction.atomic
def _reference_and_teams(authority: Authority, out: Any) -> None:
    report = load_reference(REFERENCE_DIR, authority=authority)
    out.write(
        f"Loaded {report.areas} wards, {report.sites} family hubs and {report.services} services.\n"
    )
    for name, kind, commissioner, provider in CORE_SERVICES:
        Service.objects.get_or_create(
            authority=authority,
            name=name,
            defaults={"kind": kind, "commissioner": commissioner, "provider": provider},
        )
    for locality in Locality.objects.filter(authority=authority):
        hub = Site.objects.filter(locality=locality, kind=SiteKind.FAMILY_HUB).first()
        for kind in (
            ServiceKind.FAMILY_HUB,
            ServiceKind.HEALTH_VISITING,
            ServiceKind.SCHOOL_NURSING,
            ServiceKind.EARLY_HELP,
        ):
            service = Service.objects.filter(authority=authority, kind=kind).order_by("id").first()
            if service is None:
                continue
            Team.objects.get_or_create(
                service=service,
                locality=locality,
                defaults={"name": f"{service.get_kind_display()}, {locality.name}", "base": hub},
            )
    front_door = Service.objects.get(authority=authority, kind=ServiceKind.FRONT_DOOR)
    Team.objects.get_or_create(service=front_door, locality=None, defaults={"name": "Front door"})


def _accounts(authority: Authority) -> None:
    central = Locality.objects.get(authority=authority, name="Central")
    for role in STAFF_ROLES:
        given, family = DEMO_NAMES[role]
        user, created = User.objects.get_or_create(
            username=role.value,
            defaults={
                "first_name": given,
                "last_name": family,
                "role": role,
                "job_title": role.label,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            if role == Role.ADMINISTRATOR:
                user.is_staff = user.is_superuser = True
            user.save()
        kind = ROLE_SERVICE_KIND.get(role)
        if kind is None:
            continue
        teams = Team.objects.filter(service__kind=kind, service__authority=authority)
        team = teams.filter(locality=central).first() or teams.first()
        TeamMembership.objects.get_or_create(user=user, team=team)


def _postcodes_and_people(authority: Authority, people: int, seed: int, out: Any) -> None:
    if POSTCODES_FILE.exists():
        count = lookup.load_postcode_lookup(POSTCODES_FILE, authority=authority)
        out.write(f"Loaded {count} postcodes for the demo borough.\n")
    out.write(f"Making {people} synthetic people (seed {seed})...\n")
    stats = synth.fill_database(people, seed=seed, authority=authority, progress=True)
    out.write(f"Made {stats}.\n")
    keys = refresh_all_keys()
    out.write(f"Built match keys for {keys} people.\n")


def load_demo_borough(*, people: int, seed: int, out: Any) -> None:
    authority, _ = Authority.objects.get_or_create(
        code=settings.FAMILYHUB_AUTHORITY_CODE, defaults={"name": settings.FAMILYHUB_COUNCIL_NAME}
    )
    _reference_and_teams(authority, out)
    _postcodes_and_people(authority, people, seed, out)
    _accounts(authority)
    rng = random.Random(seed)
    for name, part in DEMO_PARTS:
        out.write(f"Adding the {name} demo records...\n")
        part.load_demo(authority=authority, rng=rng, stdout=out)
    # What is overdue in the demo's records is on the workers' lists already: tell them too.
    run = escalate_overdue()
    out.write(f"{run.overdue} steps are overdue; their workers and managers were notified.\n")
    # Some parts' demos add people of their own (a family to show what is hidden, say): make
    # sure every one of them can be found by duplicate search.
    refresh_all_keys()
