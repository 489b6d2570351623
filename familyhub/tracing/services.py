"""Every write the tracing part's pages make: asking for traces (one person, or everyone without
a verified NHS number) and deciding reviews. Asking only queues a task (tracing.tasks); PDS is
called by the task (tracing.work), never while a page waits.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from familyhub.accounts.models import User
from familyhub.core.progress import job_start
from familyhub.people.models import NhsNumberStatus, Person, PersonImport
from familyhub.people.services import nhs_number_record_trace
from familyhub.places.models import Authority
from familyhub.tracing.models import (
    NumberReview,
    ReviewState,
    RunState,
    Trace,
    TraceRun,
    TraceState,
)
from familyhub.tracing.tasks import trace_batch, trace_person
from familyhub.tracing.work import needs_trace

# --- asking for traces (pages) -------------------------------------------------------------


@transaction.atomic
def trace_request(*, person: Person, by: User) -> Trace:
    """Queue a trace of one person. The page returns at once; the task asks PDS. A trace already
    waiting for this person is reused rather than queued twice."""
    waiting = Trace.objects.filter(
        person=person, state__in=[TraceState.QUEUED, TraceState.RETRYING]
    ).first()
    if waiting is not None:
        return waiting
    trace = Trace.objects.create(person=person, requested_by=by, register_number=person.nhs_number)
    # The database backend stores the task in this transaction: it runs once this commits.
    trace_person.enqueue(trace.pk)
    return trace


@transaction.atomic
def run_start(
    *, authority: Authority, by: User | None, person_import: PersonImport | None = None
) -> TraceRun:
    """Start the background trace of everyone without a verified NHS number (or of the people
    of one import)."""
    if TraceRun.objects.filter(
        authority=authority,
        person_import=person_import,
        state__in=[RunState.RUNNING, RunState.PAUSED],
    ).exists():
        raise ValidationError(
            {"run": ["A trace of these people is already running: wait for it to finish"]}
        )
    import_id = person_import.pk if person_import else None
    total = needs_trace(authority.pk, person_import_id=import_id).count()
    job = job_start(kind="nhs-trace", title="Trace NHS numbers with PDS", total=total, user=by)
    run = TraceRun.objects.create(
        authority=authority, started_by=by, job=job, total=total, person_import=person_import
    )
    trace_batch.enqueue(run.pk)
    return run


# --- reviews (pages) ---------------------------------------------------------------------


def _open(review: NumberReview) -> NumberReview:
    current = NumberReview.objects.select_related("person").get(pk=review.pk)
    if current.state != ReviewState.OPEN:
        raise ValidationError({"decision": ["Someone has already decided on this number"]})
    return current


@transaction.atomic
def review_accept(
    *, review: NumberReview, by: User, expected_version: int, note: str = ""
) -> NumberReview:
    """The practitioner agrees with PDS: its number replaces the register's, verified."""
    review = _open(review)
    nhs_number_record_trace(
        person=review.person,
        by=by,
        status=NhsNumberStatus.VERIFIED,
        nhs_number=review.pds_number,
        expected_version=expected_version,
        channel="page",
        purpose="Accept the NHS number PDS holds",
    )
    return _decide(review, by, ReviewState.ACCEPTED, note)


@transaction.atomic
def review_reject(
    *, review: NumberReview, by: User, expected_version: int, note: str
) -> NumberReview:
    """The practitioner keeps the register's number (it stays unverified), saying why."""
    if not note.strip():
        raise ValidationError({"note": ["Say why the register keeps its number"]})
    review = _open(review)
    nhs_number_record_trace(
        person=review.person,
        by=by,
        status=(NhsNumberStatus.NOT_TRACED if review.register_number else NhsNumberStatus.NO_MATCH),
        expected_version=expected_version,
        channel="page",
        purpose="Reject the NHS number PDS holds",
    )
    return _decide(review, by, ReviewState.REJECTED, note)


def _decide(review: NumberReview, by: User, state: str, note: str) -> NumberReview:
    updated = NumberReview.objects.filter(pk=review.pk, state=ReviewState.OPEN).update(
        state=state, decided_by=by, decided_at=timezone.now(), decision_note=note.strip()
    )
    if updated != 1:
        raise ValidationError({"decision": ["Someone has already decided on this number"]})
    review.refresh_from_db()
    return review
