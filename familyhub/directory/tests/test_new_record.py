"""An editor adds a service from scratch: who runs it, where, what it helps with; families then
find it near them. Bad input is named by field and nothing is half-saved."""

from __future__ import annotations

import pytest
from django.test import Client

from familyhub.directory.models import DirectoryService, Organization, Origin, ServiceAtLocation

pytestmark = pytest.mark.django_db

GOOD = {
    "name": "Chadwell Baby Bank",
    "organization": "Chadwell Community Trust",
    "description": "Clothes, prams and cots for babies, free, by referral or drop in.",
    "address_1": "2 Chapel Street",
    "city": "Grays",
    "postal_code": "rm18 7ab",
    "status": "active",
    "needs": ["food"],
    "checked": "on",
}


def test_an_editor_adds_a_service_that_families_then_find_near_them(world, signed_in):
    client = signed_in(Client(), world.editor)
    assert (
        'href="/directory/editors/records/new/"'
        in client.get("/directory/editors/").content.decode()
    )
    response = client.post("/directory/editors/records/new/", GOOD)
    entry = DirectoryService.objects.get(name="Chadwell Baby Bank")
    assert response.status_code == 302
    assert response["Location"] == f"/directory/editors/records/{entry.oruk_id}/"
    assert entry.origin == Origin.EDITOR and entry.authority == world.authority
    assert entry.organization.name == "Chadwell Community Trust"
    assert entry.assured_date is not None  # the editor ticked "checked today"
    location = ServiceAtLocation.objects.get(service=entry).location
    assert (location.postal_code, location.latitude) == ("RM18 7AB", 51.4630)
    found = Client().get("/directory/", {"need": "food", "postcode": "RM17 5DQ"})
    assert "Chadwell Baby Bank" in [f.service.name for f in found.context["results"].found]
    # The same organisation again is the same organisation, whatever its capitals.
    client.post(
        "/directory/editors/records/new/",
        {**GOOD, "name": "Chadwell Toy Library", "organization": "chadwell community trust"},
    )
    assert Organization.objects.filter(name__iexact="Chadwell Community Trust").count() == 1


def test_an_online_service_needs_no_address(world, signed_in):
    client = signed_in(Client(), world.editor)
    fields = {**GOOD, "name": "Parent helpline", "address_1": "", "city": "", "postal_code": ""}
    assert client.post("/directory/editors/records/new/", fields).status_code == 302
    location = ServiceAtLocation.objects.get(service__name="Parent helpline").location
    assert location.location_type == "virtual" and location.latitude is None


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"name": ""}, "name", "Enter"),
        ({"organization": "  "}, "organization", "Enter who runs the service"),
        ({"postal_code": "ZZ99 9ZZ"}, "postal_code", "could not find that postcode"),
        ({"postal_code": "NOT A PC"}, "postal_code", "Enter a real postcode"),
        ({"postal_code": ""}, "postal_code", "Enter the postcode of the address"),
        ({"minimum_age": "9", "maximum_age": "3"}, "maximum_age", "Oldest age must be"),
        ({"url": "not a web address"}, "url", ""),
    ],
)
def test_bad_input_is_named_and_nothing_is_saved(world, signed_in, change, field, message):
    client = signed_in(Client(), world.editor)
    before = DirectoryService.objects.count(), Organization.objects.count()
    response = client.post("/directory/editors/records/new/", {**GOOD, **change})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert (DirectoryService.objects.count(), Organization.objects.count()) == before
    assert GOOD["description"] in response.content.decode()  # what was typed is kept


def test_a_practitioner_may_not_add_to_the_directory(world, signed_in):
    client = signed_in(Client(), world.worker)
    assert client.get("/directory/editors/records/new/").status_code == 403
    assert client.post("/directory/editors/records/new/", GOOD).status_code == 403
    assert not DirectoryService.objects.filter(name=GOOD["name"]).exists()
