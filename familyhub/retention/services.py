"""Retention's writes: listing what is due (the nightly task), the information governance
lead's decision on a batch, destruction, and legal holds. Every write of a person's information
is logged here (audit.log.log_change) inside its transaction: a destruction's entry names the
record's type and id, the batch and who approved it, never what the record said, so the access
log's chain still verifies afterwards (its rows have no foreign key to what they describe).

Destruction is one transaction per person: every record of theirs in the batch (in whichever
part) and, when it is due too, their register entry go together, or none of them goes.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, router, transaction
from django.db.models import Count, Q
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.utils import timezone

from familyhub.audit.log import log_change
from familyhub.people.models import (
    Household,
    HouseholdMembership,
    ImportLink,
    MergeRecord,
    Person,
)
from familyhub.places.models import Authority
from familyhub.retention.models import (
    REGISTER_ENTRY,
    BatchStatus,
    DestructionBatch,
    DestructionItem,
    ItemOutcome,
    LegalHold,
    RetentionSchedule,
)
from familyhub.retention.rules import (
    ScheduleBook,
    closes_with_episode,
    closure_date,
    covered_models,
    due_on,
    is_person_record,
    record_type,
)

# A rejected record is not listed again for this long: the lead has just said to keep it, and
# the next review is a fresh decision rather than the same question every night.
RELIST_AFTER_REJECTION = datetime.timedelta(days=90)
PURPOSE_DESTROY = "Retention: destruction approved by the information governance lead"


@dataclass(frozen=True)
class Due:
    record_type: str
    record_pk: int
    person_pk: int
    service_name: str
    schedule: RetentionSchedule
    closed_on: datetime.date | None
    due_on: datetime.date


# --- legal holds -----------------------------------------------------------------------------


def held_person_ids(authority_id: int) -> set[int]:
    """Everyone under a live hold: the people named, and everyone who has been in a family named."""
    holds = LegalHold.objects.filter(authority_id=authority_id, lifted_at__isnull=True)
    people = set(holds.exclude(person=None).values_list("person_id", flat=True))
    households = holds.exclude(household=None).values_list("household_id", flat=True)
    people |= set(
        HouseholdMembership.objects.filter(household_id__in=households).values_list(
            "person_id", flat=True
        )
    )
    return {int(pk) for pk in people if pk is not None}


def _people_of_hold(person: Person | None, household: Household | None) -> list[Person]:
    if person is not None:
        return [person]
    assert household is not None
    return list(
        Person.objects.filter(household_memberships__household=household).distinct().order_by("pk")
    )


def _lock_people(people: Iterable[Person]) -> None:
    # Destruction locks the same rows, so a hold and a destruction of one person never interleave.
    list(Person.objects.select_for_update().filter(pk__in=[p.pk for p in people]).order_by("pk"))


def set_hold(
    *,
    by,
    authority: Authority,
    reason: str,
    person: Person | None = None,
    household: Household | None = None,
    channel: str = "page",
) -> LegalHold:
    """A hold on a person or a family, logged for everyone it covers."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Enter why these records must be kept"})
    if (person is None) == (household is None):
        raise ValidationError({"subject": "Enter one person or one family to hold"})
    subject = (
        f"Familyhub reference {person.public_id}"
        if person is not None
        else f"Family card {household.card_number}"  # type: ignore[union-attr]
    )
    with transaction.atomic():
        people = _people_of_hold(person, household)
        _lock_people(people)
        hold = LegalHold.objects.create(
            authority=authority,
            person=person,
            household=household,
            subject=subject,
            reason=reason,
            set_by=by,
        )
        log_change(
            by,
            people,
            action="legal_hold",
            purpose="Legal hold set: destruction stopped",
            channel=channel,
            detail=f"legal hold {hold.public_id} set on {subject}",
        )
    return hold


