"""Reads of the hubs part: bank holidays, the timetable, hub attribution, reach and capacity.

Reach and capacity are aggregates: counts of people, never a person's information, so they are
read behind a role check (access.REPORT_ROLES) rather than per person through the access layer.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, FieldError
from django.db.models import Count, Q, QuerySet

from familyhub.hubs.models import (
    Attendance,
    BankHoliday,
    Booking,
    BookingStatus,
    EntitlementFlag,
    EntitlementKind,
    Offer,
    Session,
)
from familyhub.hubs.recurrence import parse_iso_dates
from familyhub.people.models import Person, Relationship
from familyhub.places.models import Area, Authority, Locality, Site, SiteKind, SiteStatus

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
PARENT_KINDS = ("mother", "father", "parent")


def bank_holidays() -> set[datetime.date]:
    """settings.FAMILYHUB_BANK_HOLIDAYS (ISO dates, may be empty) and the BankHoliday table."""
    configured = parse_iso_dates(
        getattr(settings, "FAMILYHUB_BANK_HOLIDAYS", []) or [], setting="FAMILYHUB_BANK_HOLIDAYS"
    )
    return configured | set(BankHoliday.objects.values_list("date", flat=True))


def engaged_attendances() -> int:
    return int(getattr(settings, "FAMILYHUB_ENGAGED_ATTENDANCES", 3))


def engaged_period_days() -> int:
    return int(getattr(settings, "FAMILYHUB_ENGAGED_PERIOD_DAYS", 365))


def week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


# --- the timetable -------------------------------------------------------------------------


def timetable_sessions(
    *,
    authority: Authority | None,
    start: datetime.date,
    end: datetime.date,
    locality: Locality | None = None,
    site: Site | None = None,
) -> QuerySet[Session]:
    sessions = Session.objects.filter(date__gte=start, date__lte=end, cancelled=False)
    if authority is not None:
        sessions = sessions.filter(authority=authority)
    if locality is not None:
        sessions = sessions.filter(site__locality=locality)
    if site is not None:
        sessions = sessions.filter(site=site)
    return sessions.select_related("activity", "site", "site__locality", "series").order_by(
        "site__locality__name", "site__name", "date", "start_time"
    )


@dataclass
class TimetableGrid:
    """A week as a table: one row per weekday, one column per site."""

    sites: list[Site]
    days: list[tuple[str, datetime.date, list[list[Session]]]]  # (weekday, date, cells by site)


def timetable_grid(sessions: Iterable[Session], *, start: datetime.date) -> TimetableGrid:
    sessions = list(sessions)
    sites = sorted({s.site for s in sessions}, key=lambda s: (s.locality.name, s.name))
    index = {site.pk: i for i, site in enumerate(sites)}
    days = []
    for offset in range(7):
        day = start + datetime.timedelta(days=offset)
        cells: list[list[Session]] = [[] for _ in sites]
        for session in sessions:
            if session.date == day:
                cells[index[session.site_id]].append(session)
        if any(cells) or offset < 5:
            days.append((WEEKDAYS[offset], day, cells))
    return TimetableGrid(sites=sites, days=days)


# --- which hub a session counts toward ------------------------------------------------------


def hubs_of(authority: Authority) -> QuerySet[Site]:
    return (
        Site.objects.filter(authority=authority, kind=SiteKind.FAMILY_HUB)
        .exclude(status=SiteStatus.CLOSED)
        .select_related("locality")
        .order_by("locality__name", "name")
    )


def area_hubs(authority: Authority) -> dict[int, int]:
    """area id -> the hub whose reach area holds it (the first by name when two claim it)."""
    mapping: dict[int, int] = {}
    rows = (
        Site.reach_areas.through.objects.filter(
            site__authority=authority, site__kind=SiteKind.FAMILY_HUB
        )
        .exclude(site__status=SiteStatus.CLOSED)
        .order_by("site__name")
        .values_list("area_id", "site_id")
    )
    for area_id, site_id in rows:
        mapping.setdefault(area_id, site_id)
    return mapping


def session_hub_id(session: Session, areas: dict[int, int]) -> int | None:
    """The hub a session counts toward: an explicit hub; else its site, when that is a hub; else
    the hub whose reach area holds the venue's area (outreach counts toward the hub it serves)."""
    if session.hub_id:
        return session.hub_id
    if session.site.kind == SiteKind.FAMILY_HUB:
        return session.site_id
    if session.site.area_id is not None:
        return areas.get(session.site.area_id)
    return None


