"""The issue's journey in a real Chromium, on a desktop and at 375 px: a parent signs up with an
email address and a code, registers herself and the baby she is expecting, is confirmed by
reception (who matches the registration against the register), signs in again and books a
session. Every family page on the way is checked for sideways scrolling, a lang attribute, one
h1 and a label for every input; screenshots go to /tmp/shots-p1 (bad input included).

The second test is the issue's whole "done when" journey at desktop width, into the record
helper's pages: the lead professional and the plan, a comment on an action, a health visitor's
view in "who has looked", a consent withdrawn and the data downloaded."""

from __future__ import annotations

import datetime
import os
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from familyhub.accounts.roles import Role
from familyhub.hubs.models import Booking, BookingStatus
from familyhub.hubs.tests.factories import ActivityTypeFactory, SessionFactory
from familyhub.places.models import SiteKind
from familyhub.services.models import ServiceKind
from familyhub.testing import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = "/tmp/shots-p1"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}

CHECKS = """() => {
  const problems = [];
  if (!document.documentElement.lang) problems.push('no lang');
  if (document.querySelectorAll('h1').length !== 1) problems.push('h1 count ' + document.querySelectorAll('h1').length);
  for (const input of document.querySelectorAll('input:not([type=hidden]), textarea, select')) {
    const labelled = (input.id && document.querySelector('label[for="' + input.id + '"]')) || input.closest('label') || input.getAttribute('aria-label');
    if (!labelled && input.type !== 'submit') problems.push('unlabelled ' + (input.name || input.id));
  }
  if (document.documentElement.scrollWidth > window.innerWidth) problems.push('scrolls sideways: ' + document.documentElement.scrollWidth);
  return problems;
}"""


def _world():
    authority = factories.AuthorityFactory()
    locality = factories.LocalityFactory(authority=authority, name="Central")
    hub = factories.SiteFactory(
        authority=authority, locality=locality, name="Central Family Hub", kind=SiteKind.FAMILY_HUB
    )
    service = factories.ServiceFactory(
        authority=authority, name="Family hubs", kind=ServiceKind.FAMILY_HUB
    )
    team = factories.TeamFactory(name="Central hub", service=service, locality=locality, base=hub)
    reception = factories.UserFactory(role=Role.RECEPTION, username="rita")
    factories.TeamMembershipFactory(user=reception, team=team)
    session = SessionFactory(
        authority=authority,
        activity=ActivityTypeFactory(name="Bump and baby"),
        site=hub,
        service=service,
        date=timezone.localdate() + datetime.timedelta(days=2),
    )
    return reception, session


class Walk:
    def __init__(self, page, size: str) -> None:
        self.page, self.size, self.problems, self.n = page, size, [], 0
        os.makedirs(SHOTS, exist_ok=True)

    def look(self, name: str) -> None:
        self.n += 1
        self.page.screenshot(path=f"{SHOTS}/{self.size}-{self.n:02d}-{name}.png", full_page=True)
        found = self.page.evaluate(CHECKS)
        if found:
            self.problems.append(f"{self.page.url}: {found}")


def _code() -> str:
    found = re.search(r"\b(\d{6})\b", mail.outbox[-1].body)
    assert found
    return found.group(1)


