"""The front door's involvement with families, for the access layer (registered in apps.ready).

A triage officer sees the core record of everyone with a referral waiting in their council's
queue; the person who made a referral sees the family while it is waiting; the team a referral was
allocated to is covered by casework's episode."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from familyhub.access.involvement import Involvement
from familyhub.referrals.access import authority_ids_of, is_front_door
from familyhub.referrals.models import Referral, ReferralStatus


def live_referrals(user, *, viewer=None) -> QuerySet:
    rule = Q(recorded_by=user)
    if is_front_door(user):
        # The viewer's authorities are its teams' services' councils, as authority_ids_of says.
        authorities = viewer.authority_ids if viewer is not None else authority_ids_of(user)
        rule |= Q(authority_id__in=authorities)
    return Referral.objects.filter(rule, status=ReferralStatus.RECEIVED).values("person_id")


def referral_services(person_ids: list[int]) -> Iterable[Involvement]:
    rows = (
        Referral.objects.filter(person_id__in=person_ids, status=ReferralStatus.RECEIVED)
        .select_related("owning_service")
        .order_by("received_at")
    )
    for referral in rows:
        yield Involvement(
            service_name=referral.owning_service.name,
            what=f"Referral from {referral.referrer_display}, waiting for a decision",
            person_ids=[referral.person_id],
            since=referral.received_at,
            service_id=referral.owning_service_id,
        )
