"""The directory in a real browser, at desktop width and at 375 px (screenshots in
/tmp/shots-directory): a parent searches by need and postcode without signing in (first a
postcode that does not exist, then the family's; once more with JavaScript off), the editors'
worklist and marking a record checked, and a family support worker's signpost from a person's
record (first without choosing a service) that then shows on the family record."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from familyhub.directory.models import DirectoryService, Signpost

SHOTS = "/tmp/shots-directory"


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def _shot(page, name: str, width: int) -> None:
    page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)


def _search(page, need: str, postcode: str) -> None:
    page.goto("/directory/")
    page.get_by_label("What do you need help with?").select_option(label=need)
    page.get_by_label("Your postcode (optional)").fill(postcode)
    page.get_by_role("button", name="Search").click()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 375])
def test_a_parent_finds_a_service_near_them(page, _browser, live_server, world, width):
    os.makedirs(SHOTS, exist_ok=True)
    page.set_viewport_size({"width": width, "height": 900})
    _search(page, "Food and essentials", "ZZ99 9ZZ")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.locator(".govuk-error-summary")).to_contain_text("We could not find that postcode")
    _no_sideways_scroll(page)
    _shot(page, "1-search-bad-postcode", width)
    _search(page, "Food and essentials", "rm17 5dq")
    results = page.get_by_test_id("directory-result")
    expect(results).to_have_count(3)
    expect(results.first).to_contain_text(world.near.name)
    expect(results.first).to_contain_text("miles away")
    _no_sideways_scroll(page)
    _shot(page, "2-search-results", width)
    results.first.get_by_role("link").click()
    expect(page.locator("h1")).to_have_text(world.near.name)
    _no_sideways_scroll(page)
    _shot(page, "3-service", width)
    # Without JavaScript the search is the same GET form.
    context = _browser.new_context(base_url=live_server.url, java_script_enabled=False)
    plain = context.new_page()
    plain.set_viewport_size({"width": width, "height": 900})
    _search(plain, "Food and essentials", "RM17 5DQ")
    expect(plain.get_by_test_id("directory-result")).to_have_count(3)
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 375])
def test_an_editor_works_the_stale_records(page, browser_sign_in, world, width):
    os.makedirs(SHOTS, exist_ok=True)
    page.set_viewport_size({"width": width, "height": 900})
    DirectoryService.objects.filter(pk=world.far.pk).update(assured_date=None)
    browser_sign_in(world.editor)
    page.goto("/directory/editors/")
    table = page.get_by_test_id("worklist")
    expect(table).to_contain_text(world.far.name)
    _no_sideways_scroll(page)
    _shot(page, "4-worklist", width)
    table.get_by_role("link", name=world.far.name).click()
    page.get_by_label("Oldest age, in years (optional)").fill("-3")
    page.get_by_role("button", name="Save the record").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    _no_sideways_scroll(page)
    _shot(page, "5-edit-bad-input", width)
    page.get_by_role("button", name="Mark as checked today").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("marked as checked today")
    expect(page.locator("[data-testid=worklist] a", has_text=world.far.name)).to_have_count(0)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 375])
def test_a_worker_signposts_a_family(page, browser_sign_in, world, width):
    os.makedirs(SHOTS, exist_ok=True)
    page.set_viewport_size({"width": width, "height": 900})
    browser_sign_in(world.worker)
    page.goto(f"/people/{world.person.public_id}/")
    page.get_by_role("link", name="Signpost to a service").click()
    page.get_by_label("What does the family need help with?").select_option(
        label="Food and essentials"
    )
    page.get_by_label("Postcode to search near").fill("ZZ99 9ZZ")
    page.get_by_role("button", name="Find services").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("We could not find that postcode")
    page.get_by_label("Postcode to search near").fill(world.person.postcode)
    page.get_by_role("button", name="Find services").click()
    page.get_by_role("button", name="Record the signpost").click()  # no service chosen
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    _no_sideways_scroll(page)
    _shot(page, "6-signpost-bad-input", width)
    page.get_by_label(world.near.name, exact=False).first.check()
    page.get_by_label("Notes (optional)").fill("Gave them the food bank's leaflet")
    page.get_by_role("button", name="Record the signpost").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Signpost to")
    assert Signpost.objects.filter(person=world.person).count() == 1
    page.goto(f"/access/people/{world.person.public_id}/family/")
    expect(page.locator("body")).to_contain_text(f"Signposted to {world.near.name}")
    _no_sideways_scroll(page)
    _shot(page, "7-family-timeline", width)
