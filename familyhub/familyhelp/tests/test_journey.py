"""Issue 20's journey in a real browser: a school's referral taken through early help to Family
Help (section 17), a family group decision-making meeting and the family's own plan, a share
with the child protection team under the duty to share, the step-up to the Multi-Agency Child
Protection Team with the information pack, its decision, the step-down back to Family Help in
the same record, and the sharing decision and its basis on the information governance lead's
report."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from familyhub.access.models import Share
from familyhub.accounts.roles import Role
from familyhub.casework.models import Episode, EpisodeStatus
from familyhub.casework.tests.test_services import open_episode
from familyhub.referrals.continuum import load_families_first
from familyhub.referrals.tests.factories import build_world
from familyhub.services.models import ServiceKind
from familyhub.testing import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = "/tmp/shots"


def sign_out(page):
    page.get_by_test_id("sign-out").click()
    page.wait_for_url(re.compile(r".*/account/.*|.*/$"))


def test_a_family_from_early_help_through_family_help_and_child_protection_and_back(
    page, browser_sign_in
):
    world = build_world()
    episode = open_episode(world)  # the school's referral, triaged, allocated and assessed
    load_families_first(world.authority)
    factories.TeamFactory(
        name="Multi-Agency Child Protection Team",
        service=factories.ServiceFactory(
            authority=world.authority, name="Children's social care", kind=ServiceKind.SOCIAL_CARE
        ),
    )
    ig_lead = factories.UserFactory(role=Role.IG_LEAD, username="iglead")
    factories.TeamMembershipFactory(user=ig_lead, team=world.central)
    episode_url = reverse("casework:episode", args=[episode.public_id])

    # Early help to Family Help: the team leader changes the level; section 17 starts.
    browser_sign_in(world.team_leader)
    page.goto(episode_url)
    page.get_by_role("link", name=re.compile("Change the level of need")).click()
    page.get_by_label("3: Family Help (Family Help)").check()
    page.get_by_label(re.compile("The child is a child in need")).check()
    page.get_by_label("Reasons").fill("Needs in four areas; the family agrees to Family Help.")
    page.get_by_role("button", name="Change the level").click()
    expect(page.get_by_test_id("episode-level")).to_contain_text("Family Help")
    expect(page.get_by_test_id("episode-level")).to_contain_text("section 17")
    sign_out(page)

    # The lead professional: the network, the offer, the meeting and the family's plan.
    browser_sign_in(world.lead)
    page.goto(episode_url)
    page.get_by_role("link", name="See the network").click()
    page.get_by_role("link", name="Add someone to the network").click()
    page.get_by_label("Given name").fill("Maureen")
    page.get_by_label("Family name").fill("Ashcombe")
    page.get_by_label("Grandparent", exact=True).check()
    page.get_by_label("What they can offer (optional)").fill("School runs on Mondays")
    page.get_by_role("group", name="Does the family agree they may be involved?").get_by_label(
        "Yes"
    ).check()
    page.get_by_role("button", name="Add to the network").click()
    page.wait_for_selector('[data-testid="network-diagram"]')
    page.get_by_role("link", name="Back to the episode").click()
    page.get_by_role("link", name="Offers and meetings").click()
    page.get_by_role("link", name="Record an offer").click()
    page.get_by_label("Accepted").check()
    page.get_by_role("button", name="Record the offer").click()
    page.get_by_role("link", name="Record the meeting").click()
    page.get_by_label("Or the coordinator's name, if they are not in Familyhub").fill("Sam Idowu")
    page.get_by_label("Maureen Ashcombe (Grandparent)").check()
    page.get_by_role("group", name="Did the family have private family time?").get_by_label(
        "Yes"
    ).check()
    page.get_by_role("button", name="Record the meeting").click()
    page.get_by_role("link", name="Record the family's plan").click()
    page.get_by_label("What will happen").fill("Tom gets to school on time every day.")
    page.get_by_label("Who does what").fill("Nan on Mondays; Mum the rest.")
    page.get_by_label("By when").fill("From next week.")
    review = timezone.localdate() + datetime.timedelta(days=28)
    due = page.get_by_role("group", name="Date of the first review")
    due.get_by_label("Day").fill(str(review.day))
    due.get_by_label("Month").fill(str(review.month))
    due.get_by_label("Year").fill(str(review.year))
    page.get_by_role("button", name="Record the plan").click()
    expect(page.locator("body")).to_contain_text("The family's plan is recorded")

    # A share with the child protection team under the duty to share, without consent.
    page.goto(reverse("access:share", args=[world.child.public_id]))
    page.get_by_label("Team to share with").select_option(
        label="Multi-Agency Child Protection Team"
    )
    page.get_by_label("Which information").select_option(label="General")
    page.get_by_label("Why are you sharing?").fill("The school reports an unexplained bruise.")
    page.get_by_label(re.compile("^The duty to share")).check()
    page.get_by_label("Safeguarding reason").fill("An unexplained injury to a child of nine.")
    page.get_by_role("button", name="Share").click()
    page.wait_for_load_state()
    page.screenshot(path=f"{SHOTS}/20-share.png", full_page=True)
    share = Share.objects.get(person=world.child)
    assert share.basis == "duty_to_share" and share.safeguarding_reason
    sign_out(page)

    # The step-up with its pack, the team's decision, and back down to Family Help.
    browser_sign_in(world.team_leader)
    page.goto(episode_url)
    page.get_by_role("link", name="Step up to child protection").click()
    page.get_by_label("Reasons").fill("Unexplained bruise reported by the school.")
    page.get_by_role("button", name="Step up").click()
    page.goto(episode_url)
    page.get_by_role("link", name="Information pack").click()
    expect(page.get_by_test_id("pack-chronology")).to_be_attached()
    pack = page.content()
    page.screenshot(path=f"{SHOTS}/20-pack.png", full_page=True)
    assert "The family network" in pack and "Maureen Ashcombe (Grandparent)" in pack
    assert "Tom gets to school on time every day." in pack
    assert 'data-testid="pack-assessment"' in pack and 'data-testid="pack-chronology"' in pack
    page.goto(episode_url)
    page.get_by_role("link", name="Record the child protection decision").click()
    page.get_by_label("No child protection action: back to Family Help").check()
    page.get_by_label("Reasons").fill("Explained at the strategy discussion.")
    page.get_by_role("button", name="Record the decision").click()
    page.goto(episode_url)
    page.get_by_role("link", name="Step down to Family Help or early help").click()
    page.get_by_label("3: Family Help").check()
    page.get_by_label("Reasons").fill("Back to Family Help with the family's plan.")
    page.get_by_role("button", name="Step down").click()
    episode = Episode.objects.get(pk=episode.pk)
    assert episode.status == EpisodeStatus.OPEN and episode.level.is_family_help
    kinds = list(episode.events.order_by("at", "pk").values_list("kind", flat=True))
    assert kinds[-4:] == ["level_changed", "stepped_up", "cp_decision", "stepped_down"]
    sign_out(page)

    # The information governance lead sees the share and its basis.
    browser_sign_in(ig_lead)
    page.goto(reverse("access:sharing-report"))
    page.screenshot(path=f"{SHOTS}/20-sharing-report.png", full_page=True)
    report = page.get_by_test_id("shares-by-basis").inner_text()
    assert "No shares" not in report and "Early help" in report
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(reverse("access:sharing-report"))
    page.screenshot(path=f"{SHOTS}/20-sharing-report-phone.png", full_page=True)
