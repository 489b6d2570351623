"""Counts by area from other parts of the record, read defensively.

Planning reads aggregates only: each function returns {area id: number} and never a person.
Several parts (casework, referrals, childhealth) are being written at the same time as this one,
so each count looks its model up by name and returns None ("not available yet") if the model,
a field or its table is not there. When those parts land, the counts appear without a change here
as long as they keep the shape every record has (a `person` with an `area`, DESIGN.md).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.apps import apps
from django.core.exceptions import FieldError
from django.db import DatabaseError, transaction
from django.db.models import Count, Model, Q
from django.utils import timezone


def _model(app_label: str, names: Iterable[str]) -> type[Model] | None:
    for name in names:
        try:
            return apps.get_model(app_label, name)
        except LookupError:
            continue
    return None


def _count_by_area(
    model: type[Model] | None,
    authority_id: int,
    attempts: Iterable[Q],
    *,
    area_path: str = "person__area",
    distinct: str | None = None,
) -> dict[int, int] | None:
    """Count rows per area with the first filter that the model understands."""
    if model is None:
        return None
    for condition in attempts:
        try:
            # a savepoint, so a missing table does not break an outer transaction on PostgreSQL
            with transaction.atomic():
                qs = model._default_manager.filter(condition).filter(
                    **{f"{area_path}__authority_id": authority_id}
                )
                counted = Count(distinct, distinct=True) if distinct else Count("pk")
                return {
                    row[area_path]: row["n"]
                    for row in qs.values(area_path).annotate(n=counted).order_by()
                    if row[area_path] is not None
                }
        except (FieldError, DatabaseError, ValueError, TypeError):
            continue
    return None


def registered_families_by_area(authority_id: int) -> dict[int, int] | None:
    """Households with at least one member registered (people.Registration), by the member's area."""
    membership = _model("people", ["HouseholdMembership"])
    return _count_by_area(
        membership,
        authority_id,
        [
            Q(person__registrations__isnull=False, end__isnull=True),
            Q(person__registrations__isnull=False),
        ],
        distinct="household",
    )


def registered_families_total(authority_id: int) -> int | None:
    """Registered households across the authority (the families a budget reached)."""
    membership = _model("people", ["HouseholdMembership"])
    if membership is None:
        return None
    try:
        with transaction.atomic():
            return (
                membership._default_manager.filter(
                    person__registrations__isnull=False, household__authority_id=authority_id
                )
                .values("household")
                .distinct()
                .count()
            )
    except (FieldError, DatabaseError):
        return None


def open_episodes_by_area(authority_id: int) -> dict[int, int] | None:
    return _count_by_area(
        _model("casework", ["Episode", "EarlyHelpEpisode"]),
        authority_id,
        [
            # casework.Episode: waiting for a lead professional or open (stepped up is social care)
            Q(status__in=["awaiting", "open"]),
            Q(closed_at__isnull=True),
            Q(closed_on__isnull=True),
            Q(end__isnull=True),
        ],
    )


def referrals_by_area(authority_id: int, *, days: int = 365) -> dict[int, int] | None:
    """Referrals received in the last year (all referrals if the date field is not known)."""
    since = timezone.now() - datetime.timedelta(days=days)
    return _count_by_area(
        _model("referrals", ["Referral"]),
        authority_id,
        [
            Q(received_at__gte=since),
            Q(created_at__gte=since),
            Q(recorded_at__gte=since),
            Q(),
        ],
    )


def reviews_due_by_area(authority_id: int) -> dict[int, int] | None:
    """Children with a health review due or overdue and not yet done."""
    today = timezone.localdate()
    return _count_by_area(
        _model("childhealth", ["ReviewDue", "Review", "HealthReview", "ScheduledReview"]),
        authority_id,
        [
            # childhealth.ReviewDue: still due and its window has opened (due now or overdue)
            Q(status="due", window_start__lte=today),
            Q(completed_at__isnull=True, due_date__lte=today),
            Q(completed_on__isnull=True, due_date__lte=today),
            Q(done_on__isnull=True, due_on__lte=today),
            Q(completed_at__isnull=True, due_from__lte=today),
            Q(status__in=["due", "overdue"]),
        ],
        distinct="person",
    )


def obesity_reception_by_area(authority_id: int) -> dict[int, float] | None:
    """Share of Reception children measured who were obese or severely obese (NCMP categories)."""
    model = _model("childhealth", ["Measurement", "NcmpMeasurement"])
    reception = [
        Q(context="ncmp_reception"),
        Q(programme="reception"),
        Q(school_year="reception"),
        Q(ncmp_year="reception"),
    ]
    # not `category`: on every record that is the data-sharing category, not a weight category
    obese = [
        Q(population_category__in=["obese", "severely_obese"]),
        Q(bmi_category__in=["obese", "severely_obese"]),
    ]
    for rq in reception:
        measured = _count_by_area(model, authority_id, [rq], distinct="person")
        if measured is None:
            continue
        for oq in obese:
            counted = _count_by_area(model, authority_id, [rq & oq], distinct="person")
            if counted is not None:
                return {area: counted.get(area, 0) / n for area, n in measured.items() if n}
    return None


def referrals_by_area_and_level(
    authority_id: int, *, days: int = 365
) -> dict[int, dict[str, int]] | None:
    """Referrals in the last year by area and the level of need the front door decided.

    Levels are the council's own ("4a", "4b" ...); callers group them. Undecided referrals are
    left out here (they have no level yet).
    """
    model = _model("referrals", ["Referral"])
    if model is None:
        return None
    since = timezone.now() - datetime.timedelta(days=days)
    try:
        with transaction.atomic():
            rows = (
                model._default_manager.filter(
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
    except (FieldError, DatabaseError):
        return None


# name -> (label, function); the needs analysis reads them in this order
RECORD_COUNTS = {
    "registered_families": ("Registered families", registered_families_by_area),
    "open_episodes": ("Open early help episodes", open_episodes_by_area),
    "referrals": ("Referrals in the last year", referrals_by_area),
    "reviews_due": ("Children due or overdue a health review", reviews_due_by_area),
    "obesity_reception": ("Obese at Reception (share measured)", obesity_reception_by_area),
}
