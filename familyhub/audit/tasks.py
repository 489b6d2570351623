"""Background tasks of the access part (django-tasks, database backend)."""

from __future__ import annotations

from django_tasks import task

from familyhub.audit.checkpoints import write_checkpoint


@task()
def write_access_log_checkpoint() -> int:
    """Write a checkpoint of the access log's head outside the database (daily: see
    docs/ACCESS-LOG.md). Returns the row it recorded."""

    return write_checkpoint().seq
