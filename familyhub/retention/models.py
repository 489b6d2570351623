"""Retention schedules (data a council edits), the nightly lists of records due for destruction
that the information governance lead approves or rejects, and legal holds that stop destruction.

What is destroyed is recorded in the access log (audit.log: its type, id and the approval, never
its content); the rows here keep the same facts so the lead can see what a batch did.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from familyhub.places.models import Authority
from familyhub.services.models import ServiceKind

# The record type of a person's register entry (people.Person): not a PersonRecord, but due for
# destruction by its own schedule once none of the person's records is left.
REGISTER_ENTRY = "people.person"


class RetentionSchedule(models.Model):
    """How long one kind of record is kept, for one kind of service (blank: any), in one council
    (blank: every council). The most specific schedule applies (retention.rules.schedule_for).

    A record is due for destruction on the later of: its closure date plus `years_after_closure`,
    and the person's `until_birthday` (or `until_birthday_if_17_at_closure` when they were 17 or
    older when the record closed). If the person has died and `years_after_death` is set, it is
    due that many years after the death instead. A schedule with none of these never falls due.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    authority = models.ForeignKey(
        Authority,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="Blank: every council",
    )
    record_type = models.CharField(
        max_length=100,
        blank=True,
        help_text="app_label.model, for example childhealth.review; blank: every kind of record",
    )
    service_kind = models.CharField(
        max_length=20,
        choices=ServiceKind.choices,
        blank=True,
        help_text="The kind of service that owns the record; blank: any",
    )
    name = models.CharField(max_length=160)
    years_after_closure = models.PositiveSmallIntegerField(null=True, blank=True)
    until_birthday = models.PositiveSmallIntegerField(null=True, blank=True)
    until_birthday_if_17_at_closure = models.PositiveSmallIntegerField(null=True, blank=True)
    years_after_death = models.PositiveSmallIntegerField(null=True, blank=True)
    guidance = models.CharField(
        max_length=400, help_text="The guidance or the council's schedule this follows"
    )
    version = models.PositiveIntegerField(default=1, help_text="Raised by every edit")

    class Meta:
        # Two schedules for the same scope: the older one (lower pk) applies (rules.schedule_for).
        ordering = ["record_type", "service_kind", "pk"]

    def __str__(self) -> str:
        return self.name

    def describe(self) -> str:
        """The rule in words, for the lead's pages."""
        parts = []
        if self.until_birthday:
            text = f"until the {ordinal(self.until_birthday)} birthday"
            if self.until_birthday_if_17_at_closure:
                text += (
                    f" ({ordinal(self.until_birthday_if_17_at_closure)} if 17 or older at closure)"
                )
            parts.append(text)
        if self.years_after_closure is not None:
            parts.append(f"{self.years_after_closure} years after closure")
        rule = ", or ".join(parts) if parts else "kept until a person decides"
        if len(parts) > 1:
            rule = "the later of " + " and ".join(parts)
        if self.years_after_death is not None:
            rule += f"; {self.years_after_death} years after death"
        return rule


def ordinal(number: int) -> str:
    if 10 <= number % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


class BatchStatus(models.TextChoices):
    PENDING = "pending", "Waiting for a decision"
    APPROVED = "approved", "Approved and destroyed"
    REJECTED = "rejected", "Rejected"


class DestructionBatch(models.Model):
    """The records of one council found due on one night, for the information governance lead."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="+")
    listed_on = models.DateField(default=timezone.localdate)
    listed_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        max_length=10, choices=BatchStatus.choices, default=BatchStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1, help_text="Raised by every decision")

    class Meta:
        ordering = ["-listed_at"]
        verbose_name_plural = "destruction batches"

    def __str__(self) -> str:
        return f"Records due for destruction, listed {self.listed_on:%d %B %Y}"


class ItemOutcome(models.TextChoices):
    LISTED = "listed", "Listed"
    DESTROYED = "destroyed", "Destroyed"
    HELD = "held", "Kept: under a legal hold"
    GONE = "gone", "Already gone"
    KEPT = "kept", "Kept: could not be destroyed"
    REJECTED = "rejected", "Kept: batch rejected"


class DestructionItem(models.Model):
    """One record in a batch: its type and id, whose it is and why it is due. No foreign key to
    the record or the person (they are destroyed); no content."""

    batch = models.ForeignKey(DestructionBatch, on_delete=models.CASCADE, related_name="items")
    record_type = models.CharField(max_length=100)
    record_pk = models.PositiveBigIntegerField()
    person_pk = models.PositiveBigIntegerField(db_index=True)
    service_name = models.CharField(max_length=160, blank=True)
    schedule = models.ForeignKey(
        RetentionSchedule, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    closed_on = models.DateField(null=True, blank=True)
    due_on = models.DateField()
    outcome = models.CharField(
        max_length=10, choices=ItemOutcome.choices, default=ItemOutcome.LISTED
    )
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["person_pk", "record_type", "record_pk"]
        indexes = [models.Index(fields=["record_type", "record_pk"], name="retention_item_rec_idx")]


class LegalHold(models.Model):
    """Stops destruction of a person's records, or of everyone who has been in a family
    (household), until the information governance lead lifts it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="+")
    # One of the two (services.set_hold). Kept after the hold is lifted and the records are
    # destroyed (SET_NULL), with `subject` saying whom it was about.
    person = models.ForeignKey(
        "people.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    household = models.ForeignKey(
        "people.Household", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    subject = models.CharField(max_length=200, help_text="Whom the hold is about, in words")
    reason = models.TextField()
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(default=timezone.now)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_reason = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1, help_text="Raised by every edit")

    class Meta:
        ordering = ["-set_at"]

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None
