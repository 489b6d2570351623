"""This part's involvement: a health visiting or school nursing team is involved with the children
on its caseload and, being a universal service, with the children in its locality whose reviews
its service owns. Registered with the access layer's hooks in ready()."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.utils import timezone

from familyhub.access.involvement import Involvement
from familyhub.childhealth.models import DueStatus, HealthVisitorAllocation, ReviewDue


def caseload_of_teams(viewer) -> QuerySet:
    """A named health visitor or school nurse in the team."""
    today = timezone.localdate()
    return (
        HealthVisitorAllocation.objects.filter(team_id__in=viewer.team_ids)
        .filter(Q(end__isnull=True) | Q(end__gte=today))
        .values("person_id")
    )


def universal_schedule(viewer) -> QuerySet:
    """A review still due with the team's service, for a child in the team's locality."""
    return ReviewDue.objects.filter(
        status=DueStatus.DUE,
        owning_service_id__in=viewer.service_ids,
        person__area__locality_id__in=viewer.locality_ids,
    ).values("person_id")


def services_involved(person_ids: list[int]) -> Iterable[Involvement]:
    """The family record's "services involved": the named health visitor or school nurse."""
    rows: dict[tuple, Involvement] = {}
    allocations = (
        HealthVisitorAllocation.objects.filter(person_id__in=person_ids, end__isnull=True)
        .select_related("team__service", "practitioner")
        .order_by("start")
    )
    for allocation in allocations:
        key = (allocation.team_id, allocation.practitioner_id)
        if key not in rows:
            who = allocation.practitioner
            rows[key] = Involvement(
                service_name=allocation.team.service.name,
                what="Named practitioner",
                team_name=allocation.team.name,
                lead_professional=who.get_full_name() or who.username,
                lead_contact=getattr(who, "phone", "") or who.email,
                service_id=allocation.team.service_id,
            )
        rows[key].person_ids.append(allocation.person_id)
    return rows.values()