def _family_sign_in(page, walk: Walk, email: str) -> None:
    page.goto("/family/")
    walk.look("sign-in")
    page.get_by_label("Email address or mobile phone number").fill("not an address@")
    page.get_by_role("button", name="Send me a code").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    walk.look("sign-in-bad-input")
    page.get_by_label("Email address or mobile phone number").fill(email)
    page.get_by_role("button", name="Send me a code").click()
    page.wait_for_url("**/family/sign-in/code/")
    page.get_by_label("Code").fill("12")
    page.get_by_role("button", name="Sign in").click()
    walk.look("code-bad-input")
    page.get_by_label("Code").fill(_code())
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/family/")


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_parent_signs_up_registers_her_baby_is_confirmed_and_books(page, browser_sign_in, size):
    reception, session = _world()
    page.set_viewport_size(DESKTOP if size == "desktop" else PHONE)
    walk = Walk(page, size)
    _family_sign_in(page, walk, "amira@example.org")
    expect(page.get_by_test_id("not-linked")).to_be_visible()
    walk.look("home-not-linked")

    page.get_by_role("link", name="We are new: tell us about your family").click()
    page.get_by_role("button", name="Send").click()  # nothing filled in
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    walk.look("register-bad-input")
    page.get_by_label("Address line 1").fill("4 River Street")
    page.get_by_label("Postcode").fill("RM17 6AB")
    page.get_by_label("You: first name").fill("Amira")
    page.get_by_label("You: last name").fill("Khan")
    dob = page.get_by_role("group", name="You: date of birth")
    dob.get_by_label("Day").fill("14")
    dob.get_by_label("Month").fill("3")
    dob.get_by_label("Year").fill("1996")
    due = timezone.localdate() + datetime.timedelta(days=70)
    page.get_by_label("A baby you are expecting: last name (optional)").fill("Khan")
    due_group = page.get_by_role("group", name="A baby you are expecting: the date they are due")
    due_group.get_by_label("Day").fill(str(due.day))
    due_group.get_by_label("Month").fill(str(due.month))
    due_group.get_by_label("Year").fill(str(due.year))
    page.get_by_role("button", name="Send").click()
    page.wait_for_url("**/family/")
    expect(page.get_by_test_id("registration-waiting")).to_be_visible()
    walk.look("home-registration-waiting")
    page.get_by_test_id("family-sign-out").click()

    browser_sign_in(reception)
    page.goto("/family-accounts/")
    walk.look("reception-worklist")
    page.get_by_test_id("self-registrations").get_by_role("link").first.click()
    page.get_by_role("button", name="Register the family and link the account").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()  # how confirmed not chosen
    walk.look("reception-confirm-bad-input")
    page.get_by_label("In person").check()
    page.get_by_role("button", name="Register the family and link the account").click()
    page.wait_for_url("**/people/households/**")
    page.context.clear_cookies()  # reception is done (the staff menu folds away on a phone)

    _family_sign_in(page, walk, "amira@example.org")
    people = page.get_by_test_id("family-people").inner_text()
    assert "Amira Khan" in people and "Unborn baby Khan" in people
    walk.look("home-linked")
    page.get_by_role("link", name="Find and book a session").click()
    walk.look("sessions")
    page.get_by_role("link", name=re.compile("^Book")).first.click()
    page.get_by_role("button", name="Book").click()  # no one chosen
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    walk.look("book-bad-input")
    page.get_by_label("Amira Khan").check()
    page.get_by_role("button", name="Book").click()
    page.wait_for_url("**/family/bookings/")
    expect(page.get_by_test_id("family-bookings")).to_contain_text("Bump and baby")
    walk.look("bookings")
    assert Booking.objects.get(session=session).status == BookingStatus.BOOKED

    page.goto("/family/help/new/")
    page.get_by_role("button", name="Send").click()
    walk.look("help-bad-input")
    page.goto("/family/record/")
    expect(page.locator("h1")).to_be_visible()
    walk.look("record-home")
    assert not walk.problems, walk.problems


