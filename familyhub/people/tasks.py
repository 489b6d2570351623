"""Background work of the people part (django-tasks): tasks take ids and call services."""

from __future__ import annotations

from django_tasks import task

from familyhub.accounts.models import User
from familyhub.core.models import Job
from familyhub.core.progress import job_advance, job_finish, job_running
from familyhub.people.importing import run_import
from familyhub.people.models import ImportStatus, PersonImport
from familyhub.people.selectors import registering_team


@task()
def import_people(person_import_id: int, job_id: int, user_id: int | None) -> None:
    """Import the good rows of a checked file, advancing the job the progress page watches."""
    from django.urls import reverse

    person_import = PersonImport.objects.get(pk=person_import_id)
    job = Job.objects.get(pk=job_id)
    user = User.objects.filter(pk=user_id).first() if user_id is not None else None
    team = registering_team(user) if user else None
    job_running(job, total=max(0, len(person_import.rows) - 1 - len(person_import.bad_rows)))
    try:
        run_import(
            person_import,
            by=user,
            team=team,
            advance=lambda n: job_advance(job, n),
        )
    except Exception as error:  # the page must say it failed rather than spin for ever
        PersonImport.objects.filter(pk=person_import.pk).update(status=ImportStatus.FAILED)
        job_finish(job, message=f"The import stopped: {error}", failed=True)
        raise
    job_finish(
        job,
        message=(
            f"Imported {person_import.created_count} new people and linked "
            f"{person_import.linked_count} already registered; "
            f"{len(person_import.bad_rows)} rows need correcting."
        ),
        result_url=reverse("people:import-result", args=[person_import.public_id]),
    )