# --- reach ---------------------------------------------------------------------------------


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _rate(numerator: int, denominator: int | None, *, cap: bool = False) -> float | None:
    if not denominator:
        return None
    rate = numerator / denominator
    return min(rate, 1.0) if cap else rate


@dataclass
class ReachFigures:
    label: str
    families: int | None  # families with under-fives living in the reach area (area figures)
    under_fives: int | None  # children under 5 living in the reach area (area figures)
    registered: int
    engaged: int

    @property
    def registration_rate(self) -> float | None:
        # The councils' tables cap the rate at 100%: registrations from outside the reach area
        # (families may register at any hub) can exceed the area's population.
        return _rate(self.registered, self.under_fives, cap=True)

    @property
    def engagement_rate(self) -> float | None:
        return _rate(self.engaged, self.registered)


@dataclass
class ReachRow:
    name: str
    locality: str
    totals: ReachFigures
    groups: list[ReachFigures] = field(default_factory=list)
    sessions: int = 0
    outreach_sessions: int = 0
    attendances: int = 0
    site: Site | None = None


@dataclass
class _Child:
    area_id: int | None
    imd_decile: int | None
    registration_sites: set[int]
    activity: int = 0
    teen_parent: bool = False
    two_year_funding: bool = False
    lead_professional: bool = False


def _children(authority: Authority, as_of: datetime.date) -> dict[int, _Child]:
    """Registered children under five on `as_of`, with what the targeted groups need."""
    born_after = _years_before(as_of, 5)
    live = Q(registrations__registered_at__date__lte=as_of) & (
        Q(registrations__ended_at__isnull=True) | Q(registrations__ended_at__date__gt=as_of)
    )
    rows = (
        Person.objects.filter(
            live,
            authority=authority,
            merged_into__isnull=True,
            is_unborn=False,
            date_of_birth__gt=born_after,
            date_of_birth__lte=as_of,
        )
        .filter(Q(date_of_death__isnull=True) | Q(date_of_death__gt=as_of))
        .values_list("pk", "area_id", "area__imd_decile", "registrations__site_id")
    )
    children: dict[int, _Child] = {}
    for pk, area_id, decile, site_id in rows:
        child = children.setdefault(pk, _Child(area_id, decile, set()))
        if site_id:
            child.registration_sites.add(site_id)
    return children


def _mark_activity(
    children: dict[int, _Child], authority: Authority, as_of: datetime.date, days: int
) -> None:
    """Attendances in the period by each child or by one of their parents (a family engages)."""
    start = as_of - datetime.timedelta(days=days)
    # Whole-authority aggregates filtered here: an IN list of every child is slower than the
    # grouped scan of a year's attendance on the (authority, date) index.
    parents: dict[int, list[int]] = defaultdict(list)
    for parent_id, child_id in Relationship.objects.filter(
        kind__in=PARENT_KINDS,
        relative__authority=authority,
        relative__date_of_birth__gt=_years_before(as_of, 5),
    ).values_list("person_id", "relative_id"):
        if child_id in children:
            parents[parent_id].append(child_id)
    counts = (
        Attendance.objects.filter(
            session__authority=authority, session__date__gt=start, session__date__lte=as_of
        )
        .values("person_id")
        .annotate(n=Count("pk"))
        .values_list("person_id", "n")
    )
    for person_id, n in counts:
        if person_id in children:
            children[person_id].activity += n
        for child_id in parents.get(person_id, []):
            children[child_id].activity += n


def _mark_groups(children: dict[int, _Child], as_of: datetime.date) -> bool:
    """Flag teenage parents, free early education and lead professionals. Returns whether the
    lead-professional group could be worked out (the casework part may not be installed)."""
    ids = list(children)
    births = dict(Person.objects.filter(pk__in=ids).values_list("pk", "date_of_birth"))
    for child_id, parent_dob in Relationship.objects.filter(
        relative_id__in=ids, kind__in=PARENT_KINDS, person__date_of_birth__isnull=False
    ).values_list("relative_id", "person__date_of_birth"):
        born = births.get(child_id)
        if (
            # Under 20 at the child's birth: born less than 20 years before the child.
            born is not None and parent_dob is not None and parent_dob > _years_before(born, 20)
        ):
            children[child_id].teen_parent = True

    for person_id in EntitlementFlag.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=as_of),
        kind=EntitlementKind.TWO_YEAR_FUNDING,
        person_id__in=ids,
        starts_on__lte=as_of,
    ).values_list("person_id", flat=True):
        children[person_id].two_year_funding = True
    try:
        Episode = apps.get_model("casework", "Episode")
    except LookupError:
        return False
    try:
        Episode._meta.get_field("lead_professional")
        episodes = Episode.objects.filter(lead_professional__isnull=False, person_id__in=ids)
        # Open on the day: started by then and not yet ended (when the model says so).
        field_names = {f.name for f in Episode._meta.get_fields()}
        if "start" in field_names:
            episodes = episodes.filter(start__lte=as_of)
        if "end" in field_names:
            episodes = episodes.filter(Q(end__isnull=True) | Q(end__gte=as_of))
        flagged = list(episodes.values_list("person_id", flat=True))
    except (FieldDoesNotExist, FieldError):
        return False
    for person_id in flagged:
        children[person_id].lead_professional = True
    return True


