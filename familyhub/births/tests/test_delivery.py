"""The two doors: the MESH client's folder and the HTTP endpoint, into one store."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from familyhub.births import generator, mesh
from familyhub.births.models import MessageStatus, ReceivedMessage
from familyhub.people.models import Person

pytestmark = pytest.mark.django_db

TOKEN = "a-system-credential-of-at-least-thirty-two-characters"


@pytest.fixture
def inbox(tmp_path, settings):
    folder = tmp_path / "mesh-in"
    folder.mkdir()
    settings.FAMILYHUB_MESH_INBOX_DIR = folder
    return folder


def test_the_folder_is_read_applied_and_moved_aside_never_deleted(inbox, register_mother, rng):
    _, details = register_mother()
    raw, number = generator.birth_for(details, rng)
    (inbox / "0001.dat").write_bytes(raw)
    (inbox / "0001.ctl").write_text(
        "<DTSControl><WorkflowId>BIRTHNOTIFICATION_1</WorkflowId></DTSControl>"
    )
    (inbox / "0002.dat").write_bytes(generator.broken_message("not_json", rng=rng))
    (inbox / "0003.dat.part").write_bytes(b"half written")

    run = mesh.read_folder()

    assert run.stored == 2 and run.moved == 2
    assert Person.objects.filter(nhs_number=number).exists()
    assert (inbox / "processed" / "0001.dat").read_bytes() == raw
    assert (inbox / "processed" / "0001.ctl").exists()
    assert (inbox / "processed" / "0002.dat").exists()  # queued, but stored: moved aside
    assert (inbox / "0003.dat.part").exists()  # still being written: left alone
    assert ReceivedMessage.objects.get(filename="0002.dat").status == MessageStatus.QUEUED


def test_a_file_read_again_after_a_crash_is_not_applied_twice(inbox, register_mother, rng):
    _, details = register_mother()
    raw, number = generator.birth_for(details, rng)
    (inbox / "0001.dat").write_bytes(raw)
    mesh.read_folder()
    # As if the move had not happened: the same file is there again.
    (inbox / "0001.dat").write_bytes(raw)

    run = mesh.read_folder()

    assert run.stored == 0 and run.already_stored == 1 and run.moved == 1
    assert Person.objects.filter(nhs_number=number).count() == 1
    assert ReceivedMessage.objects.count() == 1


def test_the_command_reads_the_folder(inbox, register_mother, rng, capsys):
    _, details = register_mother()
    raw, number = generator.birth_for(details, rng)
    (inbox / "b.json").write_bytes(raw)
    call_command("births_read")
    assert "1 new files stored" in capsys.readouterr().out
    assert Person.objects.filter(nhs_number=number).exists()


def test_the_task_reads_the_folder(inbox, register_mother, rng):
    from familyhub.births.tasks import read_births

    _, details = register_mother()
    raw, number = generator.birth_for(details, rng)
    (inbox / "b.json").write_bytes(raw)
    counts = read_births.call()
    assert counts["applied"] == 1 and counts["files_moved"] == 1


# --- the HTTP endpoint -------------------------------------------------------------------------


def test_the_endpoint_refuses_a_request_without_the_credential(client, settings, authority):
    settings.FAMILYHUB_BIRTHS_ENDPOINT_TOKEN = TOKEN
    url = reverse("births:receive")
    for headers in ({}, {"HTTP_AUTHORIZATION": "Bearer wrong"}, {"HTTP_AUTHORIZATION": TOKEN}):
        response = client.post(url, data=b"{}", content_type="application/fhir+json", **headers)
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")
    assert not ReceivedMessage.objects.exists()


def test_the_endpoint_refuses_everyone_when_no_credential_is_configured(
    client, settings, authority
):
    settings.FAMILYHUB_BIRTHS_ENDPOINT_TOKEN = ""
    response = client.post(
        reverse("births:receive"),
        data=b"{}",
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer ",
    )
    assert response.status_code == 401


def test_a_staff_session_is_not_the_credential(client, settings, signed_in, team_leader):
    settings.FAMILYHUB_BIRTHS_ENDPOINT_TOKEN = TOKEN
    signed_in(client, team_leader)
    response = client.post(reverse("births:receive"), data=b"{}", content_type="application/json")
    assert response.status_code == 401


def test_the_endpoint_stores_once_and_the_task_applies(client, settings, register_mother, rng):
    from django_tasks_db.models import DBTaskResult

    from familyhub.births import services

    settings.FAMILYHUB_BIRTHS_ENDPOINT_TOKEN = TOKEN
    _, details = register_mother()
    raw, number = generator.birth_for(details, rng)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}

    first = client.post(
        reverse("births:receive"), data=raw, content_type="application/fhir+json", **auth
    )
    again = client.post(
        reverse("births:receive"), data=raw, content_type="application/fhir+json", **auth
    )

    assert first.status_code == 202 and first.json()["stored"] is True
    assert again.status_code == 200 and again.json()["stored"] is False
    assert ReceivedMessage.objects.count() == 1
    assert DBTaskResult.objects.filter(task_path__endswith="apply_received").count() == 1
    services.process_pending()
    assert Person.objects.filter(nhs_number=number).count() == 1
