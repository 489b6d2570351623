"""Parenting programmes: courses whose activity serves positive parenting, who completed them,
and what their before-and-after scores show, by programme and provider; and the two quarterly
indicators (which contract KPIs can read, as they read any quarterly indicator).

A course counts in the quarter it ends in. A parent completed it when they came to at least two
thirds of the sessions it held (the threshold most programme manuals use; cancelled sessions do
not count). A score improved when it moved the better way by at least the scale's meaningful
change (1 point where its authors publish none).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from familyhub.core.indicators import Cell, cells, indicator
from familyhub.hubs.models import (
    ActivityType,
    Attendance,
    Booking,
    BookingStatus,
    OutcomeArea,
    ProgrammeMeasure,
    Session,
    SessionSeries,
)
from familyhub.people.models import Person

PART = "hubs"


def parenting_activity_ids() -> list[int]:
    # JSON containment is not portable to SQLite, and the activity list is short.
    return [
        pk
        for pk, areas in ActivityType.objects.values_list("pk", "outcome_areas")
        if OutcomeArea.PARENTING in (areas or [])
    ]


def parenting_courses(authority_id: int) -> QuerySet[SessionSeries]:
    return SessionSeries.objects.filter(
        authority_id=authority_id, is_course=True, activity_id__in=parenting_activity_ids()
    )


def completes(attended: int, held: int) -> bool:
    return held > 0 and 3 * attended >= 2 * held


@dataclass
class Participant:
    person_id: int
    series_id: int
    attended: int
    held: int

    @property
    def completed(self) -> bool:
        return completes(self.attended, self.held)


def participants(series: QuerySet[SessionSeries]) -> list[Participant]:
    """Everyone booked on or present at the courses, with the sessions they came to and the
    sessions the course held: three aggregate queries, whatever the number of courses."""
    ids = list(series.values_list("pk", flat=True))
    held = dict(
        Session.objects.filter(series_id__in=ids, cancelled=False)
        .values("series_id")
        .annotate(n=Count("pk"))
        .values_list("series_id", "n")
    )
    came = {
        (row["session__series_id"], row["person_id"]): row["n"]
        for row in Attendance.objects.filter(session__series_id__in=ids)
        .values("session__series_id", "person_id")
        .annotate(n=Count("pk"))
    }
    booked = set(
        Booking.objects.filter(course_id__in=ids)
        .exclude(status=BookingStatus.CANCELLED)
        .values_list("course_id", "person_id")
    )
    return [
        Participant(
            person_id, series_id, came.get((series_id, person_id), 0), held.get(series_id, 0)
        )
        for series_id, person_id in sorted(booked | set(came))
    ]


def _ending(authority_id: int, start: datetime.date, end: datetime.date):
    return parenting_courses(authority_id).filter(ends_on__range=(start, end))


@indicator(
    key="parenting_course_completion",
    title="Parents completing a parenting programme",
    target=70.0,
    numerator="Parents who came to at least two thirds of their course's sessions",
    denominator="Parents booked on or coming to a parenting course that ended in the quarter",
    part=PART,
    note="A parenting course is a course whose activity serves positive parenting; "
    "by provider, the course's service.",
)
def parenting_course_completion(authority_id: int, start, end) -> list[Cell]:
    courses = _ending(authority_id, start, end)
    service_of = dict(courses.values_list("pk", "service_id"))
    found = participants(courses)
    area_of = dict(
        Person.objects.filter(pk__in={p.person_id for p in found}).values_list("pk", "area_id")
    )
    return cells(
        {
            "area_id": area_of.get(p.person_id),
            "service_id": service_of.get(p.series_id),
            "team_id": None,
            "numerator": int(p.completed),
            "denominator": 1,
        }
        for p in found
    )


def _improved() -> Q:
    step = Coalesce(F("scale__meaningful_change"), 1)
    better_up = Q(scale__higher_is_better=True, after__gte=F("before") + step)
    better_down = Q(scale__higher_is_better=False, after__lte=F("before") - step)
    return better_up | better_down


def _scored(authority_id: int, start, end) -> QuerySet[ProgrammeMeasure]:
    return ProgrammeMeasure.objects.filter(
        series__in=_ending(authority_id, start, end),
        before__isnull=False,
        after__isnull=False,
        person__merged_into__isnull=True,
    )


@indicator(
    key="parenting_scores_improved",
    title="Parenting programme scores that improved",
    target=60.0,
    numerator="Before-and-after scores that moved the better way by the scale's meaningful change",
    denominator="Before-and-after scores on parenting courses that ended in the quarter",
    part=PART,
    note="One score per parent, course and scale. Where a scale's authors publish no "
    "meaningful change, a 1-point change counts.",
)
def parenting_scores_improved(authority_id: int, start, end) -> list[Cell]:
    rows = (
        _scored(authority_id, start, end)
        .values(area_id=F("person__area_id"), service_id=F("series__service_id"))
        .annotate(numerator=Count("pk", filter=_improved()), denominator=Count("pk"))
        .order_by()
    )
    return cells(rows)


# --- the summary by programme and provider -------------------------------------------------


@dataclass
class ProgrammeRow:
    programme: str
    provider: str
    courses: int = 0
    parents: int = 0
    completed: int = 0
    scored: dict[str, list[int]] = field(default_factory=dict)  # scale -> [n, improved, change]

    @property
    def completion(self) -> float | None:
        return 100 * self.completed / self.parents if self.parents else None

    @property
    def scales(self) -> list[dict]:
        return [
            {
                "scale": name,
                "scored": n,
                "improved": 100 * better / n if n else None,
                "mean_change": change / n if n else None,
            }
            for name, (n, better, change) in sorted(self.scored.items())
        ]


def programme_summary(authority_id: int, start, end) -> list[ProgrammeRow]:
    """Courses ending between start and end, by programme (activity) and provider (service)."""
    courses = _ending(authority_id, start, end).select_related("activity", "service")
    key_of = {c.pk: (c.activity.name, c.service.name) for c in courses}
    rows: dict[tuple[str, str], ProgrammeRow] = {}
    for key in key_of.values():
        row = rows.setdefault(key, ProgrammeRow(*key))
        row.courses += 1
    for person in participants(courses):
        row = rows[key_of[person.series_id]]
        row.parents += 1
        row.completed += int(person.completed)
    scored = (
        _scored(authority_id, start, end)
        .values("series_id", "scale__short_name", "scale__higher_is_better")
        .annotate(
            n=Count("pk"),
            better=Count("pk", filter=_improved()),
            change=Sum(F("after") - F("before")),
        )
    )
    for item in scored:
        row = rows[key_of[item["series_id"]]]
        sign = 1 if item["scale__higher_is_better"] else -1
        counts = row.scored.setdefault(item["scale__short_name"], [0, 0, 0])
        counts[0] += item["n"]
        counts[1] += item["better"]
        counts[2] += sign * (item["change"] or 0)
    return sorted(rows.values(), key=lambda r: (r.programme, r.provider))


def courses_for_outcomes(user_sessions: QuerySet[Session]) -> QuerySet[SessionSeries]:
    """The parenting courses a user runs a session of (their outcomes page opens for them)."""
    series_ids = user_sessions.filter(series__isnull=False).values("series_id")
    return SessionSeries.objects.filter(
        pk__in=series_ids, is_course=True, activity_id__in=parenting_activity_ids()
    )


def course_attendance(series: SessionSeries) -> dict[int, Participant]:
    return {p.person_id: p for p in participants(SessionSeries.objects.filter(pk=series.pk))}
