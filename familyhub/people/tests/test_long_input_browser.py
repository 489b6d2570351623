"""Long input in Chromium: a 10,000-character name is kept as typed and gets a message naming
the field, instead of the browser cutting it to 100 characters without a word."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from familyhub.people.models import Person

pytestmark = [pytest.mark.browser]

LONG_NAME = "A" * 10_000


def test_a_ten_thousand_character_name_gets_a_message_not_a_silent_cut(
    transactional_db, page, browser_sign_in, owner
):
    browser_sign_in(owner)
    page.goto("/people/register/new/")
    page.get_by_label("Address line 1").fill("3 Elm Close")
    page.get_by_label("Postcode").fill("RM17 6AA")
    family_name = page.locator("#id_members-0-family_name")
    family_name.fill(LONG_NAME)
    # Nothing in the page limits what can be typed.
    assert family_name.evaluate("box => box.value.length") == 10_000
    page.locator("#id_members-0-given_name").fill("Jade")
    page.get_by_role("button", name="Register the family").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_have_count(1)
    expect(summary).to_contain_text("Person 1: Family name must be 100 characters or less")
    expect(page.locator("#id_members-0-family_name-error")).to_contain_text(
        "Family name must be 100 characters or less"
    )
    assert page.title().startswith("Error: ")
    # The link in the summary goes to the box, and what was typed is all still there.
    summary.get_by_role("link", name="Person 1: Family name must be 100 characters or less").click()
    expect(family_name).to_be_focused()
    assert family_name.evaluate("box => box.value.length") == 10_000
    assert not Person.objects.exists()
