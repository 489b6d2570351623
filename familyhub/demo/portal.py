"""Demo accounts for the family's door: one parent already confirmed by a practitioner (linked
to a child with an open early help episode, so the family record has a lead professional and a
plan to show), and one who has signed up and asked to be linked, waiting on reception's list.
They sign in at /family/ with their email address; the demo prints the code in the server's
console (Django's console email backend)."""

from __future__ import annotations

import random
from typing import Any

from django.db import transaction
from django.utils import timezone

from familyhub.access import layer
from familyhub.access.services import confirm_family_link
from familyhub.accounts.models import User
from familyhub.accounts.roles import Role
from familyhub.casework.models import LIVE_STATUSES, Episode
from familyhub.people.models import Relationship
from familyhub.portal import services as portal_services
from familyhub.portal.models import LinkRequest
from familyhub.portal.signin import account_for

LINKED = "parent@example.org"
WAITING = "waiting@example.org"
DEMO_ACCOUNTS = [
    (LINKED, "Family member, confirmed (signs in at /family/ with a code)"),
    (WAITING, "Family member, waiting for reception to confirm (signs in at /family/)"),
]


def _parent_with_episode(authority) -> tuple[Any, Any] | None:
    """(parent, lead professional) for a child with an open episode and a parent with
    parental responsibility, the first in a stable order."""
    for episode in Episode.objects.filter(
        person__authority=authority, status__in=LIVE_STATUSES, lead_professional__isnull=False
    ).order_by("pk")[:200]:
        relation = (
            Relationship.objects.filter(relative=episode.person, parental_responsibility=True)
            .filter(kind__in=layer.PARENT_RELATIONSHIP_KINDS)
            .select_related("person")
            .order_by("pk")
            .first()
        )
        if (
            relation
            and relation.person.date_of_birth
            and layer.can_see(episode.lead_professional, relation.person)
        ):
            return relation.person, episode.lead_professional
    return None


@transaction.atomic
def load_demo(*, authority, rng: random.Random, stdout: Any) -> None:
    found = _parent_with_episode(authority)
    if found is None:
        stdout.write("No family with an open episode to link a family account to.\n")
        return
    parent, worker = found
    linked = account_for(LINKED)
    confirm_family_link(
        staff_user=worker,
        account=linked,
        person=parent,
        relationship="parent",
        how_confirmed="in_person",
    )
    waiting = account_for(WAITING)
    reception = User.objects.filter(username=Role.RECEPTION.value).first()
    other = (
        layer.visible_people(reception).exclude(pk=parent.pk).filter(date_of_birth__isnull=False)
        if reception
        else None
    )
    person = other.order_by("pk").first() if other is not None else None
    if person is not None and not LinkRequest.objects.filter(account=waiting).exists():
        portal_services.link_request_create(
            account=waiting,
            relationship=LinkRequest.Relationship.SELF
            if person.date_of_birth and person.date_of_birth.year < timezone.localdate().year - 13
            else LinkRequest.Relationship.PARENT,
            given_name=person.given_name or "Sam",
            family_name=person.family_name,
            date_of_birth=person.date_of_birth,
            postcode=person.postcode or "RM17 5DQ",
            check_answer="Orsett Road surgery",
        )
    stdout.write(
        f"Family accounts: {LINKED} linked to {parent.display_name}; {WAITING} waiting for "
        "reception (/family-accounts/).\n"
    )
