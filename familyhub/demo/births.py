"""Demo data of the births part: births arriving from the NHS.

A few generated NEMS messages are written into the demo's MESH inbox folder and read the way a
council's would be (births.mesh.read_folder): three birth notifications to mothers in the
Central locality (born 10-12 days ago, so their new birth visits are due now), a newborn hearing
outcome for the first baby, and one birth whose mother is not on the register, left in the queue
for the health visiting team leader (the demo account `hv_team_leader`) to resolve.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import TextIO

from django.conf import settings
from django.utils import timezone

from familyhub.accounts.models import User
from familyhub.accounts.roles import Role
from familyhub.births import generator, mesh, nems
from familyhub.demo.access import DEMO_PASSWORD
from familyhub.people.models import Person, Sex
from familyhub.places.models import Authority
from familyhub.services.models import ServiceKind, Team, TeamMembership

HV_LEADER = ("hv_team_leader", "Team leader, health visiting (resolves births from the NHS)")


def _leader(team: Team) -> None:
    user, created = User.objects.get_or_create(
        username=HV_LEADER[0],
        defaults={
            "first_name": "Hazel",
            "last_name": "Lindqvist",
            "role": Role.TEAM_LEADER,
            "job_title": "Health visiting team leader",
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    TeamMembership.objects.get_or_create(user=user, team=team)


def _mothers(team: Team, count: int) -> list[Person]:
    today = timezone.localdate()
    return list(
        Person.objects.filter(
            authority=team.service.authority,
            sex=Sex.FEMALE,
            merged_into__isnull=True,
            date_of_death__isnull=True,
            area__locality=team.locality,
            date_of_birth__range=(date(today.year - 38, 1, 1), date(today.year - 22, 1, 1)),
        )
        .exclude(nhs_number="")
        .order_by("pk")[:count]
    )


def _details(person: Person) -> generator.Mother:
    assert person.date_of_birth is not None
    return generator.Mother(
        given_name=person.given_name,
        family_name=person.family_name,
        date_of_birth=person.date_of_birth,
        nhs_number=person.nhs_number,
        address_line1=person.address_line1,
        town=person.town,
        postcode=person.postcode,
    )


def load_demo(*, authority: Authority, rng: random.Random, stdout: TextIO) -> None:
    teams = Team.objects.filter(
        service__authority=authority, service__kind=ServiceKind.HEALTH_VISITING
    ).order_by("pk")
    team = teams.filter(locality__name="Central").first() or teams.first()
    if team is None:
        stdout.write("No health visiting team: no births from the NHS in the demo.\n")
        return
    _leader(team)
    inbox = mesh.inbox()
    inbox.mkdir(parents=True, exist_ok=True)
    today = timezone.localdate()
    files: list[bytes] = []
    first_baby: tuple[str, str, str, date] | None = None
    for index, mother in enumerate(_mothers(team, 3)):
        born = today - timedelta(days=10 + index)
        raw, number = generator.birth_for(_details(mother), rng, born=born)
        files.append(raw)
        if first_baby is None:
            first_baby = (number, mother.family_name, born.isoformat(), born)
    if first_baby is not None:
        number, family, _, born = first_baby
        files.append(
            generator.outcome_message(
                nems.HEARING,
                child_nhs_number=number,
                child_given="Baby",
                child_family=family,
                born=born,
                record_id="demo-hearing-1",
                done_on=born + timedelta(days=2),
            )
        )
    files.append(generator.broken_message("unknown_mother", rng=rng))
    for index, raw in enumerate(files):
        (inbox / f"demo-{index:03d}.dat").write_bytes(raw)
    run = mesh.read_folder(inbox)
    stdout.write(
        f"Read {run.stored} NHS messages from {settings.FAMILYHUB_MESH_INBOX_DIR}: "
        f"{dict(run.statuses)}; sign in as {HV_LEADER[0]} to see the queue.\n"
    )
