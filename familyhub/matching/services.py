"""Writes of the matching part: people's decisions on the review queue."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from familyhub.accounts.models import User
from familyhub.audit.log import log_change
from familyhub.matching.models import ReviewPair, ReviewStatus
from familyhub.matching.search import search_candidates
from familyhub.people.merging import person_merge
from familyhub.people.models import Person


class AlreadyDecided(ValidationError):
    pass


def _lock_pending(pair: ReviewPair) -> ReviewPair:
    locked = ReviewPair.objects.select_for_update().get(pk=pair.pk)
    if locked.status != ReviewStatus.PENDING:
        raise AlreadyDecided("Someone has already decided about this pair")
    return locked


@transaction.atomic
def reject_pair(pair: ReviewPair, *, by: User, reason: str) -> ReviewPair:
    """Record that the two records are different people (a labelled non-match)."""
    locked = _lock_pending(pair)
    locked.status = ReviewStatus.REJECTED
    locked.decided_by = by
    locked.decided_at = timezone.now()
    locked.note = (reason or "").strip()[:300]
    locked.save(update_fields=["status", "decided_by", "decided_at", "note"])
    return locked


@transaction.atomic
def confirm_pair(pair: ReviewPair, *, by: User, reason: str, keep: str = "a") -> ReviewPair:
    """Record that the two records are one person (a labelled match) and merge them through the
    people part's merge, keeping person a or b. A merge the people part refuses leaves the pair
    undecided (the whole transaction rolls back)."""
    locked = _lock_pending(pair)
    survivor, duplicate = (
        (locked.person_a, locked.person_b) if keep != "b" else (locked.person_b, locked.person_a)
    )
    reason = (reason or "").strip()

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


def queue_pair(
    person: Person, other: Person, *, by: User | None, reason: str, channel: str = "page"
) -> ReviewPair:
    """Put two records in the review queue as a possible duplicate (or return the pair already
    there), scored by the real-time search so the reviewer sees which details agree. Logged;
    `by` is None when the system queues it (the demo, a batch run)."""

    first, second = sorted([person, other], key=lambda p: p.pk)
    existing = ReviewPair.objects.filter(person_a=first, person_b=second).first()
    if existing is not None:
        return existing
    found = [
        c
        for c in search_candidates(
            authority=person.authority,
            given_name=person.given_name,
            family_name=person.family_name,
            date_of_birth=person.date_of_birth,
            postcode=person.postcode,
            nhs_number=person.nhs_number,
            sex=person.sex,
            limit=50,
        )
        if c.person_id == other.pk
    ]
    best = found[0] if found else None
    pair, created = ReviewPair.objects.get_or_create(
        person_a=first,
        person_b=second,
        defaults={
            "score": round(float(best.score), 3) if best else 0.0,
            "probability": round(float(best.probability), 4) if best else 0.5,
            "comparison": dict(best.fields) if best else {},
            "note": (reason or "")[:300],
        },
    )
    if created:
        log_change(
            by,
            [first, second],
            action="change",
            purpose="Possible duplicate put in the review queue",
            channel=channel,
            detail=reason[:200],
        )
    return pair


def queue_suspected_duplicates(
    person: Person, others: Iterable[Person], *, by: User, reason: str, channel: str = "page"
) -> None:
    """people.hooks.duplicate_suspected: queue the new record with each record it may repeat."""
    for other in others:
        queue_pair(person, other, by=by, reason=reason, channel=channel)
