"""The statutory returns a council sends: one ReturnRun per generation of a return for a period,
with the rows that failed the return's rules (the worklist) and, for Supporting Families, the
families a sent claim has claimed (so that no family is claimed twice).

A run reads people under the return's own lawful basis (returns.kinds: LAWFUL_BASIS), never
through the officer's own access; every person a run reads is logged (returns.reading).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class ReturnKind(models.TextChoices):
    CSDS = "csds", "Community Services Data Set (monthly)"
    OHID = "ohid", "Healthy Child Programme interim metrics (OHID, quarterly)"
    SUPPORTING_FAMILIES = "sf", "Supporting Families data return and results claim (quarterly)"
    CIN = "cin", "Children in Need census (annual)"


class ReturnStatus(models.TextChoices):
    GENERATING = "generating", "Being generated"
    DRAFT = "draft", "Draft: failures to fix"
    VALIDATED = "validated", "Validated"
    SENT = "sent", "Sent"
    FAILED = "failed", "Generation failed"


class ReturnRun(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    authority = models.ForeignKey("places.Authority", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=8, choices=ReturnKind.choices)
    period_start = models.DateField()
    period_end = models.DateField()
    period_label = models.CharField(max_length=40)
    status = models.CharField(
        max_length=12, choices=ReturnStatus.choices, default=ReturnStatus.GENERATING
    )
    # What the return holds, by the return's own words: {"children": 120, "CYP201CareContact": 300}
    counts = models.JSONField(default=dict)
    failure_count = models.PositiveIntegerField(default=0)
    specification = models.CharField(max_length=200, blank=True)
    file_name = models.CharField(max_length=120, blank=True)
    content_type = models.CharField(max_length=80, blank=True)
    file_bytes = models.BinaryField(null=True, blank=True, editable=False)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    generated_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    job = models.ForeignKey("core.Job", on_delete=models.SET_NULL, null=True, blank=True)
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["authority", "kind", "period_start"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period_label}"


class ValidationFailure(models.Model):
    """One rule a row of a return broke: the child, the record, the field, what is wrong, and
    where a practitioner puts it right."""

    run = models.ForeignKey(ReturnRun, on_delete=models.CASCADE, related_name="failures")
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    team = models.ForeignKey(
        "services.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    record = models.CharField(max_length=80, help_text="The return's table or element")
    field = models.CharField(max_length=80)
    message = models.CharField(max_length=300)
    fix_url = models.CharField(max_length=300, blank=True)
    # A failure that stops the return being validated; a refused Supporting Families family is
    # listed (to be put right) but does not stop the claim for the others.
    blocking = models.BooleanField(default=True)

    class Meta:
        ordering = ["team__name", "person__family_name", "person__given_name", "record", "pk"]


class ReturnPerson(models.Model):
    """Who a run holds, so that each download of its file is logged person by person."""

    run = models.ForeignKey(ReturnRun, on_delete=models.CASCADE, related_name="people")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "person"], name="return_person_once")]


class SupportingFamiliesClaim(models.Model):
    """A family claimed for a successful outcome in a sent results claim. The unique constraint
    is what makes a second claim for the same family in the programme impossible, even when two
    officers send at once."""

    run = models.ForeignKey(ReturnRun, on_delete=models.PROTECT, related_name="claims")
    episode = models.ForeignKey("casework.Episode", on_delete=models.PROTECT, related_name="+")
    # The family: its household when it has one, else the child (people.Person pk), as a key.
    family_key = models.CharField(max_length=40)
    programme = models.CharField(max_length=20)
    claimed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "family_key"], name="sf_family_claimed_once"
            )
        ]
