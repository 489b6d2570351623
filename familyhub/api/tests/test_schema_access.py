"""The API's schema and documentation page need sign-in unless FAMILYHUB_PUBLIC_API_SCHEMA."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from familyhub.accounts.roles import Role

pytestmark = pytest.mark.django_db


def test_the_schema_needs_sign_in(client):
    response = client.get("/api/schema/")
    assert response.status_code in (401, 403)
    assert b"/api/families/" not in response.content


def test_the_docs_page_needs_sign_in(client):
    response = client.get("/api/docs/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign-in"))


def test_a_partner_system_fetches_the_schema_with_its_token(make_user):
    user = make_user(Role.HEALTH_VISITOR)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/families/" in response.content


def test_the_docs_page_link_to_the_schema_works_for_a_signed_in_person(
    client, make_user, signed_in
):
    signed_in(client, make_user(Role.RECEPTION))
    assert client.get("/api/docs/").status_code == 200
    assert client.get("/api/schema/").status_code == 200


def test_a_council_can_publish_the_schema_and_docs(client, settings):
    settings.FAMILYHUB_PUBLIC_API_SCHEMA = True
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/families/" in schema.content
    assert client.get("/api/docs/").status_code == 200


def test_the_schema_is_private_by_default():
    from familyhub import settings as defaults

    assert defaults.FAMILYHUB_PUBLIC_API_SCHEMA is False
