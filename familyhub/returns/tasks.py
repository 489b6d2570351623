"""Background generation of a return (django-tasks, database backend), with progress."""

from __future__ import annotations

from django.urls import reverse
from django_tasks import task

from familyhub.core.progress import job_advance, job_finish, job_running
from familyhub.returns import services
from familyhub.returns.models import ReturnRun


@task()
def generate_return(run_id: int) -> int:
    """Generate one return; the run's job shows how far it has got and where to go after."""
    run = ReturnRun.objects.select_related("job").get(pk=run_id)
    job = run.job
    if job is not None:
        job_running(job, total=services.steps(run))
    try:
        run = services.return_generate(
            run, advance=(lambda n: job_advance(job, n)) if job is not None else None
        )
    except Exception as error:  # the progress page must say it failed rather than spin
        services.return_failed(run, error)
        if job is not None:
            job_finish(job, message=f"The return stopped: {error}", failed=True)
        raise
    if job is not None:
        job_finish(
            job,
            message=f"{run} generated: {run.failure_count} failures to fix.",
            result_url=reverse("returns:run", args=[run.public_id]),
        )
    return run.failure_count
