"""Involvement the register and the access part declare: confirmed registrations and explicit
shares. (A case note is not involvement: writing one needs the person visible already.)"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.utils import timezone

from familyhub.access.involvement import Involvement
from familyhub.access.models import Basis, Share
from familyhub.people.models import Registration


def registrations(viewer) -> QuerySet:
    """A confirmed registration with the team, or with its service at its hub.

    Only the registering service's teams: a health visiting or early help team based at a
    hub does not see every family registered with the hub's family hub service."""
    return Registration.objects.filter(
        Q(team_id__in=viewer.team_ids)
        | (viewer.site_q("site") & Q(service_id__in=viewer.service_ids)),
        ended_at__isnull=True,
        confirmed_at__isnull=False,
    ).values("person_id")


def shares(viewer) -> QuerySet:
    """An explicit share to the team or its service, made by the owning service."""
    return Share.objects.filter(
        Q(recipient_team_id__in=viewer.team_ids) | Q(recipient_service_id__in=viewer.service_ids),
        Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()),
        ~Q(basis=Basis.CONSENT) | Q(consent__isnull=True) | Q(consent__withdrawn_at__isnull=True),
        revoked_at__isnull=True,
    ).values("person_id")


def registered_services(person_ids: list[int]) -> Iterable[Involvement]:
    """The family record's "services involved" until casework adds episodes and leads."""
    grouped: dict[tuple, Involvement] = {}
    rows = (
        Registration.objects.filter(
            person_id__in=person_ids, ended_at__isnull=True, confirmed_at__isnull=False
        )
        .select_related("service", "site", "registered_by")
        .order_by("registered_at")
    )
    for reg in rows:
        name = reg.service.name if reg.service else (reg.site.name if reg.site else "Registered")
        key = (reg.service_id, reg.site_id)
        if key not in grouped:
            who = reg.registered_by
            grouped[key] = Involvement(
                service_name=name,
                what="Registered" + (f" at {reg.site.name}" if reg.site and reg.service else ""),
                since=reg.registered_at,
                service_id=reg.service_id,
                lead_professional="",
                lead_contact="",
                team_name=str(who) if who else "",
            )
        grouped[key].person_ids.append(reg.person_id)
    return grouped.values()
