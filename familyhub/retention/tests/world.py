"""A small council for the retention tests: a child whose records (health visiting, early help,
a contact) have all passed their schedules, and a younger child with an open episode."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from familyhub.accounts.roles import Role
from familyhub.casework.models import Assessment, Episode, EpisodeStatus
from familyhub.childhealth.models import Measurement
from familyhub.contacts.models import Contact
from familyhub.people.models import Person
from familyhub.referrals.models import ContinuumLevel
from familyhub.services.models import ServiceKind
from familyhub.testing import factories

TODAY = datetime.date(2026, 12, 4)


def at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


@dataclass
class World:
    authority: Any
    ig: Any
    health: Any
    early_help: Any
    household: Any
    old: Any  # born 1995: every record of theirs is due
    young: Any  # born 2015: an open early help episode, so nothing of theirs is due
    records: dict[str, Any]


def build() -> World:
    authority = factories.AuthorityFactory()
    health = factories.ServiceFactory(authority=authority, kind=ServiceKind.HEALTH_VISITING)
    early_help = factories.ServiceFactory(authority=authority, kind=ServiceKind.EARLY_HELP)
    factories.TeamFactory(service=health)
    eh_team = factories.TeamFactory(service=early_help)
    ig = factories.UserFactory(username="ig-retention", role=Role.IG_LEAD)
    factories.TeamMembershipFactory(user=ig, team=eh_team)
    household = factories.HouseholdFactory(authority=authority)
    old = factories.PersonFactory(authority=authority, date_of_birth=datetime.date(1995, 3, 1))
    young = factories.PersonFactory(authority=authority, date_of_birth=datetime.date(2015, 6, 1))
    # The older one has left home; the younger lives in the family now.
    factories.HouseholdMembershipFactory(
        household=household, person=old, end=datetime.date(2014, 1, 1)
    )
    factories.HouseholdMembershipFactory(household=household, person=young)
    measurement = Measurement.objects.create(
        person=old,
        owning_service=health,
        measured_on=datetime.date(1996, 3, 1),
        weight_kg=10,
        recorded_at=at(datetime.date(1996, 3, 1)),
    )
    episode = Episode.objects.create(
        person=old,
        owning_service=early_help,
        authority=authority,
        team=eh_team,
        start=datetime.date(2008, 1, 1),
        end=datetime.date(2009, 1, 1),
        status=EpisodeStatus.CLOSED,
        closure_reason="Needs met",
        recorded_at=at(datetime.date(2008, 1, 1)),
    )
    level = ContinuumLevel.objects.order_by("pk").first()
    assessment = Assessment.objects.create(
        person=old,
        owning_service=early_help,
        episode=episode,
        strengths="Plays the trombone",
        child_voice="x",
        family_views="y",
        level=level,
        recorded_at=at(datetime.date(2008, 2, 1)),
    )
    contact = Contact.objects.create(
        person=old,
        owning_service=early_help,
        contact_on=datetime.date(2008, 6, 1),
        kind="home_visit",
        discussed="A secret the log must never hold",
        recorded_at=at(datetime.date(2008, 6, 1)),
    )
    open_episode = Episode.objects.create(
        person=young,
        owning_service=early_help,
        authority=authority,
        team=eh_team,
        start=datetime.date(2025, 1, 1),
        status=EpisodeStatus.OPEN,
    )
    # The register entry was last changed when the early help episode closed.
    Person.objects.filter(pk=old.pk).update(updated_at=at(datetime.date(2009, 1, 1)))
    return World(
        authority,
        ig,
        health,
        early_help,
        household,
        old,
        young,
        {
            "measurement": measurement,
            "episode": episode,
            "assessment": assessment,
            "contact": contact,
            "open_episode": open_episode,
        },
    )
