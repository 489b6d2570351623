"""Data quality as a feature: how complete each record is, and which are stale.

A directory nobody keeps up is worse than none, so each record carries a completeness score (the
share of the checks below it passes, 0-100, kept on the row for sorting) and its last-checked day
(the standard's assured_date). A record is stale when nobody has checked it for
FAMILYHUB_DIRECTORY_STALE_MONTHS months (or ever); stale records are the editors' worklist.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from familyhub.core.dates import add_months
from familyhub.directory.models import DirectoryService, LocationType


@dataclass(frozen=True)
class Check:
    code: str
    missing: str  # what the worklist says when the check fails
    passes: Callable[[DirectoryService], bool]


def _has_place(service: DirectoryService) -> bool:
    return any(
        sal.location.location_type == LocationType.VIRTUAL or bool(sal.location.postal_code)
        for sal in service.service_at_locations.all()
    )


def _has_coordinates(service: DirectoryService) -> bool:
    return any(
        sal.location.latitude is not None or sal.location.location_type == LocationType.VIRTUAL
        for sal in service.service_at_locations.all()
    )


def _can_be_contacted(service: DirectoryService) -> bool:
    return bool(service.email or service.url) or any(
        c.phone or c.email for c in service.contacts.all()
    )


CHECKS: tuple[Check, ...] = (
    Check(
        "description",
        "A description of at least 30 characters",
        lambda s: len(s.description.strip()) >= 30,
    ),
    Check("organization", "Who runs it", lambda s: s.organization_id is not None),
    Check("needs", "What needs it helps with", lambda s: bool(s.terms.all())),
    Check("place", "Where it is (an address with a postcode, or online)", _has_place),
    Check("coordinates", "The location's coordinates (for nearest-first search)", _has_coordinates),
    Check("schedule", "When it runs", lambda s: bool(s.schedules.all())),
    Check("contact", "How to get in touch (email, website or phone)", _can_be_contacted),
    Check(
        "ages",
        "Who it is for (an age range)",
        lambda s: s.minimum_age is not None or s.maximum_age is not None,
    ),
    Check(
        "cost", "What it costs (free is a cost option too)", lambda s: bool(s.cost_options.all())
    ),
    Check("checked", "Checked recently", lambda s: not is_stale(s)),
)

QUALITY_PREFETCH = (
    "service_at_locations__location",
    "contacts",
    "schedules",
    "terms",
    "cost_options",
)


def stale_before(today: date | None = None) -> date:
    """Records last checked before this day are stale."""
    today = today or timezone.localdate()
    return add_months(today, -settings.FAMILYHUB_DIRECTORY_STALE_MONTHS)


def is_stale(service: DirectoryService, today: date | None = None) -> bool:
    return service.assured_date is None or service.assured_date < stale_before(today)


def stale_q(today: date | None = None) -> Q:
    return Q(assured_date__isnull=True) | Q(assured_date__lt=stale_before(today))


def missing(service: DirectoryService) -> list[str]:
    """What the record lacks, in the worklist's words (expects QUALITY_PREFETCH)."""
    return [check.missing for check in CHECKS if not check.passes(service)]


def score(service: DirectoryService) -> int:
    passed = sum(1 for check in CHECKS if check.passes(service))
    return round(100 * passed / len(CHECKS))


def refresh_scores(services: QuerySet[DirectoryService]) -> int:
    """Recompute and store the score of these records; returns how many changed."""
    changed = []
    for service in services.prefetch_related(*QUALITY_PREFETCH).iterator(chunk_size=500):
        new = score(service)
        if new != service.completeness:
            service.completeness = new
            changed.append(service)
    DirectoryService.objects.bulk_update(changed, ["completeness"], batch_size=500)
    return len(changed)
