from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from familyhub.accounts.roles import Role
from familyhub.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _sign_in(client, username, password=PASSWORD):
    return client.post(reverse("accounts:sign-in"), {"username": username, "password": password})


def test_every_page_needs_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign-in"))


def test_the_sign_in_page_and_health_check_are_public(client):
    assert client.get(reverse("accounts:sign-in")).status_code == 200
    assert client.get(reverse("core:health")).json() == {"status": "ok"}


def test_a_wrong_password_shows_an_error_summary(client, make_user):
    make_user(Role.RECEPTION, username="rita")
    response = _sign_in(client, "rita", "wrong-password")
    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert b"Enter a correct username and password." in response.content


def test_passwords_are_hashed_with_argon2(make_user, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    user = make_user(Role.RECEPTION)
    user.set_password("a long enough passphrase")
    assert user.password.startswith("argon2")


def test_account_locks_after_repeated_failures(client, make_user, settings):
    make_user(Role.RECEPTION, username="rita")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, "rita", "wrong-password")
    response = _sign_in(client, "rita")  # the right password no longer works
    assert response.status_code == 429
    assert b"You cannot sign in at the moment" in response.content


def test_outside_the_demo_sign_in_leads_to_two_factor_set_up(client, make_user):
    make_user(Role.HEALTH_VISITOR, username="hv")
    response = _sign_in(client, "hv")
    assert response.status_code == 302
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:two-factor")
    page = client.get(reverse("accounts:two-factor"))
    assert b"Set up two-factor sign-in" in page.content


def test_a_correct_code_confirms_the_device_and_opens_the_service(client, make_user):
    user = make_user(Role.HEALTH_VISITOR, username="hv")
    _sign_in(client, "hv")
    client.get(reverse("accounts:two-factor"))
    device = TOTPDevice.objects.get(user=user)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    response = client.post(reverse("accounts:two-factor"), {"token": code})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("home")).status_code == 200


def test_a_wrong_code_is_refused_with_a_message(client, make_user):
    user = make_user(Role.HEALTH_VISITOR, username="hv")
    _sign_in(client, "hv")
    client.get(reverse("accounts:two-factor"))
    device = TOTPDevice.objects.get(user=user)
    right = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    wrong = client.post(reverse("accounts:two-factor"), {"token": f"{(right + 1) % 1000000:06d}"})
    assert b"The security code is wrong" in wrong.content
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get(reverse("home")).status_code == 302


def test_an_unverified_session_cannot_use_the_api(client, make_user):
    make_user(Role.HEALTH_VISITOR, username="hv")
    _sign_in(client, "hv")
    response = client.get("/api/anything/")
    assert response.status_code == 403


def test_in_the_demo_two_factor_is_not_required(client, make_user, settings):
    settings.FAMILYHUB_REQUIRE_2FA = False
    make_user(Role.RECEPTION, username="rita")
    _sign_in(client, "rita")
    assert client.get(reverse("home")).status_code == 200


def test_sessions_expire_after_inactivity(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert "familyhub.core.middleware.SessionTouchMiddleware" in settings.MIDDLEWARE


def test_activity_moves_the_expiry_on_at_most_once_a_minute(client, make_user, signed_in):
    from unittest import mock

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    signed_in(client, make_user(Role.RECEPTION))
    client.get(reverse("home"))
    key = client.session.session_key

    def expiry():
        return Session.objects.get(session_key=key).expire_date

    first = expiry()
    client.get(reverse("home"))
    assert expiry() == first  # seconds later: no write
    later = timezone.now() + datetime.timedelta(minutes=2)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert client.get(reverse("home")).status_code == 200
    assert expiry() >= later + datetime.timedelta(minutes=29)  # moved on by the activity
    # And after the idle time the session is gone: the next page asks to sign in.
    idle = later + datetime.timedelta(minutes=31)
    with mock.patch("django.utils.timezone.now", return_value=idle):
        assert client.get(reverse("home")).status_code == 302


def test_a_visitor_not_signed_in_gets_no_session_row(client):
    from django.contrib.sessions.models import Session

    client.get("/directory/")
    assert not Session.objects.exists()


def test_sign_out_ends_the_session(client, make_user, signed_in):
    signed_in(client, make_user(Role.RECEPTION))
    client.post(reverse("accounts:sign-out"))
    assert client.get(reverse("home")).status_code == 302
