"""Writes of the matching part: people's decisions on the review queue."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from familyhub.matching.models import ReviewPair, ReviewStatus


class AlreadyDecided(ValidationError):
    pass


def _lock_pending(pair: ReviewPair) -> ReviewPair:
    locked = ReviewPair.objects.select_for_update().get(pk=pair.pk)
    if locked.status != ReviewStatus.PENDING:
        raise AlreadyDecided("Someone has already decided about this pair")
    return locked


@transaction.atomic
def reject_pair(pair: ReviewPair, *, by, reason: str) -> ReviewPair:
    """Record that the two records are different people (a labelled non-match)."""
    locked = _lock_pending(pair)
    locked.status = ReviewStatus.REJECTED
    locked.decided_by = by
    locked.decided_at = timezone.now()
    locked.note = (reason or "").strip()[:300]
    locked.save(update_fields=["status", "decided_by", "decided_at", "note"])
    return locked


@transaction.atomic
def confirm_pair(pair: ReviewPair, *, by, reason: str, keep: str = "a") -> ReviewPair:
    """Record that the two records are one person (a labelled match) and merge them through the
    people part's merge, keeping person a or b. A merge the people part refuses leaves the pair
    undecided (the whole transaction rolls back)."""
    locked = _lock_pending(pair)
    survivor, duplicate = (
        (locked.person_a, locked.person_b) if keep != "b" else (locked.person_b, locked.person_a)
    )
    reason = (reason or "").strip()
    from familyhub.people.merging import person_merge

    person_merge(
        survivor=survivor,
        duplicate=duplicate,
        by=by,
        reason=f"Duplicate review: {reason}" if reason else "Duplicate review",
    )
    locked.merged = True
    locked.status = ReviewStatus.CONFIRMED
    locked.decided_by = by
    locked.decided_at = timezone.now()
    locked.note = reason[:300]
    locked.save(update_fields=["status", "decided_by", "decided_at", "note", "merged"])
    return locked
