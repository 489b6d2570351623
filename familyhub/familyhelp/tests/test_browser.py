"""A lead professional adds two people to a child's family network, records an offer of a family
group decision-making meeting, the meeting and the family's own plan, in a real Chromium, on a
wide screen and on a phone (screenshots in $FAMILYHUB_SCREENSHOTS, default var/screenshots)."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from familyhub.familyhelp.models import FamilyPlan, FgdmMeeting, FgdmOffer, NetworkMember

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("FAMILYHUB_SCREENSHOTS", "var/screenshots"))


def _fits(page) -> bool:
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    return scroll <= inner


def _shot(page, name: str, width: int) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"familyhelp-{name}-{width}.png"), full_page=True)


def _add(page, given, family, relationship, offer, phone):
    page.get_by_role("link", name="Add someone to the network").click()
    page.get_by_label("Given name").fill(given)
    page.get_by_label("Family name").fill(family)
    page.get_by_label(relationship, exact=True).check()
    page.get_by_label("What they can offer (optional)").fill(offer)
    page.get_by_label("Phone number (optional)").fill(phone)
    page.get_by_role("group", name="Does the family agree they may be involved?").get_by_label(
        "Yes"
    ).check()
    page.get_by_role("button", name="Add to the network").click()
    page.wait_for_selector('[data-testid="network-diagram"]')


@pytest.mark.parametrize(("width", "height"), [(375, 740), (1280, 800)])
def test_a_lead_records_the_network_an_offer_a_meeting_and_the_familys_plan(
    page, browser_sign_in, world, episode, width, height
):
    page.set_viewport_size({"width": width, "height": height})
    browser_sign_in(world.lead)
    page.goto(reverse("casework:episode", args=[episode.public_id]))
    page.get_by_role("link", name="See the network").click()
    page.wait_for_selector('[data-testid="network-diagram"]')

    _add(page, "Maureen", "Ashcombe", "Grandparent", "School runs on Mondays", "07700 900111")
    expect(page.locator("body")).to_contain_text("Added to the family network")
    _add(page, "Denise", "Farrow", "Family friend", "After school on Wednesdays", "07700 900222")
    cards = page.get_by_test_id("network-member").all_inner_texts()
    assert any("Maureen Ashcombe" in c and "07700900111" in c for c in cards)
    assert any("Denise Farrow" in c for c in cards)
    svg = page.get_by_test_id("network-diagram")
    assert "Maureen Ashcombe" in svg.inner_html() and "Family friend" in svg.inner_html()
    assert _fits(page), "the network page scrolls sideways"
    _shot(page, "network", width)

    page.get_by_role("link", name="Back to the episode").click()
    page.get_by_role("link", name="Offers and meetings").click()
    page.get_by_role("link", name="Record an offer").click()
    page.get_by_label("Accepted").check()
    assert _fits(page), "the offer form scrolls sideways"
    page.get_by_role("button", name="Record the offer").click()
    expect(page.locator("body")).to_contain_text("The offer is recorded")

    page.get_by_role("link", name="Record the meeting").click()
    page.get_by_label("Or the coordinator's name, if they are not in Familyhub").fill("Sam Idowu")
    page.get_by_label("Maureen Ashcombe (Grandparent)").check()
    page.get_by_label("Denise Farrow (Family friend)").check()
    page.get_by_role("group", name="Did the family have private family time?").get_by_label(
        "Yes"
    ).check()
    assert _fits(page), "the meeting form scrolls sideways"
    _shot(page, "meeting-form", width)
    page.get_by_role("button", name="Record the meeting").click()
    expect(page.locator("body")).to_contain_text("The meeting is recorded")

    page.get_by_role("link", name="Record the family's plan").click()
    page.get_by_label("What will happen").fill("Tom gets to school on time every day.")
    page.get_by_label("Who does what").fill("Nan Mondays; Denise Wednesdays; Mum the rest.")
    page.get_by_label("By when").fill("From next week.")
    review = timezone.localdate() + datetime.timedelta(days=28)
    group = page.get_by_role("group", name="Date of the first review")
    group.get_by_label("Day").fill(str(review.day))
    group.get_by_label("Month").fill(str(review.month))
    group.get_by_label("Year").fill(str(review.year))
    page.get_by_role("button", name="Record the plan").click()
    expect(page.locator("body")).to_contain_text("The family's plan is recorded")
    plan = page.get_by_test_id("family-plan").inner_text()
    assert "Nan Mondays" in plan and review.strftime("%-d %B %Y") in plan
    meeting = page.get_by_test_id("fgdm-meeting").inner_text()
    assert "Sam Idowu" in meeting and "Grandparent" in meeting
    assert _fits(page), "the family group decision-making page scrolls sideways"
    _shot(page, "fgdm", width)

    assert NetworkMember.objects.filter(episode=episode, family_agrees=True).count() == 2
    assert FgdmOffer.objects.get(episode=episode).response == "accepted"
    assert FgdmMeeting.objects.get(episode=episode).network_attended.count() == 2
    assert FamilyPlan.objects.get(episode=episode).review_due == review
