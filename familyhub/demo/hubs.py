"""Demo data of the hubs part: a term of sessions at the demo borough's hubs and outreach venues,
with bookings, waiting lists and attendance by the synthetic register's families.

The shape follows the councils' reports: a standard centre runs about 7 sessions a week and an
enhanced one 12 (familyhub/places/data/reference/lancashire_model.csv); outreach goes to libraries, schools
and halls in the most deprived areas; families in deprived areas come more often to targeted
sessions (engagement of 0.65 to 0.94 in the unitary borough's table 3).
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from typing import TextIO

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from familyhub.accounts.models import User
from familyhub.hubs import services
from familyhub.hubs.models import (
    ActivityType,
    Attendance,
    BankHoliday,
    Booking,
    BookingStatus,
    EntitlementFlag,
    EntitlementKind,
    Offer,
    OutcomeScale,
    Session,
    SessionSeries,
)
from familyhub.people.models import Person, Relationship
from familyhub.places.models import Area, Site, SiteKind, SiteStatus
from familyhub.services.models import Service, ServiceKind

# England's bank holidays (GOV.UK) around the demo term; an administrator adds more in the admin.
BANK_HOLIDAYS = [
    ("2025-12-25", "Christmas Day"),
    ("2025-12-26", "Boxing Day"),
    ("2026-01-01", "New Year's Day"),
    ("2026-04-03", "Good Friday"),
    ("2026-04-06", "Easter Monday"),
    ("2026-05-04", "Early May bank holiday"),
    ("2026-05-25", "Spring bank holiday"),
    ("2026-08-31", "Summer bank holiday"),
    ("2026-12-25", "Christmas Day"),
    ("2026-12-28", "Boxing Day (substitute day)"),
    ("2027-01-01", "New Year's Day"),
    ("2027-03-26", "Good Friday"),
    ("2027-03-29", "Easter Monday"),
]
# A hub's weekly timetable: (activity code, weekday, start hour).
HUB_WEEK = [
    ("stay-and-play", 0, 10),
    ("health-visitor-clinic", 1, 13),
    ("baby-massage", 1, 10),
    ("breastfeeding-peer-support", 2, 10),
    ("stay-and-play", 3, 10),
    ("parenting-course", 3, 13),
    ("speech-and-language", 4, 10),
]
# Enhanced hubs (the most deprived reach) add targeted sessions.
ENHANCED_EXTRA = [
    ("adult-learning", 0, 13),
    ("stay-and-play", 2, 13),
    ("parenting-course", 4, 13),
    ("antenatal-group", 2, 15),
    ("weight-management-group", 1, 16),
]
OUTREACH_WEEK = [("stay-and-play", 2, 10), ("health-visitor-clinic", 4, 13)]
OUTREACH_KINDS = [
    (SiteKind.LIBRARY, "Library"),
    (SiteKind.SCHOOL, "Primary School"),
    (SiteKind.OUTREACH, "Community Hall"),
]
# A term: about twelve weeks already held and four to come.
TERM_WEEKS_BEFORE = 12
TERM_WEEKS_AFTER = 4


def _attendance_chance(offer: str, decile: int | None) -> float:
    """How likely a regular is to come on a given week: higher for targeted sessions in
    deprived areas, where families were invited because the session is for them."""
    deprived = decile is not None and decile <= 3
    if offer == Offer.TARGETED:
        return 0.9 if deprived else 0.7
    return 0.8 if deprived else 0.72


def _outreach_sites(authority, rng: random.Random) -> list[Site]:
    """Two outreach venues per locality, in its most deprived areas that have no hub."""
    sites = list(Site.objects.filter(authority=authority).exclude(kind=SiteKind.FAMILY_HUB))
    if sites:
        return sites
    hub_areas = set(
        Site.objects.filter(authority=authority, kind=SiteKind.FAMILY_HUB).values_list(
            "area_id", flat=True
        )
    )
    made = []
    by_locality: dict[int, list[Area]] = defaultdict(list)
    for area in Area.objects.filter(authority=authority).order_by("imd_rank", "name"):
        if area.pk not in hub_areas:
            by_locality[area.locality_id].append(area)
    for areas in by_locality.values():
        for area, (kind, word) in zip(areas[:2], rng.sample(OUTREACH_KINDS, 2), strict=False):
            made.append(
                Site.objects.create(
                    authority=authority,
                    name=f"{area.name} {word}",
                    kind=kind,
                    status=SiteStatus.OPEN,
                    locality=area.locality,
                    area=area,
                    latitude=area.latitude,
                    longitude=area.longitude,
                )
            )
    return made


def _pools(authority, hubs: list[Site], today: datetime.date) -> dict[int, list[tuple]]:
    """hub id -> [(child id, attending person id, area decile)] for registered under-fives
    living in the hub's reach area (a parent comes to adult sessions)."""
    born_after = today.replace(year=today.year - 5)
    hub_of_area: dict[int, int] = {}
    for hub in hubs:
        for area_id in hub.reach_areas.values_list("pk", flat=True):
            hub_of_area.setdefault(area_id, hub.pk)
    children = (
        Person.objects.filter(
            authority=authority,
            merged_into__isnull=True,
            is_unborn=False,
            date_of_birth__gt=born_after,
            registrations__isnull=False,
        )
        .filter(Q(area_id__in=list(hub_of_area)))
        .values_list("pk", "area_id", "area__imd_decile", "date_of_birth")
        .distinct()
    )
    mothers = dict(
        Relationship.objects.filter(
            kind="mother", relative__authority=authority, relative__date_of_birth__gt=born_after
        ).values_list("relative_id", "person_id")
    )
    pools: dict[int, list[tuple]] = defaultdict(list)
    for child_id, area_id, decile, born in children:
        pools[hub_of_area[area_id]].append((child_id, mothers.get(child_id), decile, born))
    return pools


