"""In a browser, at 1280 and 375 px: the information governance lead's report of sharing by lawful
basis (a table and a bar chart, counts only, with the drill-down to the shares), the review of a
decision not to share, and a child's chronology (marking an event, the printable page)."""

from __future__ import annotations

import datetime
import os

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from familyhub.access import services
from familyhub.access.models import Basis
from familyhub.access.records import Category
from familyhub.people.models import Address

SHOTS = os.environ.get("FAMILYHUB_SHOTS", "/tmp/shots")
SAFEGUARDING = "Bruising seen on the child's arm at the stay and play session today."
DETRIMENT = "Her former partner works at the clinic and would learn where she and the child live."


def _no_sideways_scroll(page) -> None:
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner, f"the page scrolls sideways: {scroll} > {inner}"


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 375])
def test_the_ig_lead_report_and_the_chronology(page, browser_sign_in, world, width):
    os.makedirs(SHOTS, exist_ok=True)
    page.set_viewport_size({"width": width, "height": 900})
    for _ in range(2):
        services.share_create(
            person=world.child,
            by=world.owner,
            owning_service=world.hub,
            reason="Home visit next week",
            recipient_team=world.health_team,
            category=Category.GENERAL,
            basis=Basis.DUTY_TO_SHARE,
            safeguarding_reason=SAFEGUARDING,
        )
    services.share_create(
        person=world.mum,
        by=world.owner,
        owning_service=world.hub,
        reason="Joint visit",
        recipient_service=world.health,
        category=Category.GENERAL,
        basis=Basis.PUBLIC_TASK,
    )
    services.decision_not_to_share_record(
        person=world.mum,
        by=world.owner,
        owning_service=world.hub,
        reason="Mum asked us not to share",
        detriment=DETRIMENT,
        recipient_service=world.health,
    )
    Address.objects.create(
        person=world.child,
        postcode="ZZ9 9ZZ",
        town="Ashford",
        start=timezone.localdate() - datetime.timedelta(days=30),
    )

    browser_sign_in(world.ig)
    page.goto("/access/sharing/")
    table = page.get_by_test_id("shares-by-basis")
    expect(table).to_contain_text("Duty to share (s.16LA)")
    expect(page.get_by_test_id("sharing-chart").locator("svg")).to_have_count(1)
    assert world.child.display_name not in page.content()
    _no_sideways_scroll(page)
    page.screenshot(path=f"{SHOTS}/20-1-sharing-report-{width}.png", full_page=True)
    table.get_by_role("link", name="2").first.click()
    expect(page.get_by_test_id("shares")).to_contain_text(world.child.display_name)
    assert page.get_by_test_id("shares").inner_text().count(world.child.display_name) == 2
    _no_sideways_scroll(page)
    page.goto("/access/decisions/reviews/")
    expect(page.locator("body")).to_contain_text("would learn where she and the child live")
    page.get_by_test_id("decisions").first.get_by_role("link", name="Review").first.click()
    page.get_by_label("Overturn it").check()
    page.get_by_label("Review note").fill("The duty to share applies: the clinic is not his")
    _no_sideways_scroll(page)
    page.screenshot(path=f"{SHOTS}/20-2-decision-review-{width}.png", full_page=True)
    page.get_by_role("button", name="Save the review").click()
    expect(page.get_by_test_id("decisions").last).to_contain_text("Overturned")
    page.context.clear_cookies()  # sign out (at 375 px the button is inside the menu)

    browser_sign_in(world.owner)
    page.goto(f"/access/people/{world.child.public_id}/chronology/?all=1")
    chronology = page.get_by_test_id("chronology")
    expect(chronology).to_contain_text("Ashford")
    assert "Health note" not in chronology.inner_text()  # not shared with the family hub
    row = chronology.locator("tbody tr", has_text="Ashford").first
    row.locator("summary").click()
    row.get_by_label("Significant", exact=True).check()
    row.get_by_label("Note (one line)").fill("First concern raised by the hub")
    row.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("chronology")).to_contain_text("First concern raised by the hub")
    _no_sideways_scroll(page)
    page.screenshot(path=f"{SHOTS}/20-3-chronology-{width}.png", full_page=True)
    page.emulate_media(media="print")
    assert page.locator("details.fh-no-print").first.is_hidden()
    page.screenshot(path=f"{SHOTS}/20-4-chronology-print-{width}.png", full_page=True)
    page.emulate_media(media="screen")
