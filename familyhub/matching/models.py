"""Matching's tables: the match keys the real-time search queries, the trained model, and the
review queue whose decisions become labelled pairs."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from familyhub.people.models import Person


class MatchKey(models.Model):
    """The normalised values and blocking keys of one person, computed in Python (nicknames,
    double metaphone) so the database can answer candidate queries from plain indexes.

    Kept up to date by `matching.keys.refresh_keys(person_ids)`, which people.services calls after
    every write. A merged-away person has no key, so searches never return them."""

    # The people part's merge walks Person's reverse relations; a key is recomputed, not moved.
    merge_policy = "skip"

    person = models.OneToOneField(
        Person, on_delete=models.CASCADE, primary_key=True, related_name="match_key"
    )
    # Not indexed on its own: the search filters on it after the blocking indexes.
    authority_id = models.BigIntegerField()
    given = models.CharField(max_length=100, blank=True)
    given_canon = models.CharField(max_length=100, blank=True)
    family = models.CharField(max_length=100, blank=True)
    family_key = models.CharField(max_length=12, blank=True, help_text="Double metaphone")
    # Previous family names, space separated, so a surname change still compares.
    previous_families = models.CharField(max_length=300, blank=True)
    dob = models.DateField(null=True, blank=True)
    dob_year = models.SmallIntegerField(null=True, blank=True)
    postcode = models.CharField(max_length=8, blank=True, help_text="No space")
    postcode_sector = models.CharField(max_length=7, blank=True)
    nhs_number = models.CharField(max_length=10, blank=True)
    sex = models.CharField(max_length=1, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["given_canon", "dob"], name="mk_given_dob_idx"),
            models.Index(fields=["family_key", "dob"], name="mk_family_dob_idx"),
            models.Index(fields=["postcode", "dob"], name="mk_postcode_dob_idx"),
            models.Index(fields=["postcode", "family_key"], name="mk_postcode_family_idx"),
            models.Index(
                fields=["given_canon", "family_key", "dob_year"], name="mk_names_year_idx"
            ),
            models.Index(fields=["nhs_number"], name="mk_nhs_idx"),
            models.Index(fields=["dob"], name="mk_dob_idx"),
        ]

    def __str__(self) -> str:
        return f"Match key of person {self.person_id}"


class MatchModel(models.Model):
    """A set of Fellegi-Sunter parameters. The newest active row is what search and batch use."""

    created_at = models.DateTimeField(auto_now_add=True)
    method = models.CharField(max_length=200, help_text="How it was trained")
    trained_on = models.PositiveIntegerField(default=0, help_text="Records used")
    labelled_pairs = models.PositiveIntegerField(default=0)
    parameters = models.JSONField()
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Match model {self.pk} ({self.method})"


class ReviewStatus(models.TextChoices):
    PENDING = "pending", "Waiting for review"
    CONFIRMED = "confirmed", "Same person"
    REJECTED = "rejected", "Different people"


class ReviewPair(models.Model):
    """Two records the batch thinks are one person, waiting for a person to decide. Decided pairs
    are kept: they are the labelled pairs the model learns from."""

    # Both people stay in the pair through a merge: it records a decision about two records.
    merge_policy = "skip"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(help_text="Match weight in bits")
    probability = models.FloatField()
    comparison = models.JSONField(default=dict, help_text="Field -> agree/close/differ/missing")
    # The comparison levels (g f d p n s, as batch.py computes them), kept so that a decision
    # still teaches the model after the merge has taken one record out of the register.
    levels = models.JSONField(default=dict)
    status = models.CharField(
        max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    found_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    merged = models.BooleanField(default=False, help_text="The merge has been carried out")
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="reviewpair_unique"),
            models.CheckConstraint(
                condition=models.Q(person_a__lt=models.F("person_b")),
                name="reviewpair_ordered",
            ),
        ]
        indexes = [models.Index(fields=["status", "-probability"], name="reviewpair_queue_idx")]

    def __str__(self) -> str:
        return f"Possible duplicate {self.person_a_id} / {self.person_b_id}"
