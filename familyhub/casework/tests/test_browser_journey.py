"""A school's referral walked through the front door, allocation, assessment, family plan,
review and closure, in a real browser."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from familyhub.casework.models import Episode, EpisodeStatus
from familyhub.referrals.models import Referral, ReferralStatus
from familyhub.referrals.tests.factories import build_world
from familyhub.services.selectors import staff_label


def sign_out(page):
    page.get_by_test_id("sign-out").click()
    page.wait_for_url(re.compile(r".*/account/.*|.*/$"))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_school_referral_from_front_door_to_closure(page, browser_sign_in):
    world = build_world()

    # The front door takes a school's referral for Tom, found in the register.
    browser_sign_in(world.triage)
    page.goto("/referrals/new/")
    page.get_by_label("First name").fill("Tom")
    page.get_by_label("Last name").fill("Walker")
    page.get_by_role("button", name="Search the register").click()
    page.get_by_role("link", name="Refer Tom Walker").click()
    page.get_by_label("School or college").check()
    page.get_by_label("Referrer's name").fill("Ms Ada Price")
    page.get_by_label("Organisation", exact=True).fill("Riverside Primary School")
    page.get_by_label("Getting a good education").check()
    page.get_by_label("Improved family relationships").check()
    page.get_by_label("Secure housing").check()
    page.get_by_label("What are the concerns?").fill("Attendance has fallen to 70%.")
    page.get_by_label("The family knows and agrees").check()
    page.get_by_role("button", name="Send the referral").click()
    page.wait_for_selector('[data-testid="referral-heading"]')

    # Triage: level 3, allocate to Early help Central, with reasons.
    page.goto("/referrals/")
    page.get_by_role("link", name="Tom Walker").click()
    page.get_by_label(re.compile(r"^3: Complex support needs")).check()
    page.get_by_label("Allocate to an early help team").check()
    page.get_by_label("Early help team", exact=True).select_option(label="Early help Central")
    page.get_by_label("Reasons for your decision").fill("Three needs; the family agrees.")
    page.get_by_role("button", name="Record the decision").click()
    page.wait_for_selector('[data-testid="queue-empty"]')
    referral = Referral.objects.get()
    assert referral.status == ReferralStatus.ALLOCATED
    sign_out(page)

    # The team leader allocates a lead professional.
    browser_sign_in(world.team_leader)
    page.goto("/casework/unallocated/")
    page.get_by_role("link", name="Tom Walker").click()
    page.get_by_role("link", name="Allocate", exact=True).click()
    page.get_by_label("Lead professional", exact=True).select_option(label=staff_label(world.lead))
    page.get_by_label("Yes", exact=True).check()
    page.get_by_role("button", name="Allocate").click()
    page.wait_for_selector('[data-testid="lead-professional"]')
    expect(page.get_by_test_id("lead-professional")).to_contain_text(str(world.lead))
    sign_out(page)

    # The lead professional assesses, plans, reviews and closes.
    browser_sign_in(world.lead)
    page.goto("/casework/")
    page.get_by_role("link", name="Tom Walker").click()
    page.get_by_role("link", name="Record the assessment").click()
    for need in ("Getting a good education", "Improved family relationships", "Secure housing"):
        page.get_by_label(need).check()
    page.get_by_label("The family's strengths").fill("Mum is determined; Tom loves football.")
    page.get_by_label("The child's voice").fill("I want to see my friends at school.")
    page.get_by_label("The family's views").fill("We need help with the flat.")
    page.get_by_label(re.compile(r"^3: Complex support needs")).check()
    page.get_by_role("button", name="Save the assessment").click()
    page.wait_for_selector('[data-testid="sf-eligible"]')

    page.get_by_role("link", name="Add a goal").click()
    page.get_by_label("Getting a good education").check()
    page.get_by_label("The goal", exact=True).fill("Tom goes to school every day")
    page.get_by_role("button", name="Add the goal").click()
    page.get_by_role("link", name=re.compile("Add an action")).click()
    page.get_by_label("What will be done").fill("Walk Tom to school")
    page.get_by_label("Or their name").fill("Mum")
    due = page.get_by_role("group", name="Due by")
    due.get_by_label("Day").fill(str(timezone.localdate().day))
    due.get_by_label("Month").fill(str(timezone.localdate().month))
    due.get_by_label("Year").fill(str(timezone.localdate().year))
    page.get_by_role("button", name="Add the action").click()
    page.wait_for_selector('[data-testid="goal"]')

    page.get_by_role("link", name="Record a team around the family review").click()
    page.get_by_label(re.compile("Progress on: Tom goes to school")).fill("7")
    page.get_by_role("button", name="Save the review").click()
    page.wait_for_selector('[data-testid="review"]')

    page.get_by_role("link", name="Close the episode").click()
    page.get_by_role("button", name="Close the episode").click()  # nothing chosen: errors
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    page.get_by_label("Reason for closing").fill("Attendance back to 96%; housing repairs done.")
    outcomes = page.locator("fieldset")
    for index in range(outcomes.count()):
        outcomes.nth(index).get_by_label("Achieved", exact=True).check()
    # The walk to school is still open and the goal scored 7/10: closing asks first.
    expect(page.get_by_test_id("open-actions")).to_contain_text("Walk Tom to school")
    expect(page.get_by_test_id("low-scores")).to_contain_text("7 out of 10")
    page.get_by_role("button", name="Close the episode").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("open action is done or handed over")
    expect(summary).to_contain_text("last scored 7 out of 10")
    page.get_by_label("If a need is achieved although its goal scored low, say why").fill(
        "School reports full attendance for the last four weeks, since the review."
    )
    page.get_by_label(re.compile("open action above")).check()
    page.get_by_role("button", name="Close the episode").click()
    page.wait_for_selector('[data-testid="episode-status"]')
    expect(page.get_by_test_id("episode-status")).to_have_text("Closed")

    episode = Episode.objects.get()
    assert episode.status == EpisodeStatus.CLOSED
    assert episode.sf_eligible and episode.sustainment_until is not None
    assert list(episode.events.values_list("kind", flat=True)) == [
        "opened",
        "allocated",
        "closed",
    ]
