"""Involvement that exists before other parts plug in theirs: registrations, notes, shares."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.utils import timezone

from familyhub.access.involvement import Involvement


def _teams(user):
    from familyhub.services.selectors import teams_of

    return teams_of(user)


def registrations(user, *, viewer=None) -> QuerySet:
    """A live registration with one of the user's services, or at one of their teams' bases."""
    from familyhub.people.models import Registration
    from familyhub.services.models import Team

    if viewer is not None:
        where = Q(service_id__in=viewer.service_ids) | Q(site_id__in=viewer.base_ids)
    else:
        teams = Team.objects.filter(pk__in=_teams(user).values("pk"))
        where = Q(service__in=teams.values("service")) | Q(site__in=teams.values("base"))
    return Registration.objects.filter(where, ended_at__isnull=True).values("person_id")


def notes(user, *, viewer=None) -> QuerySet:
    """A service that has written a case note about a person is involved with them."""
    from familyhub.access.models import SharedNote

    if viewer is not None:
        # A service with one of the user's teams is one of the user's services.
        return SharedNote.objects.filter(owning_service_id__in=viewer.service_ids).values(
            "person_id"
        )
    return SharedNote.objects.filter(owning_service__teams__in=_teams(user)).values("person_id")


def shares(user, *, viewer=None) -> QuerySet:
    """An explicit share names the recipient: it needs the core record to make sense of it."""
    from familyhub.access.models import Share

    if viewer is not None:
        recipient = Q(recipient_team_id__in=viewer.team_ids) | Q(
            recipient_service_id__in=viewer.service_ids
        )
    else:
        teams = _teams(user)
        recipient = Q(recipient_team__in=teams) | Q(recipient_service__teams__in=teams)
    now = timezone.now()
    return (
        Share.objects.filter(recipient, revoked_at__isnull=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .values("person_id")
    )


def registered_services(person_ids: list[int]) -> Iterable[Involvement]:
    """The family record's "services involved" until casework adds episodes and leads."""
    from familyhub.people.models import Registration

    grouped: dict[tuple, Involvement] = {}
    rows = (
        Registration.objects.filter(person_id__in=person_ids, ended_at__isnull=True)
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
