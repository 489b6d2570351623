"""Reads of the tracing part, every one through the access layer: the identifier completeness
report (the share of children with a verified NHS number by service and team, against the 95%
Child Protection Information Sharing needs before a council may go live) and the lists a
practitioner works through."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from familyhub.access.layer import visible_people
from familyhub.access.viewer import Viewer, viewer_for
from familyhub.people.models import NhsNumberStatus, Person, Registration
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


def _registered(viewer: Viewer) -> QuerySet[Registration]:
    return Registration.objects.filter(
        team_id__in=viewer.team_ids, ended_at__isnull=True, confirmed_at__isnull=False
    )


def completeness(user) -> tuple[list[TeamShare], TeamShare]:
    """Each of the user's teams: children registered with it (that the user may see) and how
    many have a verified NHS number; and the same for every child the user may see."""
    viewer = viewer_for(user)
    children = visible_children(user, viewer=viewer)
    rows = (
        _registered(viewer)
        .filter(person__in=children.values("pk"))
        .values("team_id", "team__name", "service__name")
        .annotate(
            children=Count("person", distinct=True),
            verified=Count(
                "person",
                filter=Q(person__nhs_number_status=NhsNumberStatus.VERIFIED),
                distinct=True,
            ),
        )
        .order_by("service__name", "team__name")
    )
    shares = [
        TeamShare(
            r["team_id"], r["team__name"], r["service__name"] or "", r["children"], r["verified"]
        )
        for r in rows
    ]
    totals = children.aggregate(
        children=Count("pk"),
        verified=Count("pk", filter=Q(nhs_number_status=NhsNumberStatus.VERIFIED)),
    )
    return shares, TeamShare(0, "All", "", totals["children"], totals["verified"])


def to_work_through(user, *, team_id: int | None = None) -> QuerySet[Person]:
    """The user's teams' children without a verified NHS number, those with a number to decide
    on first. Not yet logged: the page logs the rows it shows."""
    viewer = viewer_for(user)
    team_ids = [team_id] if team_id in viewer.team_ids else viewer.team_ids
    registered = Registration.objects.filter(
        team_id__in=team_ids, ended_at__isnull=True, confirmed_at__isnull=False
    ).values("person_id")
    return (
        visible_children(user, viewer=viewer)
        .filter(pk__in=registered)
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
