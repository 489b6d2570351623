"""Reads that cross rows. Every queryset that shows people is filtered by the access layer."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from familyhub.access.layer import record_for_viewer, records_visible_among, records_visible_to
from familyhub.accounts.models import User
from familyhub.accounts.roles import Role
from familyhub.childhealth.models import (
    Alert,
    DueStatus,
    HealthVisitorAllocation,
    Measurement,
    NewbornOutcome,
    OnwardReferral,
    Review,
    ReviewDue,
    Screening,
)
from familyhub.childhealth.schedule import HEALTH_VISITING_KINDS, SCHOOL_NURSING_KINDS
from familyhub.core.pagination import Page
from familyhub.places.models import Locality, Site
from familyhub.services.selectors import authority_of, teams_of

SECTIONS = {
    "due": "Due now",
    "overdue": "Overdue",
    "outside": "Outside their window",
}
# How far back "outside their window" looks: older misses are history, not work.
OUTSIDE_LOOKBACK = timedelta(days=365)


def week_bounds(day: date) -> tuple[date, date]:
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def kinds_for(user) -> tuple[str, ...]:
    if user.role == Role.HEALTH_VISITOR:
        return tuple(HEALTH_VISITING_KINDS)
    if user.role == Role.SCHOOL_NURSE:
        return tuple(SCHOOL_NURSING_KINDS)
    return tuple(HEALTH_VISITING_KINDS) + tuple(SCHOOL_NURSING_KINDS)


def worklist_base(
    user,
    *,
    scope: str = "mine",
    locality: Locality | None = None,
    site: Site | None = None,
    today: date | None = None,
) -> QuerySet[ReviewDue]:
    """Open reviews for the user ("mine": children they are the named practitioner for) or their
    teams ("team": children allocated to the team or living in its localities) that fall in any
    section (they open by Sunday and stopped counting no more than OUTSIDE_LOOKBACK ago), filtered
    by the access layer once; the sections below narrow it by date."""
    today = today or timezone.localdate()
    _, sunday = week_bounds(today)
    rows = ReviewDue.objects.filter(
        status=DueStatus.DUE,
        kind__in=kinds_for(user),
        person__merged_into__isnull=True,
        window_start__lte=sunday,
        late_until__gte=today - OUTSIDE_LOOKBACK,
    )
    # Subqueries, not joins through the allocations: a join repeats a review once per
    # allocation row (so the list needed DISTINCT), and with the access rule's filter on top
    # PostgreSQL misjudged it into a nested loop over every allocation (600 ms for a team).
    current = HealthVisitorAllocation.objects.filter(end__isnull=True)
    if scope == "mine":
        rows = rows.filter(person_id__in=current.filter(practitioner=user).values("person_id"))
    else:
        teams = teams_of(user)
        rows = rows.filter(
            Q(person_id__in=current.filter(team__in=teams).values("person_id"))
            | Q(person__area__locality__in=teams.values("locality"))
        )
    if locality is not None:
        rows = rows.filter(person__area__locality=locality)
    if site is not None:
        rows = rows.filter(
            Q(person__area__in=site.reach_areas.all()) | Q(person__area=site.area_id)
        )
    # The worklist knows its candidates: the access rule is asked for their people only, with
    # flat queries, instead of being nested whole into this query (same rows: access tests).
    # Measured (docs/PERFORMANCE.md, "Access layer fast path"): half the Python on a short or
    # empty worklist, even on 50 to 800 children; bench pages 38 against 52 ms a page.
    return records_visible_among(user, rows)


def section_q(section: str, today: date) -> Q:
    if section == "due":
        _, sunday = week_bounds(today)
        return Q(window_start__lte=sunday, window_end__gte=today)
    if section == "overdue":
        return Q(window_end__lt=today, late_until__gte=today)
    if section == "outside":
        return Q(late_until__lt=today, late_until__gte=today - OUTSIDE_LOOKBACK)
    raise ValueError(f"Unknown worklist section {section!r}")


def section_counts(base: QuerySet[ReviewDue], today: date) -> dict[str, int]:
    """All three section counts in one query. Every section's rows open by Sunday and stop
    counting no more than OUTSIDE_LOOKBACK ago, so older and later rows are left out first
    (the index on window_start does that) instead of being tested three times each."""
    _, sunday = week_bounds(today)
    base = base.filter(window_start__lte=sunday, late_until__gte=today - OUTSIDE_LOOKBACK)
    totals = base.aggregate(**{key: Count("pk", filter=section_q(key, today)) for key in SECTIONS})
    return {key: totals[key] or 0 for key in SECTIONS}


def worklist(
    user,
    *,
    section: str,
    scope: str = "mine",
    today: date | None = None,
    locality: Locality | None = None,
    site: Site | None = None,
    base: QuerySet[ReviewDue] | None = None,
) -> QuerySet[ReviewDue]:
    today = today or timezone.localdate()
    if base is None:
        base = worklist_base(user, scope=scope, locality=locality, site=site, today=today)
    return (
        base.filter(section_q(section, today))
        .select_related("person", "person__area", "person__area__locality")
        .order_by("window_end", "person__family_name", "pk")
    )


def _in_section(section: str, today: date, sunday: date, row: tuple) -> bool:
    """section_q for one (window_start, window_end, late_until) row, in Python."""
    start, end, late = row
    if section == "due":
        return start <= sunday and end >= today
    if section == "overdue":
        return end < today <= late
    return today - OUTSIDE_LOOKBACK <= late < today


def worklist_page(
    base: QuerySet[ReviewDue], *, section: str, today: date, page_number, size: int
) -> tuple[dict[str, int], Page, list[ReviewDue]]:
    """The section counts, the page and its rows, with one query through the access rule.

    The rule makes the query long to build and to plan, so it runs once: it returns the keys of
    every row in any section (a team's few thousand at most, in worklist order), the counts and
    the page are taken from them here, and the page's rows are then read by primary key."""
    _, sunday = week_bounds(today)
    keys = list(
        base.filter(window_start__lte=sunday, late_until__gte=today - OUTSIDE_LOOKBACK)
        .order_by("window_end", "person__family_name", "pk")
        .values_list("pk", "window_start", "window_end", "late_until")
    )
    counts = dict.fromkeys(SECTIONS, 0)
    wanted: list[int] = []
    for pk, *dates in keys:
        for key in SECTIONS:
            if _in_section(key, today, sunday, tuple(dates)):
                counts[key] += 1
                if key == section:
                    wanted.append(pk)
    page = Page.of(page_number, total=counts[section], size=size)
    page_pks = wanted[page.start : page.end]
    found = ReviewDue.objects.filter(pk__in=page_pks).select_related(
        "person", "person__area", "person__area__locality"
    )
    by_pk = {row.pk: row for row in found}
    return counts, page, [by_pk[pk] for pk in page_pks if pk in by_pk]


def open_alerts_for(person_ids: list[int]) -> dict[int, list[Alert]]:
    grouped: dict[int, list[Alert]] = {}
    for alert in Alert.objects.filter(person_id__in=person_ids, resolved_at__isnull=True):
        grouped.setdefault(alert.person_id, []).append(alert)
    return grouped


def named_practitioners(person_ids: list[int]) -> dict[int, HealthVisitorAllocation]:
    return {
        a.person_id: a
        for a in HealthVisitorAllocation.objects.filter(
            person_id__in=person_ids, end__isnull=True
        ).select_related("practitioner", "team")
    }


def caseload(viewer, practitioner) -> QuerySet[HealthVisitorAllocation]:
    """The children a practitioner is the named health visitor (or school nurse) for."""
    rows = HealthVisitorAllocation.objects.filter(practitioner=practitioner, end__isnull=True)
    rows = records_visible_to(viewer, rows)
    return rows.select_related("person", "person__area", "team").order_by(
        "person__family_name", "person__given_name", "pk"
    )


def caseload_rows(pks: list[int]) -> dict[int, HealthVisitorAllocation]:
    """One page of a caseload by primary key (the keys came through the access layer)."""
    return {
        row.pk: row
        for row in HealthVisitorAllocation.objects.filter(pk__in=pks).select_related(
            "person", "person__area", "team"
        )
    }


def colleagues(user):
    """Practitioners in the user's teams whose caseloads the user may open."""
    return (
        User.objects.filter(
            memberships__team__in=teams_of(user),
            role__in=[Role.HEALTH_VISITOR, Role.SCHOOL_NURSE],
        )
        .distinct()
        .order_by("last_name", "first_name")
    )


def localities_for(user) -> QuerySet[Locality]:
    return Locality.objects.filter(authority=authority_of(user))


def sites_for(user) -> QuerySet[Site]:
    return Site.objects.filter(authority=authority_of(user))


def child_record(viewer, person) -> dict:
    """Everything on a child's health page, each list filtered by the sharing rules."""

    def visible(qs):
        return records_visible_to(viewer, qs.filter(person=person))

    return {
        "schedule": visible(ReviewDue.objects.exclude(status=DueStatus.CANCELLED)).order_by(
            "window_start"
        ),
        "reviews": visible(Review.objects.select_related("done_by", "accountable")).order_by(
            "-done_on"
        ),
        "measurements": visible(Measurement.objects.all()).order_by("-measured_on"),
        "screenings": visible(Screening.objects.all()).order_by("-screened_on"),
        "newborn_outcomes": visible(NewbornOutcome.objects.all()).order_by("-done_on", "-pk"),
        "referrals": visible(OnwardReferral.objects.all()).order_by("-referred_on"),
        "alerts": visible(Alert.objects.filter(resolved_at__isnull=True)),
        "allocation": visible(
            HealthVisitorAllocation.objects.filter(end__isnull=True).select_related(
                "practitioner", "team"
            )
        ).first(),
    }


def review_due_for_viewer(viewer, public_id) -> ReviewDue:
    """One schedule row by its public id, through the access layer (404 both ways; logged)."""
    return record_for_viewer(
        viewer,
        ReviewDue.objects.select_related("person"),
        public_id,
        purpose="Record a health review",
        channel="page",
    )


def alert_for_viewer(viewer, public_id) -> Alert:
    return record_for_viewer(
        viewer,
        Alert.objects.select_related("person"),
        public_id,
        purpose="Resolve a child health alert",
        channel="page",
        action="change",
    )


def open_alerts_for_viewer(viewer, person) -> QuerySet[Alert]:
    """Open child health alerts about a person that the viewer may see (for a person page)."""
    return records_visible_to(viewer, Alert.objects.filter(person=person, resolved_at__isnull=True))
