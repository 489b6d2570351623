"""/healthz: what a load balancer asks before it sends an instance traffic."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.db import OperationalError
from django.test import Client, override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from familyhub.core import health

pytestmark = pytest.mark.django_db


def _task(**fields) -> DBTaskResult:
    fields.setdefault("run_after", get_date_max())
    return DBTaskResult.objects.create(
        task_path="familyhub.audit.tasks.write_access_log_checkpoint",
        args_kwargs={"args": [], "kwargs": {}},
        backend_name="default",
        queue_name="default",
        **fields,
    )


def _queued_ago(task: DBTaskResult, minutes: int) -> None:
    DBTaskResult.objects.filter(pk=task.pk).update(
        enqueued_at=timezone.now() - timedelta(minutes=minutes)
    )


def test_healthy_instance_answers_200_without_sign_in(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "tasks", "disk"}
    assert all(check["ok"] for check in body["checks"].values())
    assert body["checks"]["tasks"]["waiting"] == 0
    assert set(body["checks"]["disk"]["free_mb"]) == {"data", "uploads", "checkpoints"}
    assert "sessionid" not in response.cookies


def test_a_task_waiting_too_long_makes_it_unhealthy(client, settings):
    settings.FAMILYHUB_HEALTH_MAX_TASK_WAIT_SECONDS = 600
    _queued_ago(_task(), minutes=5)
    assert client.get("/healthz").status_code == 200

    _queued_ago(_task(), minutes=20)
    response = client.get("/healthz")

    assert response.status_code == 503
    tasks = response.json()["checks"]["tasks"]
    assert tasks["ok"] is False and tasks["waiting"] == 2
    assert 1190 <= tasks["oldest_wait_seconds"] <= 1230
    assert "task worker" in tasks["error"]


def test_only_tasks_ready_to_run_count(client, settings):
    settings.FAMILYHUB_HEALTH_MAX_TASK_WAIT_SECONDS = 60
    later = _task(run_after=timezone.now() + timedelta(hours=1))  # scheduled: not waiting yet
    done = _task(status="SUCCESSFUL")
    _queued_ago(later, minutes=30)
    _queued_ago(done, minutes=30)
    assert client.get("/healthz").json()["checks"]["tasks"]["waiting"] == 0

    # A scheduled task waits from the time it was due, not from when it was queued.
    due = _task(run_after=timezone.now() - timedelta(minutes=10))
    _queued_ago(due, minutes=60)
    tasks = client.get("/healthz").json()["checks"]["tasks"]
    assert tasks["waiting"] == 1 and 590 <= tasks["oldest_wait_seconds"] <= 630


def test_low_disk_makes_it_unhealthy(client, settings):
    settings.FAMILYHUB_HEALTH_MIN_FREE_MB = 10**12

    response = client.get("/healthz")

    assert response.status_code == 503
    disk = response.json()["checks"]["disk"]
    assert disk["ok"] is False and "less free space" in disk["error"]


def test_no_database_makes_it_unhealthy(client, monkeypatch):
    class Unreachable:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr(health, "connection", Unreachable())

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unhealthy"
    assert body["checks"]["database"] == {
        "ok": False,
        "error": "the database did not answer (OperationalError)",
    }
    assert body["checks"]["tasks"]["ok"] is False


@override_settings(SECURE_SSL_REDIRECT=True)
def test_plain_http_probe_is_answered_not_redirected():
    client = Client()
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 301  # everything else still goes to HTTPS


def test_only_reads_are_allowed(client):
    assert client.post("/healthz").status_code == 405
    assert client.head("/healthz").status_code == 200


def test_says_nothing_about_anyone(client, make_user):
    from familyhub.testing import factories

    person = factories.PersonFactory(given_name="Zebedee", family_name="Quennell")
    make_user("practitioner", username="healthcheck-user")

    text = json.dumps(client.get("/healthz").json())

    for word in ("Zebedee", "Quennell", str(person.public_id), "healthcheck-user"):
        assert word not in text
