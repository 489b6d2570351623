"""Background refresh of the outcome aggregates (django-tasks, database backend)."""

from __future__ import annotations

from django_tasks import task

from familyhub.core.models import Job
from familyhub.core.progress import job_advance, job_finish, job_running
from familyhub.outcomes.aggregation import refresh, steps


@task()
def refresh_outcomes(authority_id: int, job_id: int | None = None) -> int:
    """Recompute every indicator's values for the authority; advance the job if there is one."""
    from django.urls import reverse

    job = Job.objects.filter(pk=job_id).first() if job_id is not None else None
    if job is not None:
        job_running(job, total=steps())
    try:
        written = refresh(
            authority_id, advance=(lambda n: job_advance(job, n)) if job is not None else None
        )
    except Exception as error:  # the progress page must say it failed rather than spin
        if job is not None:
            job_finish(job, message=f"The refresh stopped: {error}", failed=True)
        raise
    if job is not None:
        job_finish(
            job,
            message=f"Outcome figures refreshed ({written} figures).",
            result_url=reverse("outcomes:index"),
        )
    return written
