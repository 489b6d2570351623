"""Background work of the births part (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from familyhub.births import mesh, services


@task()
def read_births() -> dict[str, int]:
    """Read the MESH inbox folder and apply every stored message still waiting (including those
    the HTTP endpoint received). Run it every few minutes from the council's scheduler
    (`familyhub births-read --enqueue`), and the endpoint enqueues it on each message."""
    run = mesh.read_folder()
    counts = dict(run.statuses)
    for status, count in services.process_pending().items():
        counts[status] = counts.get(status, 0) + count
    counts["files_stored"] = run.stored
    counts["files_moved"] = run.moved
    return counts


@task()
def apply_received() -> dict[str, int]:
    """Apply the messages stored but not yet applied (the HTTP endpoint enqueues this)."""
    return services.process_pending()
