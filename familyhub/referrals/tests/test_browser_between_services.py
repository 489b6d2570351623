"""Issue 16's journey in a real browser: a health visitor refers a mother to the family hub's
postnatal group, the hub's inbox accepts and books her, the health visitor sees the acceptance
and the attendance on the family's timeline; an overdue first contact reaches the team
leader's list and their notifications. (The home visit with its prompts: contacts' journey.)"""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from familyhub.access.models import SharingAgreement
from familyhub.childhealth.models import HealthVisitorAllocation
from familyhub.hubs import services as hubs_services
from familyhub.hubs.models import Booking, Session
from familyhub.hubs.tests.factories import ActivityTypeFactory, HubSiteFactory
from familyhub.referrals.escalation import escalate_overdue
from familyhub.referrals.models import Referral, ReferralStatus
from familyhub.referrals.tests.conftest import make_partners
from familyhub.referrals.tests.factories import build_world

SHOTS = "/tmp/shots"


def sign_out(page):
    page.get_by_test_id("sign-out").click()
    page.wait_for_url(re.compile(r".*/account/.*|.*/$"))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_health_visitors_referral_to_the_family_hub_and_back(page, browser_sign_in):
    world = build_world()
    partners = make_partners(world)
    # The hub shares what it records (bookings, attendances) with health visiting.
    SharingAgreement.objects.create(
        name="Family hub to health visiting",
        owner_service=partners.hub,
        recipient_service=partners.health_visiting,
        roles=[],
        categories=["general"],
        basis="public_task",
    )
    site = HubSiteFactory(authority=world.authority, name="Central family hub")
    partners.hub_team.base = site  # the hub's team runs the sessions at its hub
    partners.hub_team.save()
    group = Session.objects.create(
        authority=world.authority,
        activity=ActivityTypeFactory(name="Postnatal group"),
        site=site,
        service=partners.hub,
        date=timezone.localdate(),
        start_time=datetime.time(10, 0),
        end_time=datetime.time(11, 30),
        capacity=12,
    )
    # The health visitor knows the family: she is the baby's named health visitor.
    HealthVisitorAllocation.objects.create(
        person=world.child,
        owning_service=partners.health_visiting,
        practitioner=partners.health_visitor,
        team=partners.health_visitor.memberships.get().team,
    )

    # 1. The health visitor refers the mother to the family hub.
    browser_sign_in(partners.health_visitor)
    page.goto(f"/referrals/new/{world.mother.public_id}/")
    page.get_by_label("Which service are you referring to?").select_option(
        label="Family hub Central"
    )
    page.get_by_label("Improved mental and physical health").check()
    page.get_by_label("What are the concerns?").fill(
        "Low mood after the birth; would like to meet other parents at the postnatal group."
    )
    page.get_by_label("The family knows and agrees").check()
    page.screenshot(path=f"{SHOTS}/16-1-refer.png", full_page=True)
    page.get_by_role("button", name="Send the referral").click()
    page.wait_for_selector('[data-testid="referral-heading"]')
    referral = Referral.objects.get()
    assert referral.owning_service == partners.hub and referral.from_service is not None
    sign_out(page)

    # 2. The hub's inbox: accept, allocate, book her onto the group.
    browser_sign_in(partners.hub_worker)
    page.goto("/referrals/inbox/")
    page.screenshot(path=f"{SHOTS}/16-2-inbox.png", full_page=True)
    page.get_by_test_id("inbox-waiting").get_by_role("link", name="Jane Walker").click()
    page.get_by_label("Accept").check()
    page.get_by_label("Allocate to (optional)").select_option(
        label=partners.hub_worker.get_full_name()
    )
    page.get_by_role("button", name="Record the decision").click()
    page.wait_for_selector('[data-testid="worker"]')
    expect(page.get_by_test_id("referral-status")).to_contain_text("Accepted")
    page.screenshot(path=f"{SHOTS}/16-3-accepted.png", full_page=True)
    page.get_by_test_id("referral-actions").get_by_role("link", name="Book onto a session").click()
    page.get_by_label(re.compile("Jane Walker")).check()
    page.get_by_label("Session").select_option(index=1)
    page.get_by_role("button", name="Book").click()
    page.wait_for_load_state()
    booking = Booking.objects.get(person=world.mother, session=group)
    # She came: the register is taken at the door.
    hubs_services.register_save(
        session=group,
        present=[world.mother.pk],
        shown=[world.mother.pk],
        was_present=[],
        by=partners.hub_worker,
    )
    assert booking.pk
    sign_out(page)

    # 3. The health visitor sees what happened: accepted, and the attendance.
    browser_sign_in(partners.health_visitor)
    page.goto(f"/referrals/{referral.public_id}/")
    expect(page.get_by_test_id("referral-status")).to_contain_text("Accepted")
    page.goto(f"/access/people/{world.mother.public_id}/family/")
    timeline = page.content()
    page.screenshot(path=f"{SHOTS}/16-4-timeline.png", full_page=True)
    assert "Referral from Health visiting to Family hub Central: accepted" in timeline
    assert "Postnatal group" in timeline
    sign_out(page)

    # 4. An accepted referral whose first contact is overdue reaches the team leader.
    late = Referral.objects.get(pk=referral.pk)
    Referral.objects.filter(pk=late.pk).update(
        status=ReferralStatus.ACCEPTED,
        first_contact_due_at=timezone.now() - datetime.timedelta(days=14),
    )
    escalate_overdue()
    browser_sign_in(partners.hub_leader)
    page.goto("/referrals/overdue/")
    page.screenshot(path=f"{SHOTS}/16-5-overdue.png", full_page=True)
    assert (
        "First contact after an accepted referral"
        in page.get_by_test_id("overdue-services").inner_text()
    )
    page.goto("/notifications/")
    page.screenshot(path=f"{SHOTS}/16-6-notifications.png", full_page=True)
    expect(page.locator("body")).to_contain_text("overdue")
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/referrals/overdue/")
    page.screenshot(path=f"{SHOTS}/16-7-overdue-phone.png", full_page=True)
