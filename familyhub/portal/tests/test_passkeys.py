"""Passkeys' server side refusing what it must (the whole ceremony runs in Chromium in
test_passkeys_browser.py): anything but a passkey answer, an answer with no challenge issued or
one used twice, a credential nobody added, a staff account's passkey, another account's passkey
removed, and the pages a family account needs."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from familyhub.accounts.roles import Role
from familyhub.portal.models import Passkey

pytestmark = pytest.mark.django_db

FAKE = {
    "id": "AAAA",
    "rawId": "AAAA",
    "type": "public-key",
    "response": {
        "clientDataJSON": "e30",
        "authenticatorData": "AAAA",
        "signature": "AAAA",
        "userHandle": None,
    },
    "clientExtensionResults": {},
}


def _post(client, name, body):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(reverse(name), data=data, content_type="application/json")


@pytest.mark.parametrize("body", ["not json", "[]", json.dumps(FAKE), json.dumps({"id": 1})])
def test_a_sign_in_answer_that_is_not_a_passkey_of_ours_is_refused(body):
    client = Client()
    options = _post(client, "portal:passkey-sign-in-options", {})
    assert options.status_code == 200
    assert json.loads(options.content)["userVerification"] == "required"
    response = _post(client, "portal:passkey-sign-in", body)
    assert response.status_code == 400
    assert json.loads(response.content)["error"]
    assert "_auth_user_id" not in client.session


def test_an_answer_without_a_challenge_or_a_challenge_used_twice_is_refused():
    client = Client()
    first = _post(client, "portal:passkey-sign-in", FAKE)
    assert "too long" in json.loads(first.content)["error"]
    _post(client, "portal:passkey-sign-in-options", {})
    _post(client, "portal:passkey-sign-in", FAKE)
    again = _post(client, "portal:passkey-sign-in", FAKE)
    assert "too long" in json.loads(again.content)["error"]


def test_a_staff_accounts_credential_never_signs_in_on_the_family_side(make_user):
    staff = make_user(Role.HEALTH_VISITOR)
    Passkey.objects.create(
        account=staff, credential_id=b"\x00\x00\x00", public_key=b"k", name="not allowed"
    )
    client = Client()
    _post(client, "portal:passkey-sign-in-options", {})
    response = _post(client, "portal:passkey-sign-in", FAKE)  # rawId AAAA is b"\x00\x00\x00"
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_the_passkey_pages_need_a_family_account(client, family_sign_in, make_user):
    for name in ("portal:passkeys", "portal:passkey-options", "portal:passkey-add"):
        response = client.post(reverse(name))
        assert response.status_code == 302 and "/family/sign-in/" in response["Location"]
    family_sign_in(client)
    options = json.loads(_post(client, "portal:passkey-options", {}).content)
    assert options["authenticatorSelection"]["userVerification"] == "required"
    assert options["user"]["name"] == "jane@example.org"
    refused = _post(client, "portal:passkey-add", {"id": "x", "response": {}})
    assert refused.status_code == 400 and json.loads(refused.content)["error"]
    assert not Passkey.objects.exists()


def test_an_account_cannot_remove_another_accounts_passkey(client, family_sign_in, make_user):
    other = make_user(Role.FAMILY, username="someone@example.org")
    theirs = Passkey.objects.create(
        account=other, credential_id=b"\x01", public_key=b"k", name="theirs"
    )
    family_sign_in(client)
    response = client.post(reverse("portal:passkeys"), {"remove": str(theirs.public_id)})
    assert response.status_code == 404
    assert Passkey.objects.filter(pk=theirs.pk).exists()
    assert client.post(reverse("portal:passkeys"), {"remove": "not-a-uuid"}).status_code == 404
