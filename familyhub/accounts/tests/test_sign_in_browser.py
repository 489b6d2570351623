from __future__ import annotations

import re

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from familyhub.accounts.roles import Role
from familyhub.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_health_visitor_signs_in_with_two_factor_in_chromium(page, make_user, settings):
    settings.FAMILYHUB_REQUIRE_2FA = True
    make_user(Role.HEALTH_VISITOR, username="hannah", first_name="Hannah")
    page.goto("/")
    assert "/account/sign-in/" in page.url
    page.get_by_label("Username").fill("hannah")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/account/two-factor/")
    secret = page.get_by_test_id("totp-secret").inner_text()
    import base64

    code = TOTP(base64.b32decode(secret)).token()
    page.get_by_label("Security code").fill(f"{code:06d}")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r".*/$"))
    expect(page.get_by_test_id("home-heading")).to_have_text("Hello, Hannah")
    # The GOV.UK Frontend styles and script loaded from our own origin (no CDN).
    assert page.evaluate("document.body.classList.contains('govuk-frontend-supported')")
    font = page.evaluate("getComputedStyle(document.querySelector('h1')).fontFamily")
    assert "arial" in font.lower()
