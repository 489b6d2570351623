"""Involvement: which people a practitioner's teams work with. The parts declare it here.

Involvement comes from a service's real work with the family (a live episode, a referral in the
front door's queue, a confirmed registration at the team's hub, a booking on a session the team
runs, a named health visitor), never from the viewer's own click. A provider is a function of
the Viewer (access.viewer: the user and their team, service, council, base and locality ids, read
once per request) returning a queryset of person keys (`.values("person_id")`) or a `Q` over
people.Person. Each part registers its providers from its AppConfig.ready():

    from familyhub.access import involvement

    def live_episodes(viewer):
        '''Families with a live episode with one of the viewer's teams.'''
        return Episode.objects.filter(team_id__in=viewer.team_ids, status__in=LIVE).values(
            "person_id"
        )

    involvement.providers.register(live_episodes)

The first sentence of a provider's docstring names the route on the information governance
lead's page of routes into a record (access.routes), so it speaks of "the team". Involvement is by team (a council may choose locality for sites:
FAMILYHUB_INVOLVEMENT_BY_LOCALITY), and what ends (an episode, a referral) stops counting a
council-set number of days after it ends (involvement.days_after_end). The access layer ORs every
provider together, adds the household members of every involved person (the family record) and
break-glass. Providers must not evaluate rows in Python.

The family record's "services involved" panel has a second hook, `services`: a function of a
list of person primary keys returning `Involvement` rows (service, team, lead professional and
how to contact them). Casework registers its episodes there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import BooleanField, Expression, F, Q, QuerySet
from django.utils import timezone

from familyhub.core.hooks import Hook
from familyhub.people.models import Person

Provider = Callable[[Any], "QuerySet[Any] | Q"]  # provider(viewer)
ServicesProvider = Callable[[list[int]], Iterable["Involvement"]]

providers: Hook[Provider] = Hook("involvement", "who each part's teams work with")
services: Hook[ServicesProvider] = Hook(
    "services_involved", "the family record's 'services involved' rows each part adds"
)


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
    # True for the lead professional of the family's plan (casework's episodes), as against a
    # named practitioner or a registration.
    leads: bool = False
    # The lead professional's user key, when `leads` (who is told of a break-glass on the record).
    lead_user_id: int | None = None


def days_after_end(kind: str) -> int:
    """How long involvement lasts after an episode or a referral ends (FAMILYHUB_ACCESS_DAYS_
    AFTER_EPISODE, _AFTER_REFERRAL, _AFTER_SESSION): time to finish the work and hand over."""
    return int(getattr(settings, f"FAMILYHUB_ACCESS_DAYS_AFTER_{kind.upper()}"))


def ended_since(kind: str) -> datetime:
    """The moment before which an ended episode or referral no longer counts."""
    return timezone.now() - timedelta(days=days_after_end(kind))


def route_name(provider: Provider) -> str:
    """The route a provider opens, in words: its docstring's first sentence."""
    doc = " ".join((provider.__doc__ or "").split())
    if not doc:
        return provider.__name__.replace("_", " ").capitalize()
    return doc.split(". ", 1)[0].split(": ", 1)[0].rstrip(".")


def _answers(viewer) -> Iterator[QuerySet[Any] | Q]:
    for provider in providers:
        yield provider(viewer)


def involved_q(viewer) -> Q:
    """A Q over Person matching everyone the user's teams are involved with (no households)."""

    combined = Q(pk__in=[])
    for result in _answers(viewer):
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


def involved_among(viewer, person_ids) -> set[int]:
    """Which of these people the user's teams are involved with (no households), as flat queries:
    every provider's answer narrowed to the candidates and read as one UNION. The same providers
    as involved_q, so the same answer for these ids; for pages that know whom they will show."""

    # A queryset of keys stays a subquery; anything else becomes a list of keys.
    ids = person_ids if isinstance(person_ids, QuerySet) else list(person_ids)
    if not isinstance(ids, QuerySet) and not ids:
        return set()
    parts = []
    for result in _answers(viewer):
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

    selected = result.query.values_select
    if len(selected) == 1 and not result.query.annotation_select:
        return result.filter(_key_filter(selected[0], ids)).values_list(selected[0])
    return Person.objects.filter(pk__in=result).filter(_key_filter("pk", ids)).values_list("pk")


def _key_filter(column: str, ids) -> Q:
    return Q(**{f"{column}__in": ids}) if isinstance(ids, QuerySet) else Q(KeyIn(column, ids))


def services_involved(person_ids: list[int]) -> list[Involvement]:
    rows: list[Involvement] = []
    for provider in services:
        rows.extend(provider(person_ids))
    return rows
