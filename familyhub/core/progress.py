"""Progress for long work: a Job row for the browser, a tqdm bar for the terminal.

job = job_start(kind="import", title="Import people.csv", total=n, user=user)
for ... : job_advance(job, 1)
job_finish(job, message="Imported 950 people; 50 rows need correcting.")
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar

from django.db.models import F
from django.utils import timezone
from tqdm import tqdm

from familyhub.core.models import Job, JobStatus

T = TypeVar("T")


def job_start(*, kind: str, title: str, total: int = 0, user=None) -> Job:
    return Job.objects.create(kind=kind, title=title, total=total, created_by=user)


def job_running(job: Job, *, total: int | None = None) -> None:
    job.status = JobStatus.RUNNING
    if total is not None:
        job.total = total
    job.save(update_fields=["status", "total", "updated_at"])


def job_advance(job: Job, count: int = 1) -> None:
    Job.objects.filter(pk=job.pk).update(done=F("done") + count, updated_at=timezone.now())


def job_finish(job: Job, *, message: str = "", result_url: str = "", failed: bool = False) -> None:
    job.refresh_from_db()
    job.status = JobStatus.FAILED if failed else JobStatus.DONE
    job.message = message
    job.result_url = result_url
    if not failed:
        job.done = job.total
    job.save()


def terminal_progress(
    items: Iterable[T], *, total: int | None = None, desc: str = "", enabled: bool = True
) -> Iterator[T]:
    """A progress bar on stderr when a person is watching a terminal."""
    return iter(tqdm(items, total=total, desc=desc, disable=not enabled, unit=" rows", leave=False))
