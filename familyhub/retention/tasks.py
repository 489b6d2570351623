"""Retention's background work (django-tasks, database backend): the nightly listing."""

from __future__ import annotations

from django_tasks import task

from familyhub.retention.models import BatchStatus, DestructionBatch, ItemOutcome
from familyhub.retention.services import destroy_approved, list_due


def finish_interrupted() -> int:
    """Destroy what an approved batch still lists (a worker stopped part-way): each person's
    destruction is its own transaction, so what is left is whole people, never half of one."""
    finished = 0
    for batch in DestructionBatch.objects.filter(
        status=BatchStatus.APPROVED, items__outcome=ItemOutcome.LISTED
    ).distinct():
        destroy_approved(batch, channel="task")
        finished += 1
    return finished


@task()
def list_records_due_for_destruction() -> int:
    """Nightly: finish any approved batch left part-way, then list what has fallen due for the
    information governance lead (one batch per council). Returns how many records it listed."""
    finish_interrupted()
    return sum(batch.items.count() for batch in list_due())
