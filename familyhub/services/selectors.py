from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db.models import Q, QuerySet

from familyhub.audit.scope import current as current_scope
from familyhub.places.models import Authority
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


def deployment_authority() -> Authority | None:
    """The council this deployment serves (FAMILYHUB_AUTHORITY_CODE), if it is loaded."""
    return Authority.objects.filter(code=settings.FAMILYHUB_AUTHORITY_CODE).first()


def _per_request(key: tuple, user, read):
    """`read()` once per request for this user (audit.scope's cache), afresh outside a request.
    A page asks "which council" several times (the menu, the access layer, the view)."""
    scope = current_scope()
    if scope is None:
        return read()
    full_key = (*key, getattr(user, "pk", None))
    if full_key not in scope.cache:
        scope.cache[full_key] = read()
    return scope.cache[full_key]


def authority_ids_of(user) -> list[int]:
    """The councils a member of staff works for, through their teams' services."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        _per_request(
            ("authority_ids",),
            user,
            lambda: sorted(set(teams_of(user).values_list("service__authority_id", flat=True))),
        )
    )


def authority_of(user) -> Authority | None:
    """The one answer to "which council is this person in": their teams' council (the first, for
    someone in teams of two), else, for staff outside any team (a commissioner, the information
    governance lead), the deployment's own. None when neither exists."""

    def read() -> Authority | None:
        ids = authority_ids_of(user)
        if ids:
            return Authority.objects.get(pk=ids[0])
        return deployment_authority()

    return _per_request(("authority",), user, read)


def staff_label(user) -> str:
    """A member of staff as a choice in a list: "Ben Carter (Family practitioner, Early help
    East)", so two people of one name can be told apart. Prefetch memberships__team for lists."""
    name = user.get_full_name() or user.username
    details = [user.job_title or user.get_role_display()]
    details += sorted({m.team.name for m in user.memberships.all()})
    return f"{name} ({', '.join(d for d in details if d)})"