def _figures(
    label: str,
    children: Iterable[_Child],
    *,
    families: int | None,
    under_fives: int | None,
    threshold: int,
) -> ReachFigures:
    chosen = list(children)
    return ReachFigures(
        label=label,
        families=families,
        under_fives=under_fives,
        registered=len(chosen),
        engaged=sum(1 for c in chosen if c.activity >= threshold),
    )


def _reach_row(
    name: str,
    locality: str,
    *,
    areas: list[Area],
    hub_ids: set[int],
    children: dict[int, _Child],
    threshold: int,
    lead_known: bool,
) -> ReachRow:
    area_ids = {a.pk for a in areas}
    mine = [c for c in children.values() if c.area_id in area_ids or c.registration_sites & hub_ids]
    deprived_areas = [a for a in areas if a.imd_decile is not None and a.imd_decile <= 3]
    groups = [
        _figures(
            "Living in the 30% most deprived areas",
            [c for c in mine if c.imd_decile is not None and c.imd_decile <= 3],
            families=sum(a.families_with_under_fives for a in deprived_areas),
            under_fives=sum(a.population_0_4 for a in deprived_areas),
            threshold=threshold,
        ),
        _figures(
            "Free early education for two-year-olds",
            [c for c in mine if c.two_year_funding],
            families=None,
            under_fives=None,
            threshold=threshold,
        ),
        _figures(
            "Teenage parents",
            [c for c in mine if c.teen_parent],
            families=None,
            under_fives=None,
            threshold=threshold,
        ),
    ]
    if lead_known:
        groups.append(
            _figures(
                "Families with a lead professional",
                [c for c in mine if c.lead_professional],
                families=None,
                under_fives=None,
                threshold=threshold,
            )
        )
    return ReachRow(
        name=name,
        locality=locality,
        totals=_figures(
            "All families",
            mine,
            families=sum(a.families_with_under_fives for a in areas),
            under_fives=sum(a.population_0_4 for a in areas),
            threshold=threshold,
        ),
        groups=groups,
    )


def reach_report(
    *,
    authority: Authority,
    as_of: datetime.date | None = None,
    threshold: int | None = None,
    period_days: int | None = None,
) -> tuple[list[ReachRow], list[ReachRow]]:
    """Reach per hub and per locality (the councils' table 3), as of a day.

    Reach families and under-fives come from the reach areas' population figures. Registered:
    children under five with a live registration who live in the reach area or are registered
    with the hub. Engaged: those registered who (with their parents) came to at least `threshold`
    sessions in the `period_days` before `as_of`.
    """
    from django.utils import timezone

    as_of = as_of or timezone.localdate()
    threshold = engaged_attendances() if threshold is None else threshold
    period_days = engaged_period_days() if period_days is None else period_days
    children = _children(authority, as_of)
    _mark_activity(children, authority, as_of, period_days)
    lead_known = _mark_groups(children, as_of)

    hubs = list(hubs_of(authority).prefetch_related("reach_areas"))
    sessions = _hub_session_counts(authority, as_of, period_days)
    rows = []
    by_locality: dict[str, tuple[list[Area], set[int]]] = defaultdict(lambda: ([], set()))
    for hub in hubs:
        areas = list(hub.reach_areas.all())
        row = _reach_row(
            hub.name,
            hub.locality.name,
            areas=areas,
            hub_ids={hub.pk},
            children=children,
            threshold=threshold,
            lead_known=lead_known,
        )
        row.site = hub
        row.sessions, row.outreach_sessions, row.attendances = sessions.get(hub.pk, (0, 0, 0))
        rows.append(row)
        locality_areas, locality_hubs = by_locality[hub.locality.name]
        locality_areas.extend(a for a in areas if a not in locality_areas)
        locality_hubs.add(hub.pk)
    localities = []
    for name in sorted(by_locality):
        areas, hub_ids = by_locality[name]
        row = _reach_row(
            name,
            name,
            areas=areas,
            hub_ids=hub_ids,
            children=children,
            threshold=threshold,
            lead_known=lead_known,
        )
        for hub_id in hub_ids:
            counts = sessions.get(hub_id, (0, 0, 0))
            row.sessions += counts[0]
            row.outreach_sessions += counts[1]
            row.attendances += counts[2]
        localities.append(row)
    return rows, localities