@transaction.atomic
def load_demo(*, authority, rng: random.Random, stdout: TextIO) -> None:
    if SessionSeries.objects.filter(authority=authority).exists():
        stdout.write("hubs: the demo term is already there\n")
        return
    for day, name in BANK_HOLIDAYS:
        BankHoliday.objects.get_or_create(
            date=datetime.date.fromisoformat(day), defaults={"name": name}
        )
    service = (
        Service.objects.filter(authority=authority, kind=ServiceKind.FAMILY_HUB)
        .order_by("pk")
        .first()
    )
    hubs = list(
        Site.objects.filter(authority=authority, kind=SiteKind.FAMILY_HUB)
        .exclude(status=SiteStatus.CLOSED)
        .select_related("area", "locality")
        .order_by("name")
    )
    if service is None or not hubs:
        stdout.write("hubs: no family hub service or hubs; no sessions made\n")
        return
    activities = {a.code: a for a in ActivityType.objects.filter(authority=None)}
    staff = list(User.objects.filter(username__in=["reception", "family_support_worker"]))
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    starts_on = monday - datetime.timedelta(weeks=TERM_WEEKS_BEFORE)
    ends_on = monday + datetime.timedelta(weeks=TERM_WEEKS_AFTER, days=4)
    outreach = _outreach_sites(authority, rng)

    # The hubs serving the most deprived reach run the enhanced timetable.
    def reach_decile(hub: Site) -> float:
        deciles = [a.imd_decile or 5 for a in hub.reach_areas.all()] or [5]
        return sum(deciles) / len(deciles)

    enhanced = set(sorted(hubs, key=reach_decile)[: max(1, len(hubs) // 3)])
    plans: list[tuple[Site, Site | None, str, int, int]] = []
    for hub in hubs:
        week = HUB_WEEK + (ENHANCED_EXTRA if hub in enhanced else [])
        plans += [(hub, None, code, day, hour) for code, day, hour in week]
    hub_of_area: dict[int, Site] = {}
    for hub in hubs:
        for area_id in hub.reach_areas.values_list("pk", flat=True):
            hub_of_area.setdefault(area_id, hub)
    for site in outreach:
        serving = (hub_of_area.get(site.area_id) if site.area_id else None) or next(
            (h for h in hubs if h.locality_id == site.locality_id), hubs[0]
        )
        plans += [(site, serving, code, day, hour) for code, day, hour in OUTREACH_WEEK]

    series_list = []
    for site, toward, code, weekday, hour in plans:
        activity = activities.get(code)
        if activity is None:
            continue
        central = site.locality.name == "Central"
        series = services.series_create(
            authority=authority,
            activity=activity,
            site=site,
            # Outreach counts toward the hub whose reach holds the venue; name one only if none does.
            hub=None if toward is None or site.area_id in hub_of_area else toward,
            service=service,
            weekday=weekday,
            start_time=datetime.time(hour, 0),
            end_time=(
                datetime.datetime.combine(today, datetime.time(hour))
                + datetime.timedelta(minutes=activity.default_minutes)
            ).time(),
            starts_on=starts_on,
            ends_on=ends_on,
            staff=staff if central else [],
        )
        series_list.append((series, toward or site))
    stdout.write(
        f"hubs: {len(series_list)} weekly sessions at {len(hubs)} hubs and {len(outreach)} outreach "
        f"venues, {starts_on:%d %b} to {ends_on:%d %b %Y}\n"
    )
    _bookings_and_attendance(authority, series_list, hubs, service, rng, today, stdout)
    _two_year_funding(authority, service, rng, today, stdout)
    _finished_parenting_course(authority, hubs, service, rng, today, stdout)


def _bookings_and_attendance(authority, series_list, hubs, service, rng, today, stdout) -> None:
    pools = _pools(authority, hubs, today)
    now = timezone.now()
    bookings: list[Booking] = []
    attendances: list[Attendance] = []
    for series, hub in series_list:
        activity = series.activity
        # Only children of the ages the session is for (a baby massage course is for babies).
        pool = [
            row
            for row in pools.get(hub.pk, [])
            if _months(row[3], series.starts_on) >= (activity.min_age_months or 0)
            and _months(row[3], series.starts_on) <= (activity.max_age_months or 10_000)
        ]
        if not pool:
            continue
        for_adults = activity.for_adults
        # Targeted sessions invite families from the deprived areas first.
        if activity.offer == Offer.TARGETED:
            pool = sorted(pool, key=lambda row: (row[2] or 5, rng.random()))
            candidates = pool[: max(series.capacity * 2, 1)]
        else:
            candidates = pool
        # Some sessions are over-subscribed (a waiting list), others have places left.
        wanted = min(len(candidates), round(series.capacity * rng.uniform(0.55, 1.25)))
        drop_in = activity.offer == Offer.UNIVERSAL and not series.is_course
        regulars = rng.sample(candidates, wanted)
        sessions = list(series.sessions.order_by("date"))
        for session in sessions:
            if drop_in:
                # Drop-ins see different families each week, families from deprived areas
                # (whom outreach and invitations aim at) more often.
                regulars = _weighted_sample(candidates, round(wanted * 0.7), rng)
            seen: set[int] = set()
            for rank, (child_id, mother_id, decile, _born) in enumerate(regulars):
                person_id = mother_id if for_adults and mother_id else child_id
                if person_id in seen:  # two children of one mother: she books once
                    continue
                seen.add(person_id)
                status = BookingStatus.BOOKED if rank < series.capacity else BookingStatus.WAITING
                booking = Booking(
                    authority=authority,
                    session=session,
                    person_id=person_id,
                    course=series if series.is_course else None,
                    status=status,
                    requested_at=now - datetime.timedelta(days=60, minutes=-rank),
                )
                bookings.append(booking)
                if session.date >= today or status != BookingStatus.BOOKED:
                    continue
                if rng.random() < _attendance_chance(activity.offer, decile):
                    attendances.append(
                        Attendance(
                            session=session,
                            person_id=person_id,
                            booking=booking,
                            owning_service=service,
                            category="general",
                            recorded_at=timezone.make_aware(
                                datetime.datetime.combine(session.date, series.start_time)
                            ),
                        )
                    )
            # A walk-in or two at open sessions already held.
            if session.date < today and activity.offer == Offer.UNIVERSAL:
                booked_ids = {row[0] for row in regulars} | seen
                others = [row for row in pool if row[0] not in booked_ids]
                for child_id, *_rest in rng.sample(others, min(len(others), rng.randint(0, 2))):
                    attendances.append(
                        Attendance(
                            session=session,
                            person_id=child_id,
                            walk_in=True,
                            owning_service=service,
                            category="general",
                            recorded_at=timezone.make_aware(
                                datetime.datetime.combine(session.date, series.start_time)
                            ),
                        )
                    )
                    booked_ids.add(child_id)
    Booking.objects.bulk_create(bookings, batch_size=2000)
    # bulk_create sets primary keys on PostgreSQL and SQLite 3.35+, so attendances keep their link.
    Attendance.objects.bulk_create(attendances, batch_size=2000)
    Session.objects.filter(authority=authority, date__lt=today).update(register_version=1)
    stdout.write(f"hubs: {len(bookings)} bookings and {len(attendances)} attendances\n")


def _months(born: datetime.date, on: datetime.date) -> int:
    return (on.year - born.year) * 12 + on.month - born.month - (on.day < born.day)


def _weighted_sample(pool: list[tuple], k: int, rng: random.Random) -> list[tuple]:
    """k rows without replacement, a family in a deprived area twice as likely to be chosen
    (Efraimidis and Spirakis: the k largest random() ** (1 / weight))."""

    def key(row: tuple) -> float:
        weight = 2.0 if row[2] is not None and row[2] <= 3 else 1.0
        return rng.random() ** (1 / weight)

    return sorted(pool, key=key, reverse=True)[:k]


def _two_year_funding(authority, service, rng, today, stdout) -> None:
    """About 40% of two-year-olds in the most deprived areas take up funded early education."""
    two = today.replace(year=today.year - 2)
    three = today.replace(year=today.year - 3)
    children = Person.objects.filter(
        authority=authority,
        date_of_birth__lte=two,
        date_of_birth__gt=three,
        area__imd_decile__lte=3,
        merged_into__isnull=True,
    ).values_list("pk", flat=True)
    flags = [
        EntitlementFlag(
            person_id=pk,
            kind=EntitlementKind.TWO_YEAR_FUNDING,
            starts_on=today - datetime.timedelta(days=rng.randint(0, 300)),
            owning_service=service,
            category="general",
        )
        for pk in children
        if rng.random() < 0.4
    ]
    EntitlementFlag.objects.bulk_create(flags)
    stdout.write(f"hubs: {len(flags)} children on free early education for two-year-olds\n")


def _finished_parenting_course(authority, hubs, service, rng, today, stdout) -> None:
    """A ten-week parenting course that ended three weeks ago, with its mothers' WEMWBS scores
    before and after (made up: most improve a few points), so the programme pages and the
    quarterly indicators have a finished course to show."""
    activity = ActivityType.objects.filter(code="parenting-course", authority__isnull=True).first()
    scale = OutcomeScale.objects.filter(short_name="WEMWBS").first()
    if activity is None or scale is None or not hubs:
        return
    ends_on = today - datetime.timedelta(weeks=3)
    series = services.series_create(
        authority=authority,
        activity=activity,
        site=hubs[0],
        service=service,
        weekday=ends_on.weekday(),
        start_time=datetime.time(10, 0),
        end_time=datetime.time(12, 0),
        starts_on=ends_on - datetime.timedelta(weeks=9),
        ends_on=ends_on,
    )
    mothers = [m for _c, m, _d, _b in _pools(authority, hubs, today).get(hubs[0].pk, []) if m]
    mothers = list(dict.fromkeys(mothers))[: series.capacity]
    now = timezone.now()
    scores: dict[int, tuple[int | None, int | None]] = {}
    for person_id in mothers:
        keen = rng.random() < 0.75
        for session in series.sessions.order_by("date"):
            booking = Booking.objects.create(
                authority=authority,
                session=session,
                person_id=person_id,
                course=series,
                status=BookingStatus.BOOKED,
                requested_at=now - datetime.timedelta(days=90),
            )
            if rng.random() < (0.9 if keen else 0.4):
                Attendance.objects.create(
                    session=session,
                    person_id=person_id,
                    booking=booking,
                    owning_service=service,
                    category="general",
                )
        before = max(scale.minimum, min(scale.maximum, round(rng.gauss(42, 7))))
        after = max(scale.minimum, min(scale.maximum, before + round(rng.gauss(4, 4))))
        scores[person_id] = (before, after if keen else None)
    saved = services.programme_scores_save(
        series=series, scale=scale, scores=scores, versions={}, by=None, channel="task"
    )
    stdout.write(f"hubs: a finished parenting course with {saved} parents' WEMWBS scores\n")
