from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from familyhub.accounts.models import User
from familyhub.accounts.roles import Role
from familyhub.portal import signin
from familyhub.portal.messages import MemorySmsSender
from familyhub.portal.models import SignInCode
from familyhub.portal.tests.conftest import last_code

pytestmark = pytest.mark.django_db


def test_sign_up_by_email_makes_a_family_account_with_no_password(client, door):
    response = client.post(reverse("portal:sign-in"), {"identifier": " Jane@Example.org "})
    assert response.status_code == 302 and response.url == reverse("portal:code")
    assert mail.outbox[-1].to == ["jane@example.org"]
    assert not User.objects.filter(username="jane@example.org").exists()  # made on first use
    response = client.post(reverse("portal:code"), {"code": last_code()})
    assert response.status_code == 302 and response.url == reverse("portal:home")
    user = User.objects.get(username="jane@example.org")
    assert user.role == Role.FAMILY and not user.has_usable_password()
    assert client.get(reverse("portal:home")).status_code == 200


def test_sign_up_by_mobile_sends_a_text_through_the_chosen_sender(client, door):
    client.post(reverse("portal:sign-in"), {"identifier": "07700 900982"})
    assert MemorySmsSender.outbox[-1][0] == "+447700900982"
    client.post(reverse("portal:code"), {"code": last_code()})
    assert User.objects.get(username="+447700900982").phone == "+447700900982"


def test_the_code_is_kept_only_as_a_hash_and_works_once(client, door):
    client.post(reverse("portal:sign-in"), {"identifier": "jane@example.org"})
    code = last_code()
    row = SignInCode.objects.get()
    assert code not in row.code_hash
    client.post(reverse("portal:code"), {"code": code})
    client.post(reverse("portal:sign-out"))
    client.post(reverse("portal:sign-in"), {"identifier": "someone@example.org"})
    session = client.session
    session["portal_identifier"] = "jane@example.org"
    session.save()
    response = client.post(reverse("portal:code"), {"code": code})
    assert response.status_code == 200 and b"The code is wrong or has run out" in response.content


def test_an_expired_code_is_refused(client, door):
    client.post(reverse("portal:sign-in"), {"identifier": "jane@example.org"})
    SignInCode.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = client.post(reverse("portal:code"), {"code": last_code()})
    assert b"The code is wrong or has run out" in response.content
    assert "_auth_user_id" not in client.session


def test_a_new_code_replaces_the_last(client, door):
    client.post(reverse("portal:sign-in"), {"identifier": "jane@example.org"})
    first = last_code()
    client.post(reverse("portal:sign-in"), {"identifier": "jane@example.org"})
    second = last_code()
    if first != second:
        assert b"wrong" in client.post(reverse("portal:code"), {"code": first}).content
    assert client.post(reverse("portal:code"), {"code": second}).status_code == 302


@pytest.mark.parametrize(
    "typed, message",
    [
        ("", b"Enter your email address or mobile phone number"),
        ("jane@", b"Enter an email address in the right format"),
        ("01375 123456", b"Enter a UK mobile phone number"),
    ],
)
def test_bad_identifiers_are_named(client, door, typed, message):
    response = client.post(reverse("portal:sign-in"), {"identifier": typed})
    assert response.status_code == 200 and message in response.content
    assert b"govuk-error-summary" in response.content


def test_sending_codes_is_throttled_per_address_or_number(client, door, settings):
    settings.FAMILYHUB_FAMILY_CODES_PER_HOUR = 3
    for _ in range(3):
        assert (
            client.post(reverse("portal:sign-in"), {"identifier": "a@example.org"}).status_code
            == 302
        )
    response = client.post(reverse("portal:sign-in"), {"identifier": "a@example.org"})
    assert response.status_code == 200 and b"We have sent too many codes" in response.content
    assert len(mail.outbox) == 3
    # Another address is not held up by this one.
    assert (
        client.post(reverse("portal:sign-in"), {"identifier": "b@example.org"}).status_code == 302
    )


def test_sending_codes_is_throttled_per_network_address(client, door, settings):
    settings.FAMILYHUB_FAMILY_CODES_PER_ADDRESS_PER_HOUR = 4
    for n in range(4):
        client.post(reverse("portal:sign-in"), {"identifier": f"p{n}@example.org"})
    response = client.post(reverse("portal:sign-in"), {"identifier": "p9@example.org"})
    assert b"We have sent too many codes" in response.content
    assert len(mail.outbox) == 4


def test_wrong_codes_lock_the_identifier_out_like_staff_passwords(client, door, settings):
    settings.AXES_FAILURE_LIMIT = 3
    client.post(reverse("portal:sign-in"), {"identifier": "jane@example.org"})
    right = last_code()
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(2):
        response = client.post(reverse("portal:code"), {"code": wrong})
        assert response.status_code == 200
    response = client.post(reverse("portal:code"), {"code": wrong})
    assert response.status_code == 429 and b"Please wait before you try again" in response.content
    # Locked: the right code is refused too, and no new code is sent.
    assert client.post(reverse("portal:code"), {"code": right}).status_code == 429
    sent = len(mail.outbox)
    assert (
        client.post(reverse("portal:sign-in"), {"identifier": "jane@example.org"}).status_code
        == 429
    )
    assert len(mail.outbox) == sent
    assert "_auth_user_id" not in client.session


def test_the_lock_ends_after_the_cool_off(client, door, settings):
    from axes.models import AccessAttempt

    settings.AXES_FAILURE_LIMIT = 2
    client.post(reverse("portal:sign-in"), {"identifier": "jane@example.org"})
    for _ in range(2):
        client.post(reverse("portal:code"), {"code": "000001"})
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(hours=2))
    assert (
        client.post(reverse("portal:sign-in"), {"identifier": "jane@example.org"}).status_code
        == 302
    )
    assert client.post(reverse("portal:code"), {"code": last_code()}).status_code == 302


def test_family_sessions_are_short(client, door, family_sign_in, settings):
    settings.FAMILYHUB_FAMILY_SESSION_MINUTES = 15
    family_sign_in(client)
    assert client.session.get_expiry_age() == 15 * 60


def test_a_staff_username_is_never_a_family_account(door):
    User.objects.create(username="x@example.org", role=Role.RECEPTION)
    with pytest.raises(Exception, match="cannot be used here"):
        signin.account_for("x@example.org")


def test_staff_sign_in_refuses_family_accounts(client, door):
    user = User.objects.create(username="fam@example.org", role=Role.FAMILY)
    user.set_password("a-long-password-for-test")
    user.save()
    response = client.post(
        reverse("accounts:sign-in"),
        {"username": "fam@example.org", "password": "a-long-password-for-test"},
    )
    assert response.status_code == 200
    assert b"This is the sign-in for staff" in response.content
    assert "_auth_user_id" not in client.session


def test_the_family_pages_send_strangers_to_the_family_sign_in(client, door):
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302 and response.url.startswith(reverse("portal:sign-in"))
