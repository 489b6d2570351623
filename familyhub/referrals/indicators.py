"""Front door indicators, declared to the indicator contract (core.indicators) and imported by this part's AppConfig.ready(). Counts only: no person leaves these functions."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, F, Q

from familyhub.core.dates import day_bounds as bounds
from familyhub.core.indicators import Cell, cells, indicator
from familyhub.referrals.models import Referral

PART = "referrals"


@indicator(
    key="referrals_decided_in_time",
    title="Referrals decided within the deadline",
    target=95.0,
    numerator="Referrals decided by their decision deadline",
    denominator="Referrals received in the quarter",
    part=PART,
    note="A referral still waiting counts as not decided in time.",
)
def referrals_decided_in_time(authority_id: int, start: date, end: date) -> list[Cell]:
    first, after = bounds(start, end)
    rows = (
        Referral.objects.filter(
            authority_id=authority_id,
            received_at__gte=first,
            received_at__lt=after,
            person__merged_into__isnull=True,
        )
        .values(
            area_id=F("person__area_id"),
            service_id=F("allocated_team__service_id"),
            team_id=F("allocated_team_id"),
        )
        .annotate(
            numerator=Count(
                "pk",
                filter=Q(decided_at__isnull=False, decided_at__lte=F("decision_due_at")),
            ),
            denominator=Count("pk"),
        )
        .order_by()
    )
    return cells(rows)
