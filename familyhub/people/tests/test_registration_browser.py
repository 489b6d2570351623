"""The single registration journey in Chromium: search first, see likely matches as you type,
then either reuse the existing record or register a new family."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from familyhub.people.models import Person, Registration

pytestmark = [pytest.mark.browser]


def fill_date(page, legend: str, day: int, month: int, year: int) -> None:
    """Type a date into GOV.UK's Day, Month and Year boxes under the fieldset's legend."""
    group = page.get_by_role("group", name=legend, exact=True)
    group.get_by_label("Day").fill(str(day))
    group.get_by_label("Month").fill(str(month))
    group.get_by_label("Year").fill(str(year))


def test_matches_appear_as_you_type_and_a_new_family_is_registered(
    transactional_db, page, browser_sign_in, owner, hub, registered_person
):
    browser_sign_in(owner)
    page.goto("/")
    page.get_by_role("link", name="Register a family").first.click()
    page.get_by_label("Given name").fill("Amelia")
    page.get_by_label("Family name").fill("Okafor")
    born = registered_person.date_of_birth
    fill_date(page, "Date of birth", born.day, born.month, born.year)
    # No button pressed: the page's script fetches the possible matches.
    row = page.get_by_test_id("candidate").first
    expect(row).to_contain_text("Amelia Okafor")
    expect(row).to_contain_text("Same:")
    expect(row).to_contain_text("RM17")

    # Not them after all (a new family): the new-family form starts from what was typed.
    page.get_by_label("Given name").fill("Jade")
    page.get_by_label("Family name").fill("Lee")
    fill_date(page, "Date of birth", 1, 5, 1992)
    expect(page.get_by_test_id("no-candidates")).to_be_visible()
    link = page.get_by_test_id("register-new")
    expect(link).to_have_attribute(
        "href",
        re.compile(
            r"given_name=Jade.*date_of_birth_day=1&date_of_birth_month=5&date_of_birth_year=1992"
        ),
    )
    link.click()
    expect(page.locator("#id_members-0-given_name")).to_have_value("Jade")
    expect(page.locator("#id_members-0-date_of_birth_year")).to_have_value("1992")
    page.get_by_label("Address line 1").fill("3 Elm Close")
    page.get_by_label("Postcode").fill("rm17 6aa")
    page.locator("#id_members-0-sex").select_option("F")
    page.locator("#id_members-0-relationship").select_option("mother")
    # One person at a time: the second appears with "Add another person"; the expected date of
    # delivery only for an unborn baby. The page is no longer five people tall.
    expect(page.get_by_test_id("member-1")).to_be_hidden()
    delivery = page.get_by_test_id("member-0").get_by_role(
        "group", name=re.compile("Expected date of delivery")
    )
    expect(delivery).to_be_hidden()
    expect(page.locator("#id_members-0-expected_date_of_delivery_month")).to_be_hidden()
    expect(
        page.get_by_label("This is a new person: none of the records shown is them")
    ).to_have_count(0)
    page.locator("#id_members-0-is_unborn").check()
    expect(delivery).to_be_visible()
    page.locator("#id_members-0-is_unborn").uncheck()
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 3000, height
    expect(page.locator("#id_members-0-postcode, #id_address-postcode").first).to_have_class(
        re.compile("govuk-input--width-10")
    )
    page.get_by_role("button", name="Add another person").click()
    expect(page.get_by_test_id("member-1")).to_be_visible()
    expect(page.get_by_test_id("member-2")).to_be_hidden()
    page.locator("#id_members-1-role").select_option("child")
    page.locator("#id_members-1-given_name").fill("Kai")
    page.locator("#id_members-1-family_name").fill("Lee")
    page.locator("#id_members-1-date_of_birth_day").fill("3")
    page.locator("#id_members-1-date_of_birth_month").fill("2")
    page.locator("#id_members-1-date_of_birth_year").fill("2021")
    page.get_by_role("button", name="Register the family").click()
    expect(page.get_by_test_id("household-heading")).to_be_visible()
    expect(page.get_by_test_id("household-members")).to_contain_text("Kai Lee")
    page.get_by_role("link", name="Kai Lee").click()
    expect(page.get_by_test_id("relationships")).to_contain_text("mother")
    assert Person.objects.count() == 3


def test_choosing_an_existing_record_registers_them_without_a_duplicate(
    transactional_db, page, browser_sign_in, make_user, outsider, other_team, registered_person
):
    """A school nurse finds a child another service holds: she sees only the minimal view, says
    why, and the registration waits for her team leader; once confirmed, the record opens."""
    from familyhub.accounts.roles import Role

    browser_sign_in(outsider)
    page.goto("/people/register/")
    page.get_by_label("Family name").fill("Okafor")
    born = registered_person.date_of_birth
    fill_date(page, "Date of birth", born.day, born.month, born.year)
    page.get_by_role("link", name=re.compile("This is them")).first.click()
    expect(page.get_by_test_id("needs-confirming")).to_be_visible()
    page.get_by_role("button", name="Ask to register them").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("why you are registering them")
    page.get_by_label("Why are you registering them with your team?").fill(
        "She came to the drop-in with her mum and needs a hearing check"
    )
    page.get_by_role("button", name="Ask to register them").click()
    expect(page.get_by_text("waiting for your team leader")).to_be_visible()
    assert Person.objects.count() == 1
    waiting = Registration.objects.get(person=registered_person, service=other_team.service)
    assert waiting.confirmed_at is None
    page.goto(f"/people/{registered_person.public_id}/")
    expect(page.get_by_test_id("person-name")).to_have_count(0)

    leader = make_user(Role.TEAM_LEADER, team=other_team, username="nurse_lead")
    page.get_by_test_id("sign-out").click()
    browser_sign_in(leader)
    page.goto("/")
    page.get_by_role("link", name="Registrations to confirm").first.click()
    expect(page.get_by_test_id("registrations-to-confirm")).to_contain_text("hearing check")
    page.get_by_label("Amelia Okafor").check()
    page.get_by_role("button", name="Confirm the selected registrations").click()
    page.get_by_test_id("sign-out").click()
    browser_sign_in(outsider)
    page.goto(f"/people/{registered_person.public_id}/")
    expect(page.get_by_test_id("person-name")).to_have_text("Amelia Okafor")


def test_search_works_without_javascript(
    transactional_db, _browser, live_server, settings, owner, registered_person
):
    settings.FAMILYHUB_REQUIRE_2FA = False
    context = _browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/account/sign-in/")
    page.get_by_label("Username").fill(owner.username)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.goto("/people/register/")
    page.get_by_label("Family name").fill("Okafor")
    born = registered_person.date_of_birth
    fill_date(page, "Date of birth", born.day, born.month, born.year)
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_test_id("candidate").first).to_contain_text("Amelia Okafor")
    context.close()


def test_a_half_typed_date_of_birth_keeps_the_matches_on_the_name(
    transactional_db, page, browser_sign_in, owner, hub, registered_person
):
    browser_sign_in(owner)
    page.goto("/people/register/")
    page.get_by_label("Given name").fill("Amelia")
    page.get_by_label("Family name").fill("Okafor")
    expect(page.get_by_test_id("candidate").first).to_contain_text("Amelia Okafor")
    group = page.get_by_role("group", name="Date of birth", exact=True)
    group.get_by_label("Day").fill(str(registered_person.date_of_birth.day))
    group.get_by_label("Year").fill("19")
    # Still typing: no "must include a month" error, and the name's matches stay.
    page.wait_for_load_state("networkidle")
    expect(page.get_by_test_id("candidate").first).to_contain_text("Amelia Okafor")
    expect(page.locator(".govuk-error-message")).to_have_count(0)


def test_a_date_of_birth_missing_its_month_highlights_only_that_box(
    transactional_db, page, browser_sign_in, owner, hub, registered_person
):
    browser_sign_in(owner)
    page.goto(f"/people/{registered_person.public_id}/edit/")
    born = page.get_by_role("group", name="Date of birth", exact=True)
    expect(born.get_by_label("Year")).to_have_value(str(registered_person.date_of_birth.year))
    born.get_by_label("Month").fill("")
    page.get_by_role("button", name="Save changes").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Date of birth must include a month")
    born = page.get_by_role("group", name="Date of birth", exact=True)
    expect(born.get_by_label("Month")).to_have_class(re.compile("govuk-input--error"))
    expect(born.get_by_label("Day")).not_to_have_class(re.compile("govuk-input--error"))
    expect(born.get_by_label("Year")).not_to_have_class(re.compile("govuk-input--error"))
    # The summary's link takes the user to the box to fix.
    summary.get_by_role("link", name="Date of birth must include a month").click()
    expect(born.get_by_label("Month")).to_be_focused()
