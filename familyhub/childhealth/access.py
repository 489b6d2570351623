"""Who may see or change child health information. Everything goes through the access layer.

Each function delegates to familyhub.access.layer (THE contract). While the access part's bodies
are still being built, the interim below keeps the same meaning: a person is visible when one of
the user's teams is involved with them (the involvement registry, which includes this part's
caseloads and schedules), 404 for both "absent" and "not allowed", and no logging.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.db.models import QuerySet
from django.http import Http404

from familyhub.accounts.roles import Role
from familyhub.people.models import Person

# Roles that work with the child health record (pages show person data, so the access layer
# still decides which people; these roles only open the door to the pages).
CHILD_HEALTH_ROLES = frozenset({Role.HEALTH_VISITOR, Role.SCHOOL_NURSE, Role.TEAM_LEADER})
RECORDING_ROLES = frozenset({Role.HEALTH_VISITOR, Role.SCHOOL_NURSE})
ALLOCATING_ROLES = frozenset({Role.TEAM_LEADER, Role.HEALTH_VISITOR, Role.SCHOOL_NURSE})
# Aggregates only: no names, so no person is read.
INDICATOR_ROLES = frozenset(
    {Role.TEAM_LEADER, Role.SERVICE_MANAGER, Role.COMMISSIONER, Role.ADMINISTRATOR}
)


def _layer(name: str):
    from familyhub.access import layer

    return getattr(layer, name, None)


def visible_people(user, *, channel: str = "page") -> QuerySet[Person]:
    real = _layer("visible_people")
    if real is not None:
        return real(user, channel=channel)
    return _interim_visible(user)


def records_visible_to(user, queryset: QuerySet) -> QuerySet:
    real = _layer("records_visible_to")
    if real is not None:
        return real(user, queryset)
    return queryset.filter(person__in=_interim_visible(user))


def log_person_access(
    user, people: Iterable[Person], *, action: str, purpose: str, channel: str, detail: str = ""
) -> None:
    real = _layer("log_person_access")
    if real is not None:
        real(user, list(people), action=action, purpose=purpose, channel=channel, detail=detail)


def person_for_viewer(
    user, public_id: uuid.UUID | str, *, purpose: str, channel: str = "page", action: str = "read"
) -> Person:
    real = _layer("person_for_viewer")
    if real is not None:
        return real(user, public_id, purpose=purpose, channel=channel, action=action)
    try:
        person = Person.objects.get(public_id=public_id)
    except (Person.DoesNotExist, ValueError, TypeError, Exception):
        raise Http404("No such person")
    seen = 0
    while person.merged_into_id is not None and seen < 20:
        person = person.merged_into  # type: ignore[assignment]
        seen += 1
    if user.is_superuser or _interim_visible(user).filter(pk=person.pk).exists():
        return person
    raise Http404("No such person")


def _interim_visible(user) -> QuerySet[Person]:
    try:
        from familyhub.access.involvement import involved_q
    except ImportError:  # the registry not there yet: this part's own involvement only
        from familyhub.childhealth.involvement import caseload_of_teams

        return Person.objects.filter(pk__in=caseload_of_teams(user))
    return Person.objects.filter(involved_q(user))


def can_record(user) -> bool:
    return user.role in RECORDING_ROLES or user.is_superuser


def can_allocate(user) -> bool:
    return user.role in ALLOCATING_ROLES or user.is_superuser
