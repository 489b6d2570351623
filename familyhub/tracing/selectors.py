"""Reads of the tracing part, every one through the access layer: the identifier completeness
report (the share of children with a verified NHS number by service and team, against the 95%
Child Protection Information Sharing needs before a council may go live) and the lists a
practitioner works through."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from familyhub.access import involvement
from familyhub.access.layer import visible_people
from familyhub.access.viewer import Viewer, viewer_for
from familyhub.people.models import NhsNumberStatus, Person
from familyhub.services.selectors import teams_of
from familyhub.tracing.models import NumberReview, ReviewState, Trace

# Child Protection Information Sharing (CP-IS) for health visiting: 95% of records matched to a
# verified NHS number before go-live.
GO_LIVE_SHARE = 95.0
CHILD_UNDER_YEARS = 18


def children_born_after() -> datetime.date:
    return timezone.localdate() - relativedelta(years=CHILD_UNDER_YEARS)


def visible_children(user, *, viewer: Viewer | None = None) -> QuerySet[Person]:
    """The children (born, alive, under 18) the user may see."""
    return visible_people(user, viewer=viewer).filter(
        is_unborn=False, date_of_death__isnull=True, date_of_birth__gt=children_born_after()
    )


@dataclass(frozen=True)
class TeamShare:
    team_id: int
    team: str
    service: str
    children: int
    verified: int

    @property
    def share(self) -> float:
        return 100.0 * self.verified / self.children if self.children else 0.0

    @property
    def meets_bar(self) -> bool:
        return self.children > 0 and self.share >= GO_LIVE_SHARE

    @property
    def to_go(self) -> int:
        """How many more verified numbers reach the bar."""
        needed = -(-GO_LIVE_SHARE * self.children // 100)  # ceiling
        return max(0, int(needed) - self.verified)


def _team_viewer(viewer: Viewer, team) -> Viewer:
    """The viewer narrowed to one of their teams, so the access layer's involvement rule (the
    same providers, not a copy of them) says which children that team works with."""
    return replace(
        viewer,
        team_ids=[team.pk],
        service_ids=[team.service_id],
        base_ids=[team.base_id] if team.base_id else [],
        locality_ids=[team.locality_id] if team.locality_id else [],
        glass_person_ids=[],
    )


def _share(children: QuerySet[Person], **labels) -> TeamShare:
    totals = children.aggregate(
        children=Count("pk"),
        verified=Count("pk", filter=Q(nhs_number_status=NhsNumberStatus.VERIFIED)),
    )
    return TeamShare(children=totals["children"], verified=totals["verified"], **labels)


def completeness(user) -> tuple[list[TeamShare], TeamShare]:
    """Each of the user's teams: the children it works with (that the user may see: involvement,
    as the access layer counts it) and how many have a verified NHS number; and the same for
    every child the user may see (their families' children too)."""
    viewer = viewer_for(user)
    children = visible_children(user, viewer=viewer)
    shares = [
        _share(
            children.filter(involvement.involved_q(_team_viewer(viewer, team))),
            team_id=team.pk,
            team=team.name,
            service=team.service.name,
        )
        for team in teams_of(user).order_by("service__name", "name")
    ]
    return shares, _share(children, team_id=0, team="All", service="")


def to_work_through(user, *, team_id: int | None = None) -> QuerySet[Person]:
    """The children the user's teams (or one of them) work with, without a verified NHS number.
    Not yet logged: the page logs the rows it shows."""
    viewer = viewer_for(user)
    team = teams_of(user).filter(pk=team_id).first() if team_id else None
    working = _team_viewer(viewer, team) if team else viewer
    return (
        visible_children(user, viewer=viewer)
        .filter(involvement.involved_q(working))
        .exclude(nhs_number_status=NhsNumberStatus.VERIFIED)
        .order_by("nhs_number_status", "family_name", "given_name", "pk")
    )


def latest_traces(person_ids: list[int]) -> dict[int, Trace]:
    latest: dict[int, Trace] = {}
    for trace in Trace.objects.filter(person_id__in=person_ids).order_by("created_at", "pk"):
        latest[trace.person_id] = trace
    return latest


def open_reviews(user) -> QuerySet[NumberReview]:
    """Differing numbers waiting for a decision, for people the user may see."""
    return (
        NumberReview.objects.filter(
            state=ReviewState.OPEN, person__in=visible_people(user).values("pk")
        )
        .select_related("person", "trace")
        .order_by("created_at", "pk")
    )
