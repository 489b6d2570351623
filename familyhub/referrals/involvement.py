"""The front door's involvement with families, for the access layer (registered in apps.ready).

The front door's team sees the core record of everyone with a referral in its queue, and for a
while after deciding it (time to hand over). The person who made a referral is not involved by
making it: they see their own referral and its progress (access.layer.authored...), and the
family only through their own service's work. The team a referral was allocated to is involved
through casework's episode."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from familyhub.access.involvement import Involvement, ended_since
from familyhub.referrals.models import OPEN_STATUSES, Referral, ReferralStatus


def front_door_queue(viewer) -> QuerySet:
    """A referral waiting in the inbox of the team's service (the front door or any other), or
    accepted and waiting for its first contact, or decided or first met lately."""
    since = ended_since("referral")
    return Referral.objects.filter(
        Q(status__in=OPEN_STATUSES)
        | Q(status=ReferralStatus.ACCEPTED, first_contact_on__isnull=True)
        | Q(decided_at__gte=since)
        | Q(first_contact_on__gte=since.date()),
        # Its inbox's teams, and the worker it was allocated to (who may be in another team of
        # the service).
        inbox_of(viewer) | Q(allocated_to_id=viewer.user_id or 0),
    ).values("person_id")


def inbox_of(viewer) -> Q:
    """The referrals in the inboxes of the viewer's teams: their receiving team's, or their
    service's when it has no receiving team (the front door's, a service with one team)."""
    return Q(receiving_team_id__in=viewer.team_ids) | Q(
        receiving_team__isnull=True, owning_service_id__in=viewer.service_ids
    )


def referral_services(person_ids: list[int]) -> Iterable[Involvement]:
    rows = (
        Referral.objects.filter(
            Q(status__in=OPEN_STATUSES)
            | Q(status=ReferralStatus.ACCEPTED, first_contact_on__isnull=True),
            person_id__in=person_ids,
        )
        .select_related("owning_service")
        .order_by("received_at")
    )
    for referral in rows:
        state = (
            "accepted, waiting for a first contact"
            if referral.status == ReferralStatus.ACCEPTED
            else "waiting for a decision"
        )
        yield Involvement(
            service_name=referral.owning_service.name,
            what=f"Referral from {referral.referrer_display}, {state}",
            person_ids=[referral.person_id],
            since=referral.received_at,
            service_id=referral.owning_service_id,
        )
