"""NHS number tracing: what was asked of the Personal Demographics Service, what it answered, and
the differing numbers a practitioner must decide on.

The register's own fields (Person.nhs_number and nhs_number_status) change only through
people.services; these tables keep the trace itself, so a page can say when a number was traced,
by what, with what answer, and why it was not applied.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from familyhub.people.models import Person
from familyhub.places.models import Authority


class TraceState(models.TextChoices):
    QUEUED = "queued", "Waiting to be traced"
    RETRYING = "retrying", "The Personal Demographics Service could not answer: will try again"
    MATCHED = "matched", "Traced: the NHS number is verified"
    FILLED = "filled", "Traced: an NHS number was found and recorded"
    REVIEW = "review", "Traced: PDS holds a different NHS number (waiting for review)"
    NO_MATCH = "no_match", "Traced: no match"
    MULTIPLE = "multiple", "Traced: more than one match (PDS returns none)"
    NOT_ENOUGH = "not_enough", "Not traced: a family name and date of birth are needed"
    FAILED = "failed", "Not traced: the Personal Demographics Service could not be reached"


DONE_STATES = frozenset(
    {
        TraceState.MATCHED,
        TraceState.FILLED,
        TraceState.REVIEW,
        TraceState.NO_MATCH,
        TraceState.MULTIPLE,
        TraceState.NOT_ENOUGH,
        TraceState.FAILED,
    }
)


class Trace(models.Model):
    """One request to trace one person's NHS number, and its answer. A single trace (from a
    person's page) retries itself; a batch run's traces are retried by the run."""

    # A trace is about the record it was made for; a merge moves it with the person.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="nhs_traces")
    run = models.ForeignKey(
        "tracing.TraceRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="traces"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    state = models.CharField(max_length=12, choices=TraceState.choices, default=TraceState.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_try_at = models.DateTimeField(null=True, blank=True)
    # The register's number when the trace ran, and what PDS answered.
    register_number = models.CharField(max_length=10, blank=True)
    pds_number = models.CharField(max_length=10, blank=True)
    # PDS's own NHS NUMBER STATUS INDICATOR for the number it returned ("01" verified).
    pds_verification = models.CharField(max_length=2, blank=True)
    score = models.FloatField(null=True, blank=True)
    how = models.CharField(max_length=40, blank=True, help_text="retrieve, search, fuzzy search")
    detail = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["person", "-created_at"], name="trace_person_idx")]

    @property
    def is_done(self) -> bool:
        return self.state in DONE_STATES


class RunState(models.TextChoices):
    RUNNING = "running", "Tracing"
    PAUSED = "paused", "Paused: the Personal Demographics Service asked us to wait"
    DONE = "done", "Finished"
    FAILED = "failed", "Stopped: the Personal Demographics Service could not be reached"


class TraceRun(models.Model):
    """A background trace of everyone in a council without a verified NHS number, in batches.
    `cursor` is the last person done, so a run that stops (a worker restart, PDS refusing) picks
    up where it was."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="+")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    job = models.ForeignKey(
        "core.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A run for the people of one import (offered on its result page); none: everyone.
    person_import = models.ForeignKey(
        "people.PersonImport", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    state = models.CharField(max_length=10, choices=RunState.choices, default=RunState.RUNNING)
    cursor = models.PositiveBigIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    failures = models.PositiveSmallIntegerField(default=0, help_text="PDS failures in a row")
    detail = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]


class ReviewState(models.TextChoices):
    OPEN = "open", "Waiting for a decision"
    ACCEPTED = "accepted", "Accepted: the register now holds PDS's number"
    REJECTED = "rejected", "Rejected: the register keeps its number"


class NumberReview(models.Model):
    """A trace that found a number different from the one a practitioner entered: nothing is
    changed until a practitioner accepts (PDS's number replaces it) or rejects (with a reason)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="nhs_reviews")
    trace = models.OneToOneField(Trace, on_delete=models.CASCADE, related_name="review")
    register_number = models.CharField(max_length=10, blank=True)
    pds_number = models.CharField(max_length=10)
    reason = models.CharField(max_length=200, help_text="Why the trace could not apply it")
    state = models.CharField(max_length=10, choices=ReviewState.choices, default=ReviewState.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            # One open question per person: a newer trace updates it rather than adding another.
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(state="open"),
                name="numberreview_one_open_per_person",
            )
        ]
