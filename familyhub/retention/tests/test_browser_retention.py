"""The information governance lead's retention pages in Chromium, on a wide screen and a phone:
the nightly list, a batch approved with a reason, a legal hold on a family set and lifted, the
schedules (screenshots in $FAMILYHUB_SCREENSHOTS, default var/screenshots)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from familyhub.people.models import Person
from familyhub.retention import services
from familyhub.retention.models import LegalHold
from familyhub.retention.tests.world import TODAY, build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("FAMILYHUB_SCREENSHOTS", "var/screenshots"))


def _fits(page) -> bool:
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    return scroll <= inner


def _shot(page, name: str, width: int) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"retention-{name}-{width}.png"), full_page=True)
    assert _fits(page), f"{name} scrolls sideways at {width} px"


@pytest.mark.parametrize(("width", "height"), [(375, 740), (1280, 800)])
def test_the_lead_approves_a_batch_and_holds_a_family(page, browser_sign_in, width, height):
    world = build()
    services.list_due(TODAY)
    page.set_viewport_size({"width": width, "height": height})
    browser_sign_in(world.ig)
    page.goto("/retention/")
    _shot(page, "home", width)
    page.get_by_test_id("pending-batches").get_by_role("link").first.click()
    page.wait_for_selector('[data-testid="batch-items"]')
    expect(page.locator("body")).to_contain_text(world.old.family_name)
    _shot(page, "batch", width)

    page.get_by_label("Approve: destroy these records").check()
    page.get_by_role("button", name="Save decision").click()
    expect(page.locator("body")).to_contain_text("Enter the reason")  # a decision needs its reason
    page.get_by_label("Approve: destroy these records").check()
    page.get_by_label("Reason").fill("Retention period met; checked against the schedule")
    page.get_by_role("button", name="Save decision").click()
    page.wait_for_selector('[data-testid="decided-batches"]')
    expect(page.locator("body")).to_contain_text("Batch approved")
    assert not Person.objects.filter(pk=world.old.pk).exists()
    _shot(page, "decided", width)

    page.get_by_role("link", name="Set a legal hold").click()
    page.get_by_label("NHS number, Familyhub reference or family card number").fill(
        world.household.card_number
    )
    page.get_by_label("Why must these records be kept?").fill("Complaint to the Ombudsman")
    _shot(page, "hold-new", width)
    page.get_by_role("button", name="Set the hold").click()
    page.wait_for_selector('[data-testid="holds"]')
    expect(page.locator("body")).to_contain_text("Legal hold set")
    _shot(page, "held", width)
    page.get_by_test_id("holds").get_by_role("link").first.click()
    page.get_by_label("Why can the hold be lifted?").fill("Complaint closed")
    _shot(page, "hold-lift", width)
    page.get_by_role("button", name="Lift the hold").click()
    page.wait_for_selector('[data-testid="holds"]')
    assert not LegalHold.objects.get().is_active

    page.goto("/retention/schedules/")
    _shot(page, "schedules", width)