def _hub_session_counts(
    authority: Authority, as_of: datetime.date, days: int
) -> dict[int, tuple[int, int, int]]:
    """hub id -> (sessions, of which away from the hub, attendances) in the period."""
    areas = area_hubs(authority)
    start = as_of - datetime.timedelta(days=days)
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    sessions = (
        Session.objects.filter(
            authority=authority, cancelled=False, date__gt=start, date__lte=as_of
        )
        .select_related("site")
        .annotate(came=Count("attendances"))
    )
    for session in sessions:
        hub_id = session_hub_id(session, areas)
        if hub_id is None:
            continue
        counts[hub_id][0] += 1
        if session.site_id != hub_id:
            counts[hub_id][1] += 1
        counts[hub_id][2] += session.came
    return {k: (v[0], v[1], v[2]) for k, v in counts.items()}


# --- capacity ------------------------------------------------------------------------------


@dataclass
class CapacityRow:
    name: str
    locality: str
    sessions: int = 0
    weeks: float = 1.0
    places: int = 0
    booked: int = 0
    waiting: int = 0
    past_booked: int = 0
    past_came: int = 0
    walk_ins: int = 0
    targeted_sessions: int = 0

    @property
    def sessions_per_week(self) -> float:
        return self.sessions / self.weeks if self.weeks else 0.0

    @property
    def fill_rate(self) -> float | None:
        return _rate(self.booked, self.places)

    @property
    def no_show_rate(self) -> float | None:
        return _rate(self.past_booked - self.past_came, self.past_booked)


def capacity_report(
    *,
    authority: Authority,
    start: datetime.date,
    end: datetime.date,
    today: datetime.date | None = None,
) -> tuple[list[CapacityRow], list[CapacityRow]]:
    """Sessions per week, fill and no-show rates per site and per locality, over [start, end].

    Fill rate: places booked / places offered. No-show rate: of places booked on sessions already
    held, the share where the person booked did not come.
    """
    from django.utils import timezone

    today = today or timezone.localdate()
    weeks = max(((end - start).days + 1) / 7, 1 / 7)
    sessions = Session.objects.filter(
        authority=authority, cancelled=False, date__gte=start, date__lte=end
    ).select_related("site", "site__locality", "activity")
    booked = dict(
        Booking.objects.filter(session__in=sessions, status=BookingStatus.BOOKED)
        .values("session_id")
        .annotate(n=Count("pk"))
        .values_list("session_id", "n")
    )
    waiting = dict(
        Booking.objects.filter(session__in=sessions, status=BookingStatus.WAITING)
        .values("session_id")
        .annotate(n=Count("pk"))
        .values_list("session_id", "n")
    )
    came_booked = dict(
        Attendance.objects.filter(
            session__in=sessions, booking__isnull=False, booking__status=BookingStatus.BOOKED
        )
        .values("session_id")
        .annotate(n=Count("pk"))
        .values_list("session_id", "n")
    )
    walk_ins = dict(
        Attendance.objects.filter(session__in=sessions, walk_in=True)
        .values("session_id")
        .annotate(n=Count("pk"))
        .values_list("session_id", "n")
    )
    sites: dict[int, CapacityRow] = {}
    localities: dict[str, CapacityRow] = {}
    for session in sessions:
        locality = session.site.locality.name
        rows = [
            sites.setdefault(
                session.site_id, CapacityRow(session.site.name, locality, weeks=weeks)
            ),
            localities.setdefault(locality, CapacityRow(locality, locality, weeks=weeks)),
        ]
        for row in rows:
            row.sessions += 1
            row.places += session.capacity
            row.booked += booked.get(session.pk, 0)
            row.waiting += waiting.get(session.pk, 0)
            row.walk_ins += walk_ins.get(session.pk, 0)
            if session.activity.offer == Offer.TARGETED:
                row.targeted_sessions += 1
            # A session counts as held once its day is over or its register has been taken.
            if session.date < today or (session.date == today and session.register_version):
                row.past_booked += booked.get(session.pk, 0)
                row.past_came += came_booked.get(session.pk, 0)
    site_rows = sorted(sites.values(), key=lambda r: (r.locality, r.name))
    return site_rows, [localities[k] for k in sorted(localities)]
