"""NHS number tracing in a real browser, as a team leader: the person page's "Trace the NHS
number", the trace answered by the stand-in PDS (the task run as the worker would), the
completeness report against the 95% bar, and a differing number accepted from the review list;
at desktop width and at 375 px (screenshots in /tmp/shots-tracing)."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from familyhub.people.models import NhsNumberStatus
from familyhub.tracing.models import NumberReview, Trace
from familyhub.tracing.tasks import trace_person

SHOTS = "/tmp/shots-tracing"
JANE = {"family": "Smith", "given": "Jane", "birth_date": "2021-03-04", "gender": "female"}


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 375])
def test_a_team_leader_traces_reports_and_reviews(page, browser_sign_in, pds, world, child, width):
    os.makedirs(SHOTS, exist_ok=True)
    page.set_viewport_size({"width": width, "height": 900})
    pds.add_patient("9449304424", **JANE, postcode="RM17 5DQ")
    pds.add_patient("9449306621", **{**JANE, "given": "Tom", "gender": "male"}, postcode="RM17 5DQ")
    for index in range(6):
        child(given_name=f"Verified{index}", nhs_number="9000000009", nhs_number_status="01")
    jane = child()
    tom = child(given_name="Tom", sex="M", nhs_number="9449305552", nhs_number_status="02")
    browser_sign_in(world["leader"])

    # The person page offers the trace; asking queues it and the page says it waits.
    page.goto(f"/people/{jane.public_id}/")
    page.get_by_role("link", name="Trace the NHS number").click()
    page.get_by_role("button", name="Trace the NHS number now").click()
    expect(page.get_by_test_id("trace-waiting")).to_be_visible()
    page.screenshot(path=f"{SHOTS}/1-trace-queued-{width}.png", full_page=True)
    trace_person.call(Trace.objects.get(person=jane).pk)  # what the worker does
    page.reload()
    expect(page.get_by_test_id("nhs-status")).to_contain_text("Verified")
    expect(page.get_by_test_id("nhs-number")).to_contain_text("944 930 4424")
    page.screenshot(path=f"{SHOTS}/2-trace-answered-{width}.png", full_page=True)
    _no_sideways_scroll(page)

    # Tom's number differs from PDS's: a review, nothing overwritten.
    page.goto(f"/tracing/people/{tom.public_id}/")
    page.get_by_role("button", name="Trace the NHS number now").click()
    trace_person.call(Trace.objects.get(person=tom).pk)

    # The report: the team against the bar, and who is left to trace.
    page.goto("/tracing/")
    overall = page.get_by_test_id("overall").inner_text()
    assert "87.5%" in overall and "of the 8 children" in overall and "(7)" in overall
    expect(page.get_by_test_id("shares")).to_contain_text("87.5%")
    expect(page.get_by_test_id("to-trace")).to_contain_text("Tom")
    expect(page.locator("svg[role=img]")).to_have_count(1)
    page.screenshot(path=f"{SHOTS}/3-completeness-{width}.png", full_page=True)
    _no_sideways_scroll(page)

    page.get_by_role("link", name="Differing NHS numbers to decide").click()
    page.screenshot(path=f"{SHOTS}/4-reviews-{width}.png", full_page=True)
    _no_sideways_scroll(page)
    page.get_by_role("link", name="Tom Smith").click()
    page.get_by_role("button", name="Save the decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select which NHS number")
    page.get_by_label("The number PDS holds").check()
    page.screenshot(path=f"{SHOTS}/5-review-{width}.png", full_page=True)
    _no_sideways_scroll(page)
    page.get_by_role("button", name="Save the decision").click()
    expect(page.locator("body")).to_contain_text("No differing numbers are waiting")
    tom.refresh_from_db()
    assert (tom.nhs_number, tom.nhs_number_status) == ("9449306621", NhsNumberStatus.VERIFIED)
    assert NumberReview.objects.get(person=tom).state == "accepted"
    page.goto("/tracing/")
    expect(page.get_by_test_id("shares")).to_contain_text("100.0%")
    page.screenshot(path=f"{SHOTS}/6-completeness-after-{width}.png", full_page=True)
