"""An administrator registers a client in the admin: the secret is shown once and kept only as
a hash, and the service account must be a practitioner (or the IG lead), not an administrator."""

from __future__ import annotations

import pytest

from familyhub.accounts.roles import Role
from familyhub.fhir.models import ApiClient
from familyhub.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator(db):
    return factories.UserFactory(
        role=Role.ADMINISTRATOR, username="admin-fhir", is_staff=True, is_superuser=True
    )


def test_registering_a_client_shows_its_secret_once(client, signed_in, administrator, world):
    signed_in(client, administrator)
    account = world.clients["school nursing"].service_account
    response = client.post(
        "/admin/fhir/apiclient/add/",
        {
            "name": "School nursing system",
            "service_account": account.pk,
            "scopes": "patient/Patient.read  patient/Observation.read",
            "is_active": "on",
        },
        follow=True,
    )
    assert response.status_code == 200
    made = ApiClient.objects.get(name="School nursing system")
    shown = [str(m) for m in response.context["messages"]]
    assert any(made.client_id in text and "client_secret" in text for text in shown)
    secret = next(t for t in shown if made.client_id in t).split("client_secret ")[1].split(" ")[0]
    assert made.secret_matches(secret)
    assert secret not in made.secret_hash
    assert made.scopes == "patient/Patient.read patient/Observation.read"
    token = client.post(
        "/fhir/token",
        {"grant_type": "client_credentials", "client_id": made.client_id, "client_secret": secret},
    )
    assert token.status_code == 200
    # Saving again keeps the secret; the page never shows it again.
    again = client.post(
        f"/admin/fhir/apiclient/{made.pk}/change/",
        {
            "name": "School nursing system",
            "service_account": account.pk,
            "scopes": "patient/*.read",
            "is_active": "on",
        },
        follow=True,
    )
    assert not any("client_secret" in str(m) for m in again.context["messages"])
    made.refresh_from_db()
    assert made.secret_matches(secret)


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("scopes", "everything", "Scopes"),
        ("scopes", "patient/Nonsense.read", "Scopes"),
        ("service_account", None, "Service account"),
    ],
)
def test_bad_client_details_are_named(
    client, signed_in, administrator, world, field, value, message
):
    signed_in(client, administrator)
    data = {
        "name": "A system",
        "service_account": world.clients["school nursing"].service_account.pk,
        "scopes": "patient/*.read",
        "is_active": "on",
    }
    data[field] = administrator.pk if value is None else value
    response = client.post("/admin/fhir/apiclient/add/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ApiClient.objects.filter(name="A system").exists()


def test_issuing_a_new_secret_stops_the_old_one(client, signed_in, administrator, world):
    signed_in(client, administrator)
    named = world.clients["child health"]
    old = world.secrets["child health"]
    response = client.post(
        "/admin/fhir/apiclient/",
        {"action": "issue_new_secret", "_selected_action": [named.pk]},
        follow=True,
    )
    named.refresh_from_db()
    assert not named.secret_matches(old)
    text = next(str(m) for m in response.context["messages"] if named.client_id in str(m))
    assert named.secret_matches(text.split("client_secret ")[1].split(" ")[0])


def test_the_command_registers_a_client_and_checks_it_like_the_admin(world):
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    account = world.clients["school nursing"].service_account
    call_command(
        "fhir_client",
        name="Scripted",
        service_account=account.username,
        scopes="patient/Encounter.read",
        stdout=out,
    )
    lines = dict(line.split(" ", 1) for line in out.getvalue().splitlines())
    made = ApiClient.objects.get(client_id=lines["client_id"])
    assert made.secret_matches(lines["client_secret"]) and made.scopes == "patient/Encounter.read"
    with pytest.raises(CommandError, match="--scopes"):
        call_command("fhir_client", name="Bad", service_account=account.username, scopes="all")
    with pytest.raises(CommandError, match="--service-account"):
        call_command("fhir_client", name="Bad", service_account="nobody")
