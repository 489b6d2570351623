"""The returns page in Chromium as the information officer (commissioner/analyst): generate the
November CSDS, watch its job, read the failures by team with the child and the field, see that
the fix link is a practitioner's page (not the officer's), generate again once fixed, mark it
sent. Desktop and phone width, with screenshots in /tmp/shots-returns."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from familyhub.childhealth.schedule import ReviewKind
from familyhub.returns.models import ReturnRun
from familyhub.returns.tasks import generate_return

SHOTS = Path("/tmp/shots-returns")


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_officer_generates_fixes_and_sends_the_csds(
    page, browser_sign_in, officer, make_child, allocate, review, settings
):
    settings.FAMILYHUB_CSDS_ORG_ID = "RXX01"
    child = make_child(
        date_of_birth=date(2026, 9, 1), given_name="Nia", family_name="Nonumber", nhs_number=""
    )
    allocate(child, date(2026, 9, 2))
    review(child, ReviewKind.SIX_EIGHT_WEEK, date(2026, 11, 2), breastfeeding="partial")
    well = make_child(date_of_birth=date(2026, 8, 20), given_name="Wes", family_name="Well")
    allocate(well, date(2026, 8, 21))

    browser_sign_in(officer)
    page.get_by_role("link", name="Statutory returns").first.click()
    page.wait_for_url("**/returns/")
    page.get_by_label("Community Services Data Set (monthly)").check()
    page.get_by_label("Period").fill("2026-11")
    shot(page, "01-returns-page")
    page.get_by_test_id("generate").click()
    page.wait_for_url(re.compile(r".*/jobs/.*"))
    run = ReturnRun.objects.get()
    generate_return.call(run.pk)  # the worker's part
    page.reload()
    page.get_by_role("link", name="See the results").click()
    page.wait_for_url(f"**/returns/{run.public_id}/")
    expect(page.get_by_test_id("run-status")).to_have_text("Draft: failures to fix")
    expect(page.get_by_test_id("lawful-basis")).to_contain_text("section 259(1)(a)")
    failures = page.get_by_test_id("failure")
    expect(failures).to_have_count(1)
    row = failures.first.inner_text()
    assert "Nia Nonumber" in row and "NHSNumber" in row and "Health visiting North" in row
    assert (
        failures.first.get_by_role("link").get_attribute("href")
        == f"/people/{child.public_id}/edit/"
    )
    shot(page, "02-run-with-failures")
    page.set_viewport_size({"width": 375, "height": 800})
    no_sideways_scroll(page)
    shot(page, "03-run-with-failures-375")
    page.set_viewport_size({"width": 1280, "height": 900})

    # A practitioner records the NHS number; the officer generates the month again.
    type(child).objects.filter(pk=child.pk).update(nhs_number="9434765919")
    page.goto("/returns/")
    page.get_by_label("Community Services Data Set (monthly)").check()
    page.get_by_label("Period").fill("2026-11")
    page.get_by_test_id("generate").click()
    page.wait_for_url(re.compile(r".*/jobs/.*"))
    again = ReturnRun.objects.exclude(pk=run.pk).get()
    generate_return.call(again.pk)
    page.goto(f"/returns/{again.public_id}/")
    expect(page.get_by_test_id("run-status")).to_have_text("Validated")
    expect(page.get_by_test_id("no-failures")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_test_id("download").click()
    assert download.value.suggested_filename == "csds-v1.6-2026-11.zip"
    page.get_by_test_id("mark-sent").click()
    page.wait_for_url(f"**/returns/{again.public_id}/")
    expect(page.get_by_test_id("run-status")).to_have_text("Sent")
    shot(page, "04-run-sent")
    page.goto("/returns/")
    page.set_viewport_size({"width": 375, "height": 800})
    no_sideways_scroll(page)
    shot(page, "05-returns-list-375")