def lift_hold(*, hold: LegalHold, by, reason: str, version: int, channel: str = "page") -> None:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Enter why the hold can be lifted"})
    with transaction.atomic():
        current = LegalHold.objects.select_for_update().get(pk=hold.pk)
        if current.version != version or current.lifted_at is not None:
            raise ValidationError(
                "Someone else changed this hold while you were reading it. "
                "Read it again before you lift it."
            )
        people = _people_of_hold(current.person, current.household)
        _lock_people(people)
        current.lifted_by = by
        current.lifted_at = timezone.now()
        current.lift_reason = reason
        current.version += 1
        current.save()
        log_change(
            by,
            people,
            action="legal_hold",
            purpose="Legal hold lifted",
            channel=channel,
            detail=f"legal hold {current.public_id} on {current.subject} lifted",
        )
    hold.refresh_from_db()


# --- what is due ------------------------------------------------------------------------------


def _not_to_list(authority: Authority, today: datetime.date) -> set[tuple[str, int]]:
    """Records already waiting in a batch, or rejected lately."""
    items = DestructionItem.objects.filter(batch__authority=authority).filter(
        Q(batch__status=BatchStatus.PENDING)
        | Q(
            batch__status=BatchStatus.REJECTED,
            batch__decided_at__date__gt=today - RELIST_AFTER_REJECTION,
        )
        | Q(batch__status=BatchStatus.APPROVED, outcome=ItemOutcome.LISTED)
    )
    return {(t, int(pk)) for t, pk in items.values_list("record_type", "record_pk")}


def records_due(
    authority: Authority, today: datetime.date, book: ScheduleBook | None = None
) -> list[Due]:
    """Every record of the council due on `today` under its schedule, not held, not listed."""
    book = book or ScheduleBook.load()
    skip = _not_to_list(authority, today)
    held = held_person_ids(authority.pk)
    due: list[Due] = []
    for model in covered_models():
        label = record_type(model)
        related = ["person", "owning_service"]
        if closes_with_episode(model):
            related.append("episode")
        records = (
            model._default_manager.filter(person__authority=authority)
            .exclude(person_id__in=held)
            .select_related(*related)
            .order_by("pk")
        )
        for record in records.iterator(chunk_size=2000):
            if (label, record.pk) in skip:
                continue
            service = record.owning_service  # type: ignore[attr-defined]
            schedule = book.schedule_for(label, service.kind, authority.pk)
            if schedule is None:
                continue
            person = record.person  # type: ignore[attr-defined]
            closed_on = closure_date(record)
            when = due_on(
                schedule, closed_on=closed_on, born=person.date_of_birth, died=person.date_of_death
            )
            if when is not None and when <= today:
                due.append(
                    Due(label, record.pk, person.pk, service.name, schedule, closed_on, when)
                )
    return due


