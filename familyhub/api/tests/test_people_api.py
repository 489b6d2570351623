from __future__ import annotations

import re

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from familyhub.people.models import Person, Registration

pytestmark = pytest.mark.django_db


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


FAMILY = {
    "address": {"line1": "3 Elm Close", "postcode": "RM17 6AA"},
    "members": [
        {
            "role": "parent",
            "given_name": "Jade",
            "family_name": "Lee",
            "date_of_birth": "1992-05-01",
            "sex": "F",
            "relationship": "mother",
        },
        {
            "role": "child",
            "given_name": "Kai",
            "family_name": "Lee",
            "date_of_birth": "2021-02-03",
            "sex": "M",
        },
    ],
}


def test_anonymous_gets_401():
    client = APIClient()
    assert client.get("/api/people/search/", {"family_name": "Lee"}).status_code == 401
    assert client.post("/api/families/", FAMILY, format="json").status_code == 401


def test_search_returns_minimal_candidates(owner, registered_person):
    response = token_client(owner).get(
        "/api/people/search/",
        {
            "given_name": "Amelia",
            "family_name": "Okafor",
            "date_of_birth": registered_person.date_of_birth.isoformat(),
        },
    )
    assert response.status_code == 200
    [first] = response.json()
    assert first["public_id"] == str(registered_person.public_id)
    assert first["postcode_district"] == "RM17"
    assert set(first) == {
        "public_id",
        "name",
        "date_of_birth",
        "postcode_district",
        "household_size",
        "probability",
        "score",
        "fields",
    }


def test_search_bad_input_names_the_fields(owner):
    response = token_client(owner).get(
        "/api/people/search/",
        {
            "family_name": "Lee",
            "date_of_birth": "2999-01-01",
            "postcode": "nope",
            "nhs_number": "1234567890",
        },
    )
    assert response.status_code == 400
    assert {"date_of_birth", "postcode", "nhs_number"} <= set(response.json())


def test_register_family_then_read_a_person(owner, hub):
    client = token_client(owner)
    response = client.post("/api/families/", FAMILY, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert len(body["created"]) == 2
    assert Registration.objects.filter(service=hub.service).count() == 2
    detail = client.get(f"/api/people/{body['people'][1]}/")
    assert detail.status_code == 200
    assert detail.json()["given_name"] == "Kai"
    assert detail.json()["household"] == body["household"]


def test_register_family_bad_input_is_400_by_field(owner):
    bad = {
        "address": {"line1": "1", "postcode": "XX"},
        "members": [
            {
                "role": "child",
                "given_name": "Kai",
                "family_name": "Lee",
                "date_of_birth": "2999-01-01",
                "nhs_number": "1234567890",
            }
        ],
    }
    response = token_client(owner).post("/api/families/", bad, format="json")
    assert response.status_code == 400
    assert "postcode" in response.json()["address"]
    bad["address"]["postcode"] = "RM17 6AA"
    response = token_client(owner).post("/api/families/", bad, format="json")
    assert response.status_code == 400
    assert {"members[0].date_of_birth", "members[0].nhs_number"} <= set(response.json())
    assert not Person.objects.exists()


def test_register_family_possible_duplicate_is_409_then_reuse(owner, registered_person):
    family = {
        "members": [
            {
                "role": "child",
                "given_name": "Amelia",
                "family_name": "Okafor",
                "date_of_birth": registered_person.date_of_birth.isoformat(),
                "sex": "F",
            }
        ],
        "address": {"line1": "1 High St", "postcode": "RM17 5DQ"},
    }
    client = token_client(owner)
    response = client.post("/api/families/", family, format="json")
    assert response.status_code == 409
    candidates = response.json()["candidates"]["members[0]"]
    assert candidates[0]["public_id"] == str(registered_person.public_id)
    family["members"][0] = {"role": "child", "existing": candidates[0]["public_id"]}
    response = client.post("/api/families/", family, format="json")
    assert response.status_code == 201
    assert response.json()["reused"] == [str(registered_person.public_id)]
    assert Person.objects.count() == 1


@pytest.mark.parametrize("who,status", [("owner", 200), ("colleague", 200), ("outsider", 404)])
def test_person_detail_access(request, registered_person, who, status):
    user = request.getfixturevalue(who)
    assert (
        token_client(user).get(f"/api/people/{registered_person.public_id}/").status_code == status
    )


def test_commissioner_is_forbidden(make_user, registered_person):
    user = make_user("commissioner")
    assert token_client(user).get(f"/api/people/{registered_person.public_id}/").status_code == 403


def test_session_auth_works_too(client, signed_in, owner, registered_person):
    response = signed_in(client, owner).get(f"/api/people/{registered_person.public_id}/")
    assert response.status_code == 200


def test_schema_and_docs_without_cdn(client, signed_in, owner):
    schema = token_client(owner).get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/families/" in schema.content
    page = signed_in(client, owner).get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/api/people/search/" in html
    # No script, style or image from a CDN. (Not the bare letters "cdn": the page's random CSP
    # nonce sometimes holds them.)
    assert not re.search(r'(src|href)="(https?:)?//[^"]*(cdn|unpkg|jsdelivr)', html.lower())


def test_api_search_is_logged_on_the_api_channel(owner, registered_person):
    from familyhub.audit.models import AccessLog

    token_client(owner).get(
        "/api/people/search/",
        {"family_name": "Okafor", "date_of_birth": registered_person.date_of_birth.isoformat()},
    )
    assert AccessLog.objects.filter(
        person_pk=registered_person.pk, action="search", channel="api"
    ).exists()


def test_merged_person_redirects_to_the_survivor(owner, hub, registered_person):
    from familyhub.people.merging import person_merge
    from familyhub.people.tests.factories import RegistrationFactory
    from familyhub.testing.factories import PersonFactory

    duplicate = PersonFactory(authority=registered_person.authority)
    RegistrationFactory(person=duplicate, service=hub.service)
    person_merge(survivor=registered_person, duplicate=duplicate, by=owner, reason="same")
    response = token_client(owner).get(f"/api/people/{duplicate.public_id}/")
    assert response.status_code == 301
    assert str(registered_person.public_id) in response["Location"]
