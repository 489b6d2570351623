"""This part's involvement: a health visiting or school nursing team is involved with the children
on its named practitioners' caseloads. Registered with the access layer's registry in ready()."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.utils import timezone


def caseload_of_teams(user, *, viewer=None) -> QuerySet:
    """Children whose named health visitor (or school nurse) sits in one of the user's teams."""
    from familyhub.childhealth.models import HealthVisitorAllocation
    from familyhub.services.selectors import teams_of

    today = timezone.localdate()
    teams = viewer.team_ids if viewer is not None else teams_of(user).values("pk")
    return (
        HealthVisitorAllocation.objects.filter(team__in=teams)
        .filter(Q(end__isnull=True) | Q(end__gte=today))
        .values("person_id")
    )


def services_involved(person_ids: list[int]) -> Iterable:
    """The family record's "services involved": the named health visitor or school nurse."""
    from familyhub.access.involvement import Involvement
    from familyhub.childhealth.models import HealthVisitorAllocation

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


def universal_schedule(user, *, viewer=None) -> QuerySet:
    """Health visiting and school nursing are universal: a team is involved with every child in
    its locality whose schedule its service owns and who has a review still open."""
    from familyhub.childhealth.models import DueStatus, ReviewDue
    from familyhub.services.selectors import teams_of

    if viewer is not None:
        services, localities = viewer.service_ids, viewer.locality_ids
    else:
        teams = teams_of(user)
        services, localities = teams.values("service"), teams.values("locality")
    return ReviewDue.objects.filter(
        status=DueStatus.DUE,
        owning_service__in=services,
        person__area__locality__in=localities,
    ).values("person_id")
