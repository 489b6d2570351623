"""Background NHS number tracing (django-tasks, database backend).

trace_person(trace_id): one person's trace, asked for on their page. When PDS cannot answer
(time-out, refused, rate-limited, 5xx) the trace records why and enqueues itself again to run
after a back-off (tracing.work.backoff), until FAMILYHUB_PDS_MAX_ATTEMPTS.

trace_batch(run_id): everyone in a council without a verified NHS number, FAMILYHUB_PDS_BATCH_SIZE
people a task, in the order of their ids after the run's cursor. Each batch enqueues the next, so a
run is resumable: a worker restart or a PDS failure leaves the cursor at the last person done,
and the same task picks up from there. When PDS fails the run pauses (the same person is tried
again after the back-off) and stops after FAMILYHUB_PDS_MAX_ATTEMPTS failures in a row.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from familyhub.core.models import Job
from familyhub.core.progress import job_advance, job_finish, job_running
from familyhub.tracing.models import RunState, Trace, TraceRun, TraceState
from familyhub.tracing.pds import PdsClient, PdsUnavailable
from familyhub.tracing.work import ask_pds, backoff, needs_trace, trace_apply, trace_failed


@task()
def trace_person(trace_id: int) -> str:
    """Trace one person; returns the trace's state."""
    trace = Trace.objects.select_related("person").filter(pk=trace_id).first()
    if trace is None or trace.is_done:
        return trace.state if trace else "gone"
    asked = trace.person.nhs_number
    try:
        found = ask_pds(PdsClient(), trace.person, by=trace.requested_by)
    except PdsUnavailable as error:
        final = trace.attempts + 1 >= settings.FAMILYHUB_PDS_MAX_ATTEMPTS
        trace = trace_failed(trace, error, final=final)
        if not final and trace.next_try_at is not None:
            trace_person.using(run_after=trace.next_try_at).enqueue(trace.pk)
        return trace.state
    return trace_apply(trace, found, by=trace.requested_by, asked_number=asked).state


@task()
def trace_batch(run_id: int) -> str:
    """Trace the next batch of a run; enqueue the next batch, or a retry after a back-off."""
    run = TraceRun.objects.select_related("started_by").filter(pk=run_id).first()
    if run is None or run.state in (RunState.DONE, RunState.FAILED):
        return run.state if run else "gone"
    job = Job.objects.filter(pk=run.job_id).first() if run.job_id else None
    if job is not None and run.done == 0:
        job_running(job, total=run.total)
    people = list(
        needs_trace(run.authority_id)
        .filter(pk__gt=run.cursor)
        .order_by("pk")[: settings.FAMILYHUB_PDS_BATCH_SIZE]
    )
    if not people:
        return _finish(run, job)
    client = PdsClient()
    for person in people:
        trace = _trace_of(run, person)
        try:
            found = ask_pds(client, person, by=run.started_by)
        except PdsUnavailable as error:
            return _pause(run, trace, error)
        trace_apply(trace, found, by=run.started_by, asked_number=person.nhs_number)
        TraceRun.objects.filter(pk=run.pk).update(
            cursor=person.pk, done=run.done + 1, failures=0, state=RunState.RUNNING, detail=""
        )
        run.refresh_from_db()
        if job is not None:
            job_advance(job, 1)
    trace_batch.enqueue(run.pk)
    return run.state


def _trace_of(run: TraceRun, person) -> Trace:
    """The run's trace of this person: the one that failed last time, or a new one."""
    waiting = Trace.objects.filter(
        run=run, person=person, state__in=[TraceState.QUEUED, TraceState.RETRYING]
    ).first()
    return waiting or Trace.objects.create(
        person=person, run=run, requested_by=run.started_by, register_number=person.nhs_number
    )


def _pause(run: TraceRun, trace: Trace, error: PdsUnavailable) -> str:
    failures = run.failures + 1
    final = failures >= settings.FAMILYHUB_PDS_MAX_ATTEMPTS
    trace_failed(trace, error, final=final)
    wait = backoff(failures, error.retry_after)
    TraceRun.objects.filter(pk=run.pk).update(
        failures=failures,
        state=RunState.FAILED if final else RunState.PAUSED,
        detail=str(error)[:300],
        finished_at=timezone.now() if final else None,
    )
    if final:
        job = Job.objects.filter(pk=run.job_id).first() if run.job_id else None
        if job is not None:
            job_finish(job, message=f"Tracing stopped: {error}", failed=True)
        return RunState.FAILED
    trace_batch.using(run_after=timezone.now() + wait).enqueue(run.pk)
    return RunState.PAUSED


def _finish(run: TraceRun, job: Job | None) -> str:
    from django.urls import reverse  # the URLconf is loaded after the task modules

    TraceRun.objects.filter(pk=run.pk).update(state=RunState.DONE, finished_at=timezone.now())
    if job is not None:
        job_finish(
            job,
            message=f"Traced {run.done} people with the Personal Demographics Service.",
            result_url=reverse("tracing:index"),
        )
    return RunState.DONE
