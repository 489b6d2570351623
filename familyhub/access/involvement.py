"""Involvement: which people a practitioner's teams work with. Other parts plug in here.

A provider is a function of the user returning either a queryset of person primary keys
(`.values("person_id")`) or a `Q` over `people.Person`. Register it from your AppConfig.ready():

    from familyhub.access import involvement

    def open_episodes(user):
        return Episode.objects.filter(team__in=teams_of(user), closed_at__isnull=True).values(
            "person_id"
        )

    involvement.register(open_episodes)

The access layer ORs every provider together, adds the household members of every involved
person (the family record) and break-glass. Providers must not evaluate rows in Python.

The family record's "services involved" panel has a second registry, `register_services`:
a function of a list of person primary keys returning `Involvement` rows (service, team, lead
professional and how to contact them). Casework registers its episodes there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet

Provider = Callable[[Any], "QuerySet[Any] | Q"]
ServicesProvider = Callable[[list[int]], Iterable["Involvement"]]

_PROVIDERS: dict[str, Provider] = {}
_SERVICES_PROVIDERS: dict[str, ServicesProvider] = {}


@dataclass
class Involvement:
    """One service's involvement with a family, for the family record's "services involved"."""

    service_name: str
    what: str  # "Registered", "Open episode", "Referral", "Booking"
    person_ids: list[int] = field(default_factory=list)
    team_name: str = ""
    lead_professional: str = ""
    lead_contact: str = ""
    since: datetime | None = None
    service_id: int | None = None


def _key(fn: Callable) -> str:
    return f"{fn.__module__}.{fn.__qualname__}"


def register(fn: Provider) -> Provider:
    """Add an involvement provider (idempotent, so ready() may run twice). Usable as decorator."""
    _PROVIDERS[_key(fn)] = fn
    return fn


def register_services(fn: ServicesProvider) -> ServicesProvider:
    """Add a provider of "services involved" rows for the family record."""
    _SERVICES_PROVIDERS[_key(fn)] = fn
    return fn


def providers() -> list[Provider]:
    return list(_PROVIDERS.values())


def involved_q(user) -> Q:
    """A Q over Person matching everyone the user's teams are involved with (no households)."""
    from familyhub.people.models import Person

    combined = Q(pk__in=[])
    for provider in _PROVIDERS.values():
        result = provider(user)
        if isinstance(result, Q):
            # A Q across a many-valued relation would repeat people; a subquery cannot.
            combined |= Q(pk__in=Person.objects.filter(result).values("pk"))
        else:
            combined |= Q(pk__in=result)
    return combined


def services_involved(person_ids: list[int]) -> list[Involvement]:
    rows: list[Involvement] = []
    for provider in _SERVICES_PROVIDERS.values():
        rows.extend(provider(person_ids))
    return rows


# Built-in providers (the people part's registrations, this part's notes and explicit shares) are
# registered in access.apps.AccessConfig.ready() from access.builtin_involvement.
