"""What the National Events Management Service sends us, and the births it told us of.

`ReceivedMessage` is the store every message goes into the moment it arrives (from the MESH
folder or the HTTP endpoint), before anything is read from it: nothing is lost, whatever it holds.
It is keyed by the message id (the MessageHeader's id, or a digest of the bytes when they cannot
be read) and the digest of its bytes, so the same message arriving twice is one row. Processing
moves it from `received` to `applied`, `duplicate` or `queued` (a person resolves it).

`BirthNotification` is the birth a PDS Birth Notification told us of, one per baby's NHS number
in a council: a second message about the same birth is recognised by it (the same event twice is
one birth even when the message ids differ).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from familyhub.access.records import Category, PersonRecord


class Channel(models.TextChoices):
    MESH = "mesh", "MESH mailbox folder"
    HTTP = "http", "HTTP endpoint"
    DEMO = "demo", "Demo"


class MessageStatus(models.TextChoices):
    RECEIVED = "received", "Received, not yet read"
    APPLIED = "applied", "Applied"
    DUPLICATE = "duplicate", "Duplicate of a message already applied"
    QUEUED = "queued", "Waiting for a person"
    REJECTED = "rejected", "Rejected by a person"


class QueueReason(models.TextChoices):
    UNREADABLE = "unreadable", "The message cannot be read"
    UNSUPPORTED = "unsupported", "Not an event this service reads"
    INCOMPLETE = "incomplete", "Details the specification requires are missing"
    NO_MOTHER = "no_mother", "The notification has no mother's details"
    UNKNOWN_MOTHER = "unknown_mother", "The mother is not on the register"
    UNCERTAIN_MOTHER = "uncertain_mother", "The mother's match is uncertain"
    UNCERTAIN_BABY = "uncertain_baby", "The baby may already be on the register"
    UNKNOWN_CHILD = "unknown_child", "The child is not on the register"
    STILLBIRTH = "stillbirth", "Notified as a stillbirth"
    CONFLICT = "conflict", "Conflicts with a message already applied"


class Resolution(models.TextChoices):
    CHOSE_MOTHER = "chose_mother", "Mother chosen from the register"
    CREATED_MOTHER = "created_mother", "Mother added to the register"
    CHOSE_CHILD = "chose_child", "Child chosen from the register"
    REJECTED = "rejected", "Rejected"


class ReceivedMessage(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    authority = models.ForeignKey("places.Authority", on_delete=models.PROTECT, related_name="+")
    message_id = models.CharField(max_length=120)
    digest = models.CharField(max_length=64, help_text="SHA-256 of the bytes received")
    content = models.TextField()
    channel = models.CharField(max_length=8, choices=Channel.choices)
    filename = models.CharField(max_length=255, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    event = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        max_length=12, choices=MessageStatus.choices, default=MessageStatus.RECEIVED
    )
    reason = models.CharField(max_length=20, choices=QueueReason.choices, blank=True)
    reason_detail = models.CharField(max_length=500, blank=True)
    # Register people the matching engine offered: [{"person_id", "probability", "fields"}].
    candidates = models.JSONField(default=list, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    person = models.ForeignKey(
        "people.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolution = models.CharField(max_length=20, choices=Resolution.choices, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["received_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "message_id", "digest"], name="births_message_once"
            )
        ]
        indexes = [models.Index(fields=["status", "received_at"], name="births_msg_status_idx")]

    def __str__(self) -> str:
        return f"{self.event or 'message'} {self.message_id}"


class BirthNotification(PersonRecord):
    """A birth told us by a PDS Birth Notification: the baby (the record's person), the mother,
    the household the baby joined and the health visiting team whose worklist they went on."""

    access_category = Category.HEALTH
    timeline_label = "Birth notification"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    authority = models.ForeignKey("places.Authority", on_delete=models.PROTECT, related_name="+")
    baby_nhs_number = models.CharField(max_length=10)
    message = models.OneToOneField(ReceivedMessage, on_delete=models.PROTECT, related_name="birth")
    mother = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    household = models.ForeignKey(
        "people.Household", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    team = models.ForeignKey(
        "services.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    born_on = models.DateField()
    birth_weight_grams = models.PositiveIntegerField(null=True, blank=True)
    gestation_weeks = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    birth_order = models.PositiveSmallIntegerField(default=1)
    delivery_place = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "baby_nhs_number"], name="births_one_birth_per_baby"
            )
        ]

    def timeline_summary(self) -> str:
        weight = f", {self.birth_weight_grams} g" if self.birth_weight_grams else ""
        return f"Birth notified by the NHS{weight}"

    def timeline_date(self):
        return self.recorded_at
