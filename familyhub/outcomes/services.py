"""Writes of the outcomes part: only its own tables (aggregates, frameworks)."""

from __future__ import annotations

from familyhub.accounts.models import User
from familyhub.core.models import Job
from familyhub.core.progress import job_start
from familyhub.outcomes.tasks import refresh_outcomes
from familyhub.places.models import Authority


def outcomes_refresh_enqueue(*, authority: Authority, by: User) -> Job:
    """Start a background refresh with a job the progress page can watch."""

    job = job_start(kind="outcomes-refresh", title="Refresh outcome figures", user=by)
    refresh_outcomes.enqueue(authority.pk, job.pk)
    return job
