"""The people part's door to the access layer and the matching engine.

Views, the API and the import call these names only. Each delegates to the owning part's contract
(familyhub.access.layer, familyhub.matching.search); while that part's body is still being built
the interim below keeps the journey working with the same meaning (involvement through a
registration, 404 for both "absent" and "not allowed", merged records followed) and no logging.
The interim goes as soon as the owning part lands: nothing else here needs to change.
"""

from __future__ import annotations

import inspect
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from familyhub.people.models import Household, Person, Registration


def _layer(name: str):
    from familyhub.access import layer

    return getattr(layer, name, None)


def person_for_viewer(
    user, public_id: uuid.UUID | str, *, purpose: str, channel: str, action: str = "read"
) -> Person:
    real = _layer("person_for_viewer")
    if real is not None:
        return real(user, public_id, purpose=purpose, channel=channel, action=action)
    return _interim_person_for_viewer(user, public_id)


def visible_people(user, *, channel: str) -> QuerySet[Person]:
    real = _layer("visible_people")
    if real is not None:
        return real(user, channel=channel)
    return _interim_visible(user)


def log_person_access(
    user, people: Iterable[Person], *, action: str, purpose: str, channel: str, detail: str = ""
) -> None:
    real = _layer("log_person_access")
    if real is not None:
        real(user, list(people), action=action, purpose=purpose, channel=channel, detail=detail)


def match_candidates_for_registration(
    user, queryset: QuerySet[Person], *, channel: str = "registration"
) -> QuerySet[Person]:
    real = _layer("match_candidates_for_registration")
    if real is not None:
        if "channel" in inspect.signature(real).parameters:
            return real(user, queryset, channel=channel)
        return real(user, queryset)
    from familyhub.people.selectors import authority_of

    return queryset.filter(authority=authority_of(user), merged_into__isnull=True)


def household_for_viewer(user, public_id, *, purpose: str, channel: str) -> Household:
    real = _layer("household_for_viewer")
    if real is not None:
        return real(user, public_id, purpose=purpose, channel=channel)
    try:
        household = Household.objects.get(public_id=public_id)
    except (Household.DoesNotExist, ValueError, TypeError):
        raise Http404("No such family")
    members = _interim_visible(user).filter(
        household_memberships__household=household, household_memberships__end__isnull=True
    )
    if not members.exists():
        raise Http404("No such family")
    return household


def _interim_visible(user) -> QuerySet[Person]:
    from familyhub.services.selectors import services_of

    services = services_of(user)
    return Person.objects.filter(
        Q(registrations__service__in=services, registrations__ended_at__isnull=True)
    ).distinct()


def _interim_person_for_viewer(user, public_id) -> Person:
    try:
        person = Person.objects.get(public_id=public_id)
    except (Person.DoesNotExist, ValueError, TypeError):
        raise Http404("No such person")
    seen = 0
    while person.merged_into_id is not None and seen < 20:
        person = person.merged_into  # type: ignore[assignment]
        seen += 1
    if user.is_superuser or _interim_visible(user).filter(pk=person.pk).exists():
        return person
    raise Http404("No such person")


# --- matching -------------------------------------------------------------------------------


@dataclass
class Candidate:
    """The matching contract's candidate, as the people part uses it."""

    person_id: int
    public_id: uuid.UUID
    score: float
    probability: float
    fields: dict[str, str] = field(default_factory=dict)


def search_candidates(
    *,
    authority,
    given_name: str = "",
    family_name: str = "",
    date_of_birth=None,
    postcode: str = "",
    nhs_number: str = "",
    sex: str = "",
    limit: int = 10,
) -> list[Any]:
    matching_search: Any
    try:
        from familyhub.matching import search as matching_search
    except ImportError:  # pragma: no cover - the module exists from the start
        matching_search = None
    real = getattr(matching_search, "search_candidates", None)
    kwargs = {
        "authority": authority,
        "given_name": given_name,
        "family_name": family_name,
        "date_of_birth": date_of_birth,
        "postcode": postcode,
        "nhs_number": nhs_number,
        "sex": sex,
        "limit": limit,
    }
    if real is not None:
        return list(real(**kwargs))
    from familyhub.people.selectors import interim_search_candidates

    return interim_search_candidates(**kwargs)


def registrations_of(person: Person) -> QuerySet[Registration]:
    return person.registrations.select_related("site", "service", "registered_by")
