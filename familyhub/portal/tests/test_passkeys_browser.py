"""Passkeys on the family side in a real Chromium with a virtual authenticator (the DevTools
protocol's WebAuthn domain stands in for a phone's fingerprint reader): a parent signs in with a
code, adds a passkey, signs out, and signs in again with the passkey alone; on a phone width;
and a passkey the device no longer holds is refused with a message, the code still working.
Screenshots in /tmp/shots-passkeys."""

from __future__ import annotations

import os
import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from familyhub.portal.models import Passkey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = "/tmp/shots-passkeys"


def _authenticator(page) -> tuple[object, str]:
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    made = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp, made["authenticatorId"]


def _sign_in_with_a_code(page, identifier: str) -> None:
    page.goto("/family/sign-in/")
    page.get_by_label("Email address or mobile phone number").fill(identifier)
    page.get_by_role("button", name="Send me a code").click()
    page.wait_for_url("**/family/sign-in/code/")
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)  # type: ignore[union-attr]
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url(re.compile(r"/family/$"))


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("width", [1280, 375])
def test_a_parent_adds_a_passkey_and_signs_in_with_it(page, width):
    os.makedirs(SHOTS, exist_ok=True)
    page.set_viewport_size({"width": width, "height": 900})
    cdp, authenticator = _authenticator(page)
    _sign_in_with_a_code(page, "mel@example.org")

    page.get_by_role("link", name=re.compile("your passkeys")).click()
    expect(page.get_by_test_id("no-passkeys")).to_be_visible()
    page.screenshot(path=f"{SHOTS}/1-passkeys-none-{width}.png", full_page=True)
    page.get_by_role("button", name="Add a passkey").click()
    page.wait_for_url("**/family/passkeys/?added=1")
    expect(page.get_by_role("alert", name="Success")).to_contain_text("Passkey added")
    expect(page.get_by_test_id("passkeys")).to_contain_text("Passkey 1")
    assert _fits(page)
    page.screenshot(path=f"{SHOTS}/2-passkey-added-{width}.png", full_page=True)
    assert Passkey.objects.filter(account__username="mel@example.org").count() == 1

    page.context.clear_cookies()  # signed out
    page.goto("/family/sign-in/")
    expect(page.get_by_role("button", name="Sign in with a passkey")).to_be_visible()
    assert _fits(page)
    page.screenshot(path=f"{SHOTS}/3-sign-in-{width}.png", full_page=True)
    sent = len(mail.outbox)
    page.get_by_role("button", name="Sign in with a passkey").click()
    page.wait_for_url(re.compile(r"/family/$"))
    assert len(mail.outbox) == sent  # no code was needed
    assert Passkey.objects.get().last_used_at is not None

    # The device loses its passkey: the sign-in says so, and the code still works.
    cdp.send("WebAuthn.clearCredentials", {"authenticatorId": authenticator})  # type: ignore[attr-defined]
    page.context.clear_cookies()
    page.goto("/family/sign-in/")
    page.get_by_role("button", name="Sign in with a passkey").click()
    expect(page.locator("[data-passkey-error]")).to_contain_text(
        "Try again, or sign in with a code"
    )
    page.screenshot(path=f"{SHOTS}/4-no-passkey-{width}.png", full_page=True)
    _sign_in_with_a_code(page, "mel@example.org")

    # Removing it leaves signing in by code.
    page.goto("/family/passkeys/")
    page.get_by_role("button", name=re.compile("Remove")).click()
    expect(page.get_by_test_id("no-passkeys")).to_be_visible()
    assert not Passkey.objects.exists()


def test_without_javascript_the_passkey_buttons_stay_hidden(_browser, live_server):
    context = _browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/family/sign-in/")
    expect(page.get_by_role("button", name="Send me a code")).to_be_visible()
    expect(page.get_by_role("button", name="Sign in with a passkey")).to_be_hidden()
    context.close()
