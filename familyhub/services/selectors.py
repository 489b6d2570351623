from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet

from familyhub.services.models import Service, Team


def teams_of(user, *, on: date | None = None) -> QuerySet[Team]:
    """The teams a person belongs to today (or on a given day)."""
    day = on or date.today()
    return (
        Team.objects.filter(memberships__user=user)
        .filter(Q(memberships__start__isnull=True) | Q(memberships__start__lte=day))
        .filter(Q(memberships__end__isnull=True) | Q(memberships__end__gte=day))
        .select_related("service", "locality", "base")
        .distinct()
    )


def services_of(user) -> QuerySet[Service]:
    return Service.objects.filter(teams__in=teams_of(user)).distinct()
