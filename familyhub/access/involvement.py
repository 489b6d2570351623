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

A provider may also take a keyword `viewer` (access.layer.Viewer: the user's team, service,
authority, base and locality ids, read once per request); the layer then passes it, and the
provider filters by those ids instead of building a subquery over the user's teams again
(`def open_episodes(user, *, viewer=None)`; with viewer None it must still work alone).

The family record's "services involved" panel has a second registry, `register_services`:
a function of a list of person primary keys returning `Involvement` rows (service, team, lead
professional and how to contact them). Casework registers its episodes there.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import BooleanField, Expression, F, Q, QuerySet

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


_TAKES_VIEWER: set[str] = set()


def register(fn: Provider) -> Provider:
    """Add an involvement provider (idempotent, so ready() may run twice). Usable as decorator."""
    _PROVIDERS[_key(fn)] = fn
    if "viewer" in inspect.signature(fn).parameters:
        _TAKES_VIEWER.add(_key(fn))
    return fn


def _answers(user, viewer) -> Iterator[QuerySet[Any] | Q]:
    """Every provider's answer, passing the viewer to those that take one."""
    for key, provider in list(_PROVIDERS.items()):
        if viewer is not None and key in _TAKES_VIEWER:
            yield provider(user, viewer=viewer)  # type: ignore[call-arg]
        else:
            yield provider(user)


def register_services(fn: ServicesProvider) -> ServicesProvider:
    """Add a provider of "services involved" rows for the family record."""
    _SERVICES_PROVIDERS[_key(fn)] = fn
    return fn


def providers() -> list[Provider]:
    return list(_PROVIDERS.values())


def involved_q(user, *, viewer=None) -> Q:
    """A Q over Person matching everyone the user's teams are involved with (no households)."""
    from familyhub.people.models import Person

    combined = Q(pk__in=[])
    for result in _answers(user, viewer):
        if isinstance(result, Q):
            # A Q across a many-valued relation would repeat people; a subquery cannot.
            combined |= Q(pk__in=Person.objects.filter(result).values("pk"))
        else:
            combined |= Q(pk__in=result)
    return combined


class KeyIn(Expression):
    """`column IN (ids)` as one array parameter on PostgreSQL (`= ANY(%s)`): a worklist's
    hundreds of keys cost one parameter to build and to plan instead of one each. Elsewhere a
    plain IN list. Use as a filter: `.filter(KeyIn("person_id", ids))`, or inside Q()."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, column: str | Any, ids: Iterable[int]):
        super().__init__()
        self.column = F(column) if isinstance(column, str) else column
        self.ids = sorted({int(pk) for pk in ids})

    def get_source_expressions(self):
        return [self.column]

    def set_source_expressions(self, exprs):
        (self.column,) = exprs

    def as_sql(self, compiler, connection):
        sql, params = compiler.compile(self.column)
        if not self.ids:
            return "1 = 0", []
        if connection.vendor == "postgresql":
            # Written into the SQL (they are ints: int() above), not bound: a constant array is
            # searched by hash (PostgreSQL 14+), a bound one by a linear scan for every row.
            return f"{sql} = ANY('{{{','.join(map(str, self.ids))}}}'::bigint[])", params
        return f"{sql} IN ({', '.join(['%s'] * len(self.ids))})", [*params, *self.ids]


def involved_among(user, person_ids, *, viewer=None) -> set[int]:
    """Which of these people the user's teams are involved with (no households), as flat queries:
    every provider's answer narrowed to the candidates and read as one UNION. The same providers
    as involved_q, so the same answer for these ids; for pages that know whom they will show."""
    from familyhub.people.models import Person

    # A queryset of keys stays a subquery; anything else becomes a list of keys.
    ids = person_ids if isinstance(person_ids, QuerySet) else list(person_ids)
    if not isinstance(ids, QuerySet) and not ids:
        return set()
    parts = []
    for result in _answers(user, viewer):
        if isinstance(result, Q):
            parts.append(Person.objects.filter(result, _key_filter("pk", ids)).values_list("pk"))
        else:
            parts.append(_narrowed(result, ids))
    if not parts:
        return set()
    # UNION (not UNION ALL): a person involved several ways comes back once.
    union = parts[0].order_by().union(*(part.order_by() for part in parts[1:]))
    return {row[0] for row in union}


def _narrowed(result: QuerySet, ids) -> QuerySet:
    """A provider's queryset of person keys narrowed to the candidates, on its own column when it
    selects one (`.values("person_id")`), else through Person (still one flat query)."""
    from familyhub.people.models import Person

    selected = result.query.values_select
    if len(selected) == 1 and not result.query.annotation_select:
        return result.filter(_key_filter(selected[0], ids)).values_list(selected[0])
    return Person.objects.filter(pk__in=result).filter(_key_filter("pk", ids)).values_list("pk")


def _key_filter(column: str, ids) -> Q:
    return Q(**{f"{column}__in": ids}) if isinstance(ids, QuerySet) else Q(KeyIn(column, ids))


def services_involved(person_ids: list[int]) -> list[Involvement]:
    rows: list[Involvement] = []
    for provider in _SERVICES_PROVIDERS.values():
        rows.extend(provider(person_ids))
    return rows


# Built-in providers (the people part's registrations, this part's notes and explicit shares) are
# registered in access.apps.AccessConfig.ready() from access.builtin_involvement.
