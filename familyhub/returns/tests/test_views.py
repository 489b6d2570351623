"""The returns page as the commissioner/analyst: generate (a django-tasks task with progress),
the run's page (lawful basis, counts, failures by team naming the child and the field, links to
fix), the download (logged per person), marking as sent; nobody else gets in."""

from __future__ import annotations

from datetime import date

import pytest
from django_tasks_db.models import DBTaskResult

from familyhub.accounts.roles import Role
from familyhub.audit.models import AccessLog
from familyhub.childhealth.schedule import ReviewKind
from familyhub.core.models import Job, JobStatus
from familyhub.returns.models import ReturnRun, ReturnStatus
from familyhub.returns.tasks import generate_return

pytestmark = pytest.mark.django_db


@pytest.fixture
def bad_month(make_child, allocate, review):
    child = make_child(
        date_of_birth=date(2026, 9, 1), given_name="Nia", family_name="Nonumber", nhs_number=""
    )
    allocate(child, date(2026, 9, 2))
    review(child, ReviewKind.SIX_EIGHT_WEEK, date(2026, 11, 2), breastfeeding="partial")
    return child


def test_generating_enqueues_a_task_whose_job_reports_progress(
    client, signed_in, officer, bad_month, django_capture_on_commit_callbacks
):
    signed_in(client, officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/returns/", {"kind": "csds", "period": "2026-11"})
    run = ReturnRun.objects.get()
    assert response.status_code == 302 and str(run.job.public_id) in response["Location"]
    task = DBTaskResult.objects.get()
    assert task.args_kwargs["args"] == [run.pk]
    assert generate_return.call(run.pk) == 1
    job = Job.objects.get(pk=run.job_id)
    assert job.status == JobStatus.DONE and job.result_url == f"/returns/{run.public_id}/"


def test_a_bad_period_is_named_on_the_form(client, signed_in, officer):
    signed_in(client, officer)
    response = client.post("/returns/", {"kind": "cin", "period": "2026-11"})
    assert response.status_code == 200
    assert "Enter the period as a financial year, for example 2026/27" in response.content.decode()
    assert not ReturnRun.objects.exists()


def test_the_run_page_lists_failures_by_team_and_logs_who_it_names(
    client, signed_in, officer, bad_month, generate, hv_team
):
    run = generate("csds", "2026-11")
    signed_in(client, officer)
    before = AccessLog.objects.filter(user_id=officer.pk, channel="page").count()
    page = client.get(f"/returns/{run.public_id}/").content.decode()
    assert "Lawful basis" in page and "section 259(1)(a)" in page
    assert "Health visiting North" in page and "Nia Nonumber" in page
    assert "CYP001MPI.<wbr>NHSNumber" in page
    assert f"/people/{bad_month.public_id}/edit/" in page
    assert "Ola Officer" in page  # who generated it
    shown = AccessLog.objects.filter(user_id=officer.pk, channel="page")
    assert shown.count() == before + 1
    assert shown.latest("seq").person_pk == bad_month.pk
    assert client.get(f"/returns/{run.public_id}/?team={hv_team.pk}").status_code == 200


def test_the_download_logs_every_person_in_the_file(
    client, signed_in, officer, bad_month, generate
):
    run = generate("csds", "2026-11")
    signed_in(client, officer)
    response = client.get(f"/returns/{run.public_id}/file/")
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == f'attachment; filename="{run.file_name}"'
    assert AccessLog.objects.filter(
        user_id=officer.pk, purpose__startswith="Download", person_pk=bad_month.pk
    ).exists()


def test_marking_sent_needs_a_validated_return(client, signed_in, officer, bad_month, generate):
    run = generate("csds", "2026-11")
    signed_in(client, officer)
    client.post(f"/returns/{run.public_id}/sent/", {"version": run.version})
    run.refresh_from_db()
    assert run.status == ReturnStatus.DRAFT
    type(bad_month).objects.filter(pk=bad_month.pk).update(nhs_number="9434765919")
    run = generate("csds", "2026-11")
    client.post(f"/returns/{run.public_id}/sent/", {"version": run.version})
    run.refresh_from_db()
    assert (run.status, run.sent_by) == (ReturnStatus.SENT, officer)


@pytest.mark.parametrize(
    "role", [Role.HEALTH_VISITOR, Role.SERVICE_MANAGER, Role.IG_LEAD, Role.ADMINISTRATOR]
)
def test_nobody_else_opens_the_returns(client, signed_in, make_user, role, bad_month, generate):
    run = generate("csds", "2026-11")
    signed_in(client, make_user(role))
    assert client.get("/returns/").status_code == 403
    assert client.get(f"/returns/{run.public_id}/").status_code == 403
    assert client.get(f"/returns/{run.public_id}/file/").status_code == 403
