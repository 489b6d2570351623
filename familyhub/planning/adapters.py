"""Counts by area from the other parts of the record, for the needs analysis and budgets.

Planning reads aggregates only: each function returns {area id: number} and never a person.
Planning sits above the parts it reads (docs/ARCHITECTURE.md), so it imports their models and
names their fields: a renamed field fails here, loudly, rather than counting something else.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping

from django.db.models import Count, Model, Q
from django.utils import timezone

from familyhub.casework.models import Episode, EpisodeStatus
from familyhub.childhealth.centiles import PopulationCategory
from familyhub.childhealth.models import DueStatus, Measurement, MeasurementContext, ReviewDue
from familyhub.people.models import HouseholdMembership
from familyhub.referrals.models import Referral

OBESE = (PopulationCategory.OBESE, PopulationCategory.SEVERELY_OBESE)


def _count_by_area(
    model: type[Model],
    authority_id: int,
    condition: Q,
    *,
    area_path: str = "person__area",
    distinct: str | None = None,
) -> dict[int, int]:
    """Rows (or distinct `distinct` values) per area of the council, areas with none left out."""
    rows = model._default_manager.filter(condition).filter(
        **{f"{area_path}__authority_id": authority_id}
    )
    counted = Count(distinct, distinct=True) if distinct else Count("pk")
    return {
        row[area_path]: row["n"]
        for row in rows.values(area_path).annotate(n=counted).order_by()
        if row[area_path] is not None
    }


def registered_families_by_area(authority_id: int) -> dict[int, int]:
    """Households with at least one current member registered, by the member's area."""
    return _count_by_area(
        HouseholdMembership,
        authority_id,
        Q(person__registrations__isnull=False, end__isnull=True),
        distinct="household",
    )


def registered_families_total(authority_id: int) -> int:
    """Registered households across the council (the families a budget reached)."""
    return (
        HouseholdMembership.objects.filter(
            person__registrations__isnull=False, household__authority_id=authority_id
        )
        .values("household")
        .distinct()
        .count()
    )


def open_episodes_by_area(authority_id: int) -> dict[int, int]:
    """Early help episodes waiting for a lead professional or open (stepped up is social care)."""
    return _count_by_area(
        Episode,
        authority_id,
        Q(status__in=[EpisodeStatus.AWAITING_ALLOCATION, EpisodeStatus.OPEN]),
    )


def referrals_by_area(authority_id: int, *, days: int = 365) -> dict[int, int]:
    """Referrals received in the last year."""
    since = timezone.now() - datetime.timedelta(days=days)
    return _count_by_area(Referral, authority_id, Q(received_at__gte=since))


def reviews_due_by_area(authority_id: int) -> dict[int, int]:
    """Children with a health review still due whose window has opened (due now or overdue)."""
    today = timezone.localdate()
    return _count_by_area(
        ReviewDue,
        authority_id,
        Q(status=DueStatus.DUE, window_start__lte=today),
        distinct="person",
    )


def obesity_reception_by_area(authority_id: int) -> dict[int, float]:
    """Share of Reception children measured who were obese or severely obese (NCMP categories)."""
    reception = Q(context=MeasurementContext.NCMP_RECEPTION)
    measured = _count_by_area(Measurement, authority_id, reception, distinct="person")
    obese = _count_by_area(
        Measurement,
        authority_id,
        reception & Q(population_category__in=OBESE),
        distinct="person",
    )
    return {area: obese.get(area, 0) / n for area, n in measured.items() if n}


def referrals_by_area_and_level(authority_id: int, *, days: int = 365) -> dict[int, dict[str, int]]:
    """Referrals in the last year by area and the level of need the front door decided.

    Levels are the council's own ("4a", "4b" ...); callers group them. Undecided referrals are
    left out here (they have no level yet).
    """
    since = timezone.now() - datetime.timedelta(days=days)
    rows = (
        Referral.objects.filter(
            received_at__gte=since,
            person__area__authority_id=authority_id,
            level__isnull=False,
        )
        .values("person__area", "level__level")
        .annotate(n=Count("pk"))
        .order_by()
    )
    result: dict[int, dict[str, int]] = {}
    for row in rows:
        if row["person__area"] is None:
            continue
        levels = result.setdefault(row["person__area"], {})
        levels[str(row["level__level"])] = row["n"]
    return result


# name -> (label, function); the needs analysis reads them in this order
RECORD_COUNTS: dict[str, tuple[str, Callable[[int], Mapping[int, float]]]] = {
    "registered_families": ("Registered families", registered_families_by_area),
    "open_episodes": ("Open early help episodes", open_episodes_by_area),
    "referrals": ("Referrals in the last year", referrals_by_area),
    "reviews_due": ("Children due or overdue a health review", reviews_due_by_area),
    "obesity_reception": ("Obese at Reception (share measured)", obesity_reception_by_area),
}
