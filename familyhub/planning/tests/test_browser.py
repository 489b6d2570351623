"""A commissioner builds two site scenarios through the pages and compares them."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_build_and_compare_two_site_scenarios(page, browser_sign_in, make_user, borough):
    browser_sign_in(make_user("commissioner"))
    page.get_by_role("link", name="Planning").first.click()
    for name, keep in (("Two hubs", "2"), ("Three hubs", "3")):
        page.get_by_role("link", name="Site network").click()
        page.get_by_label("Scenario name").fill(name)
        page.get_by_label("Number of sites to keep as hubs").fill(keep)
        page.get_by_role("button", name="Work it out and save").click()
        page.wait_for_selector("[data-testid=scenario-name]")
        assert page.get_by_test_id("scenario-name").inner_text() == name
        page.get_by_role("link", name="Planning").first.click()
    page.get_by_label("Compare Two hubs").check()
    page.get_by_label("Compare Three hubs").check()
    page.get_by_role("button", name="Compare the ticked scenarios").click()
    table = page.get_by_test_id("compare-table").inner_text()
    assert "Two hubs" in table and "Three hubs" in table
    assert (
        "Library North" in table
        and "serve by outreach" in table.lower()
        and "keep as hub" in table.lower()
    )
