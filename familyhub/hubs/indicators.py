"""Reach indicators over registrations (people part) and attendance (hubs part), with the
resident populations of places.Area as denominators, declared to the indicator contract (core.indicators) and imported by this part's AppConfig.ready(). Counts only: no person leaves here."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db.models import Count, Q

from familyhub.core.dates import day_bounds as bounds
from familyhub.core.indicators import Cell, cells, indicator
from familyhub.hubs.models import Attendance
from familyhub.people.models import Person
from familyhub.places.models import Area

PART = "hubs"


def _under_fives_on(authority_id: int, day: date):
    try:
        born_after = day.replace(year=day.year - 5)
    except ValueError:  # 29 February
        born_after = day.replace(year=day.year - 5, day=28)
    return Person.objects.filter(
        authority_id=authority_id,
        merged_into__isnull=True,
        is_unborn=False,
        date_of_birth__gt=born_after,
        date_of_birth__lte=day,
    ).filter(Q(date_of_death__isnull=True) | Q(date_of_death__gt=day))


def _with_area_denominators(authority_id: int, numerators: list[Cell], field: str) -> list[Cell]:
    """Every area of the authority with its resident count as the denominator."""
    rows = [
        {"area_id": pk, "numerator": 0, "denominator": value}
        for pk, value in Area.objects.filter(authority_id=authority_id).values_list("pk", field)
    ]
    return cells(rows + [dict(c) for c in numerators])


@indicator(
    key="registered_under_fives",
    title="Under-5s registered with a family hub",
    target=80.0,
    numerator="Children under 5 at the quarter's end with a live registration",
    denominator="Resident children under 5 (area population figures)",
    part=PART,
    note="Families may register anywhere, so an area can pass 100%.",
)
def registered_under_fives(authority_id: int, start: date, end: date) -> list[Cell]:
    first, after = bounds(end, end)
    rows = (
        _under_fives_on(authority_id, end)
        .filter(
            Q(registrations__ended_at__isnull=True) | Q(registrations__ended_at__gte=after),
            registrations__registered_at__lt=after,
        )
        .values("area_id")
        .annotate(numerator=Count("pk", distinct=True))
        .order_by()
    )
    numerators = cells({**r, "denominator": 0} for r in rows)
    return _with_area_denominators(authority_id, numerators, "population_0_4")


def engaged_attendances() -> int:
    return int(getattr(settings, "FAMILYHUB_ENGAGED_ATTENDANCES", 3))


@indicator(
    key="engaged_families",
    title="Families with under-5s engaged with a family hub",
    target=65.0,
    numerator="Families with a child under 5 who came to 3 or more sessions in the quarter",
    denominator="Resident families with under-5s (area population figures)",
    part=PART,
    note="Engaged = FAMILYHUB_ENGAGED_ATTENDANCES (default 3) attendances by the family.",
)
def engaged_families(authority_id: int, start: date, end: date) -> list[Cell]:
    engaged = (
        Attendance.objects.filter(
            session__authority_id=authority_id,
            session__date__range=(start, end),
            person__household_memberships__end__isnull=True,
        )
        .values("person__household_memberships__household_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=engaged_attendances())
        .values("person__household_memberships__household_id")
    )
    rows = (
        _under_fives_on(authority_id, end)
        .filter(
            household_memberships__end__isnull=True,
            household_memberships__household_id__in=engaged,
        )
        .values("area_id")
        .annotate(numerator=Count("household_memberships__household_id", distinct=True))
        .order_by()
    )
    numerators = cells({**r, "denominator": 0} for r in rows)
    return _with_area_denominators(authority_id, numerators, "families_with_under_fives")
