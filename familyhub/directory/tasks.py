"""Background work of the directory (django-tasks): an import of another directory's feed, and
the sync of the council's own services and sessions. Tasks take ids and call the part's code."""

from __future__ import annotations

from django_tasks import task

from familyhub.directory.importing import run_import
from familyhub.directory.models import ImportRun
from familyhub.directory.sync import sync_all
from familyhub.places.models import Authority


@task()
def import_feed(run_id: int) -> dict[str, int]:
    """Read and apply the run's feed; the run's page shows the report when it ends."""
    run = run_import(ImportRun.objects.select_related("feed").get(pk=run_id))
    return {
        "new": run.new_count,
        "updated": run.updated_count,
        "unchanged": run.unchanged_count,
        "withdrawn": run.withdrawn_count,
        "failed": run.failed_count,
    }


@task()
def sync_directory(authority_id: int | None = None) -> dict[str, int]:
    """Every council service and session series into the directory (nightly, after bulk loads)."""
    authority = Authority.objects.filter(pk=authority_id).first() if authority_id else None
    return sync_all(authority)
