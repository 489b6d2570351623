"""Child health's overdue steps for referrals.overdue (registered in apps.ready): a mandated
review past the end of its window and not yet recorded, while it still counts (up to its late
limit; after that it is missed, and the worklist says so). The worker is the child's named
health visitor or school nurse; the team, theirs or the service's."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import F, OuterRef, Subquery
from django.urls import reverse

from familyhub.childhealth.models import DueStatus, HealthVisitorAllocation, ReviewDue
from familyhub.referrals.models import Step
from familyhub.referrals.overdue import OverdueStep, Scope


def review_steps(scope: Scope) -> Iterable[OverdueStep]:
    """A mandated review past its window and not recorded."""
    named = HealthVisitorAllocation.objects.filter(
        person_id=OuterRef("person_id"), end__isnull=True
    ).order_by("-start")
    due = ReviewDue.objects.filter(
        status=DueStatus.DUE,
        recorded=False,
        provisional=False,
        window_end__lt=scope.today,
        late_until__gte=scope.today,
    ).annotate(
        worker_id=Subquery(named.values("practitioner_id")[:1]),
        worker_team_id=Subquery(named.values("team_id")[:1]),
        person_public_id=F("person__public_id"),
    )
    if scope.service_ids is not None:
        due = due.filter(owning_service_id__in=scope.service_ids)
    for review in due.only(
        "public_id", "person_id", "kind", "window_end", "owning_service_id"
    ).order_by("window_end")[:5000]:
        person_url = reverse("childhealth:child", args=[review.person_public_id])
        yield OverdueStep(
            step=Step.REVIEW,
            what=f"Mandated review: {review.get_kind_display()}",
            person_id=review.person_id,
            due=review.window_end,
            url=person_url,
            service_id=review.owning_service_id,
            team_id=review.worker_team_id,
            worker_id=review.worker_id,
            key=f"review-due:{review.public_id}",
        )