def _records_per_person(authority: Authority) -> Counter[int]:
    counts: Counter[int] = Counter()
    for model in covered_models():
        rows = (
            model._default_manager.filter(person__authority=authority)
            .values("person_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for row in rows:
            counts[row["person_id"]] += row["n"]
    return counts


def register_entries_due(
    authority: Authority, today: datetime.date, records: list[Due], book: ScheduleBook
) -> list[Due]:
    """People whose register entry may go with this batch: every record of theirs is in it (or
    they have none), their own schedule (people.person) is met, nobody they live with now stays,
    and they have no merge history (undoing a merge needs both records). Not held, not listed."""
    schedule = book.schedule_for(REGISTER_ENTRY, "", authority.pk)
    if schedule is None:
        return []
    due_count = Counter(d.person_pk for d in records)
    last_closed: dict[int, datetime.date] = {}
    for d in records:
        if d.closed_on and d.closed_on > last_closed.get(d.person_pk, datetime.date.min):
            last_closed[d.person_pk] = d.closed_on
    totals = _records_per_person(authority)
    skip = _not_to_list(authority, today)
    held = held_person_ids(authority.pk)
    merges = MergeRecord.objects.filter(survivor__authority=authority)
    merged = set(merges.values_list("survivor_id", flat=True)) | set(
        merges.values_list("duplicate_id", flat=True)
    )
    people = (
        Person.objects.filter(authority=authority, merged_into__isnull=True)
        .exclude(pk__in=held)
        .only("pk", "date_of_birth", "date_of_death", "updated_at")
        .order_by("pk")
    )
    candidates: dict[int, Due] = {}
    for person in people.iterator(chunk_size=2000):
        if person.pk in merged or (REGISTER_ENTRY, person.pk) in skip:
            continue
        if totals[person.pk] != due_count[person.pk]:
            continue
        closed_on = max(person.updated_at.date(), last_closed.get(person.pk, datetime.date.min))
        when = due_on(
            schedule, closed_on=closed_on, born=person.date_of_birth, died=person.date_of_death
        )
        if when is not None and when <= today:
            candidates[person.pk] = Due(
                REGISTER_ENTRY, person.pk, person.pk, "", schedule, closed_on, when
            )
    return [candidates[pk] for pk in sorted(_without_live_households(authority, candidates))]


def _without_live_households(authority: Authority, candidates: dict[int, Due]) -> set[int]:
    """Leave out anyone who lives now with someone whose register entry stays: the family
    record of those who stay still shows them."""
    keep = set(candidates)
    current = HouseholdMembership.objects.filter(end__isnull=True, household__authority=authority)
    members: dict[int, set[int]] = defaultdict(set)
    for household_id, person_id in current.filter(
        household_id__in=current.filter(person_id__in=keep).values("household_id")
    ).values_list("household_id", "person_id"):
        members[household_id].add(person_id)
    changed = True
    while changed:
        changed = False
        for people in members.values():
            if people & keep and not people <= keep:
                keep -= people
                changed = True
    return keep


def list_due(today: datetime.date | None = None) -> list[DestructionBatch]:
    """The nightly listing: one batch per council with anything due."""
    today = today or timezone.localdate()
    book = ScheduleBook.load()
    batches = []
    for authority in Authority.objects.order_by("pk"):
        records = records_due(authority, today, book)
        entries = register_entries_due(authority, today, records, book)
        if not records and not entries:
            continue
        with transaction.atomic():
            batch = DestructionBatch.objects.create(authority=authority, listed_on=today)
            DestructionItem.objects.bulk_create(
                DestructionItem(
                    batch=batch,
                    record_type=d.record_type,
                    record_pk=d.record_pk,
                    person_pk=d.person_pk,
                    service_name=d.service_name,
                    schedule=d.schedule,
                    closed_on=d.closed_on,
                    due_on=d.due_on,
                )
                for d in records + entries
            )
        batches.append(batch)
    return batches


# --- the lead's decision, and destruction -----------------------------------------------------


def _decide(batch: DestructionBatch, *, by, reason: str, version: int, status: str) -> None:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Enter the reason for your decision"})
    current = DestructionBatch.objects.select_for_update().get(pk=batch.pk)
    if current.version != version or current.status != BatchStatus.PENDING:
        raise ValidationError(
            "Someone else decided this batch while you were reading it. Read it again."
        )
    current.status = status
    current.decided_by = by
    current.decided_at = timezone.now()
    current.reason = reason
    current.version += 1
    current.save()


def reject(batch: DestructionBatch, *, by, reason: str, version: int) -> None:
    """Keep everything in the batch; nothing of it is listed again for RELIST_AFTER_REJECTION."""
    with transaction.atomic():
        _decide(batch, by=by, reason=reason, version=version, status=BatchStatus.REJECTED)
        batch.items.filter(outcome=ItemOutcome.LISTED).update(outcome=ItemOutcome.REJECTED)
    batch.refresh_from_db()


def approve(batch: DestructionBatch, *, by, reason: str, version: int, channel: str = "page"):
    """Approve, then destroy person by person (destroy_approved)."""
    with transaction.atomic():
        _decide(batch, by=by, reason=reason, version=version, status=BatchStatus.APPROVED)
    batch.refresh_from_db()
    return destroy_approved(batch, channel=channel)


def destroy_approved(batch: DestructionBatch, *, channel: str = "page") -> Counter[str]:
    """Destroy what is still listed in an approved batch. Safe to run again after a crash: each
    person's destruction is one transaction, and what is done is no longer listed (the nightly
    task finishes any batch left part-way)."""
    assert batch.status == BatchStatus.APPROVED
    pending: dict[int, list[DestructionItem]] = defaultdict(list)
    for item in batch.items.filter(outcome=ItemOutcome.LISTED).order_by("pk"):
        pending[item.person_pk].append(item)
    outcomes: Counter[str] = Counter()
    for person_pk, items in pending.items():
        for outcome in destroy_person_items(batch, person_pk, items, channel=channel):
            outcomes[outcome] += 1
    return outcomes


class _WouldDestroyMore(Exception):
    """Deleting a listed record would take with it a record that is not due (not in the batch)."""


def _is_register_entry(model: type[models.Model]) -> bool:
    return model is Person


def _collect(obj: models.Model) -> Collector:
    collector = Collector(using=router.db_for_write(type(obj)))
    collector.collect([obj])
    return collector


def _collected_records(collector: Collector) -> list[tuple[str, int, int]]:
    """(record type, id, person id) of every person record and register entry it would delete."""
    found: list[tuple[str, int, int]] = []
    for model, instances in collector.data.items():
        if is_person_record(model):
            found += [(record_type(model), o.pk, o.person_id) for o in instances]  # type: ignore[attr-defined]
        elif _is_register_entry(model):
            found += [(REGISTER_ENTRY, o.pk, o.pk) for o in instances]
    for queryset in collector.fast_deletes:
        model = queryset.model
        if is_person_record(model):
            label = record_type(model)
            found += [(label, pk, p) for pk, p in queryset.values_list("pk", "person_id")]
    return found


def _destroy(
    item: DestructionItem, allowed: set[tuple[str, int]], done: set[tuple[str, int]], batch, channel
) -> str:
    """Destroy one listed record (and what goes with it), logging each record destroyed."""
    if (item.record_type, item.record_pk) in done:
        return ItemOutcome.DESTROYED  # it went with a record destroyed before it (its episode)
    model = apps.get_model(item.record_type)
    obj = model.objects.filter(pk=item.record_pk).first()
    if obj is None:
        return ItemOutcome.GONE
    if _is_register_entry(model):
        ImportLink.objects.filter(person_id=obj.pk).delete()  # which import row made them
    collector = _collect(obj)
    destroyed = _collected_records(collector)
    extra = [f"{label} {pk}" for label, pk, _ in destroyed if (label, pk) not in allowed]
    if extra:
        raise _WouldDestroyMore(", ".join(extra[:5]))
    approved_by = batch.decided_by
    who = approved_by.username if approved_by else "unknown"
    for label, pk, person_pk in destroyed:
        log_change(
            approved_by,
            [person_pk],
            action="destroy",
            purpose=PURPOSE_DESTROY,
            channel=channel,
            detail=(
                f"{label} {pk} destroyed under batch {batch.public_id}, approved by {who} "
                f"on {batch.decided_at:%Y-%m-%d}; schedule: {item.schedule.name if item.schedule else ''}"
            )[:500],
        )
    collector.delete()
    done.update((label, pk) for label, pk, _ in destroyed)
    return ItemOutcome.DESTROYED


def destroy_person_items(
    batch: DestructionBatch, person_pk: int, items: list[DestructionItem], *, channel: str
) -> list[str]:
    """One person's listed records, all in one transaction: destroyed together or kept together.
    Register entries go last (they take the rest of the person's rows with them)."""
    items = sorted(items, key=lambda i: i.record_type == REGISTER_ENTRY)
    allowed = {(i.record_type, i.record_pk) for i in items}
    note = ""
    try:
        with transaction.atomic():
            Person.objects.select_for_update().filter(pk=person_pk).first()
            if person_pk in held_person_ids(batch.authority_id):
                outcomes: list[str] = [ItemOutcome.HELD] * len(items)
            else:
                done: set[tuple[str, int]] = set()
                outcomes = [_destroy(item, allowed, done, batch, channel) for item in items]
    except _WouldDestroyMore as error:
        outcomes = [ItemOutcome.KEPT] * len(items)
        note = f"would also destroy records that are not due: {error}"
    except (ProtectedError, RestrictedError, IntegrityError) as error:
        outcomes = [ItemOutcome.KEPT] * len(items)
        note = f"other information depends on it: {type(error).__name__}"
    for item, outcome in zip(items, outcomes, strict=True):
        item.outcome = outcome
        item.note = note[:300]
    DestructionItem.objects.bulk_update(items, ["outcome", "note"])
    return outcomes