def test_the_whole_journey_with_the_family_record(page, browser_sign_in, authority, make_user):
    """The issue's "done when" journey, end to end at desktop width: Mel, already known to the
    hub (her daughter Cleo has an early help plan), signs up, registers the baby she expects,
    is confirmed by reception against her existing record, books a session, sees her lead
    professional and the plan, comments on an action, sees that a health visitor looked at the
    record, withdraws a consent and downloads her data."""
    from familyhub.access.models import Consent, ConsentMethod, FamilyLink
    from familyhub.access.tests.family_world import build_family_world
    from familyhub.audit.log import log_shown
    from familyhub.people.models import Person

    w = build_family_world(authority, make_user)
    FamilyLink.objects.filter(user=w.account).delete()
    w.account.delete()  # Mel has no account yet: she signs up below
    reception = make_user(Role.RECEPTION, team=w.hub_team, username="rita")
    hub_site = factories.SiteFactory(
        authority=authority, name="Riverside Family Hub", kind=SiteKind.FAMILY_HUB
    )
    session = SessionFactory(
        authority=authority,
        activity=ActivityTypeFactory(name="Bump and baby"),
        site=hub_site,
        service=w.hub,
        date=timezone.localdate() + datetime.timedelta(days=3),
    )
    health = factories.ServiceFactory(
        authority=authority, name="Health visiting", kind=ServiceKind.HEALTH_VISITING
    )
    hv_team = factories.TeamFactory(service=health)
    hv = make_user(Role.HEALTH_VISITOR, team=hv_team)
    factories.RegistrationFactory(person=w.child, team=hv_team)
    log_shown(hv, [w.child], purpose="Child health record")
    Consent.objects.create(person=w.child, given=True, method=ConsentMethod.VERBAL)

    page.set_viewport_size(DESKTOP)
    walk = Walk(page, "journey")
    _family_sign_in(page, walk, "mel@example.org")
    page.get_by_role("link", name="We are new: tell us about your family").click()
    page.get_by_label("Address line 1").fill("1 Safe Street")
    page.get_by_label("Postcode").fill("ZZ1 1ZZ")
    page.get_by_label("You: first name").fill("Mel")
    page.get_by_label("You: last name").fill("Dovecote")
    dob = page.get_by_role("group", name="You: date of birth")
    dob.get_by_label("Day").fill("1")
    dob.get_by_label("Month").fill("3")
    dob.get_by_label("Year").fill("1992")
    due = timezone.localdate() + datetime.timedelta(days=90)
    page.get_by_label("A baby you are expecting: last name (optional)").fill("Dovecote")
    due_group = page.get_by_role("group", name="A baby you are expecting: the date they are due")
    due_group.get_by_label("Day").fill(str(due.day))
    due_group.get_by_label("Month").fill(str(due.month))
    due_group.get_by_label("Year").fill(str(due.year))
    page.get_by_role("button", name="Send").click()
    page.wait_for_url("**/family/")
    page.get_by_test_id("family-sign-out").click()

    browser_sign_in(reception)
    page.goto("/family-accounts/")
    page.get_by_test_id("self-registrations").get_by_role("link").first.click()
    mel_group = page.get_by_role("group", name="Mel Dovecote (Me)")
    mel_group.get_by_label(re.compile(r"^Mel Dovecote, born")).check()  # her existing record
    page.get_by_label("In person").check()
    walk.look("reception-match-existing")
    page.get_by_role("button", name="Register the family and link the account").click()
    page.wait_for_url("**/people/households/**")
    page.context.clear_cookies()
    assert Person.objects.filter(given_name="Mel", family_name="Dovecote").count() == 1
    assert Person.objects.filter(family_name="Dovecote", is_unborn=True).count() == 1

    _family_sign_in(page, walk, "mel@example.org")
    people = page.get_by_test_id("family-people").inner_text()
    assert "Mel Dovecote" in people and "Cleo Dovecote" in people
    assert "Unborn baby Dovecote" in people and "Dan" not in people
    page.goto(f"/family/sessions/{session.public_id}/book/")
    page.get_by_label("Mel Dovecote").check()
    page.get_by_role("button", name="Book").click()
    page.wait_for_url("**/family/bookings/")
    expect(page.get_by_test_id("family-bookings")).to_contain_text("Bump and baby")

    page.goto("/family/")
    page.get_by_role("link", name="Your record: who is helping you").click()
    expect(page.get_by_test_id("services-involved")).to_contain_text("Priya Lead")
    walk.look("record")
    page.get_by_role("link", name="Your family plan").first.click()
    page.get_by_role("link", name="Add a comment").first.click()
    page.get_by_label("Your comment").fill("Cleo said three new words")
    page.get_by_role("button", name="Send your comment").click()
    expect(page.get_by_test_id("my-comment")).to_contain_text("Cleo said three new words")
    walk.look("plan-comment")
    page.goto("/family/record/who-has-looked/")
    expect(page.get_by_test_id("access-history")).to_contain_text("Health visitor")
    walk.look("who-has-looked")
    page.goto("/family/record/consents/")
    page.get_by_role("link", name="Withdraw").first.click()
    page.get_by_role("button", name="Withdraw my consent").click()
    expect(page.get_by_test_id("withdrawn")).to_be_visible()
    walk.look("consent-withdrawn")
    page.goto("/family/record/your-data/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download a PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")
    walk.look("your-data")
    assert not walk.problems, walk.problems
