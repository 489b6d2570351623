"""A register of 20 taken at the door in a real browser, and a walk-in added by card number."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from familyhub.hubs import services
from familyhub.hubs.models import Attendance
from familyhub.hubs.tests.factories import HubServiceFactory, HubSiteFactory, SessionFactory
from familyhub.testing.factories import (
    AuthorityFactory,
    HouseholdFactory,
    HouseholdMembershipFactory,
    LocalityFactory,
    PersonFactory,
    TeamFactory,
    TeamMembershipFactory,
    UserFactory,
)


@pytest.mark.browser
def test_take_a_register_of_twenty_and_add_a_walk_in(page, browser_sign_in, live_server):
    authority = AuthorityFactory()
    locality = LocalityFactory(authority=authority, name="Central")
    service = HubServiceFactory(authority=authority)
    hub = HubSiteFactory(authority=authority, locality=locality, name="Grays Hub")
    team = TeamFactory(service=service, locality=locality, base=hub)
    receptionist = UserFactory(username="rita", role="reception")
    TeamMembershipFactory(user=receptionist, team=team)
    session = SessionFactory(authority=authority, site=hub, service=service, capacity=25)
    session.staff.add(receptionist)
    people = []
    for i in range(20):
        household = HouseholdFactory(authority=authority, card_number=f"FH{5000 + i:08d}")
        person = PersonFactory(authority=authority, given_name=f"Child{i:02d}", family_name="Door")
        HouseholdMembershipFactory(household=household, person=person)
        services.booking_create(session=session, person=person)
        people.append(person)
    # A brother who was not booked arrives with the first family.
    brother = PersonFactory(authority=authority, given_name="Walker", family_name="Door")
    HouseholdMembershipFactory(
        household=people[0].household_memberships.get().household, person=brother
    )

    browser_sign_in(receptionist)
    page.goto(f"/hubs/sessions/{session.public_id}/register/")
    for person in people:
        page.get_by_label(f"{person.display_name} is here").check()
    page.get_by_role("button", name="Save register").click()
    page.wait_for_url(re.compile(r"/register/$"))
    expect(page.get_by_role("alert")).to_contain_text("20 people here")
    assert Attendance.objects.filter(session=session).count() == 20

    page.get_by_label("Search by name or family card number").fill(
        people[0].household_memberships.get().household.card_number
    )
    page.get_by_role("button", name="Search").click()
    results = page.get_by_test_id("search-results")
    results.get_by_role("button", name=re.compile(r"Add as walk-in\W*Walker Door")).click()
    page.wait_for_url(re.compile(r"/register/$"))
    expect(page.get_by_test_id("register-counts")).to_contain_text("21 here")
    walk_in = Attendance.objects.get(session=session, person=brother)
    assert walk_in.walk_in and walk_in.recorded_by == receptionist
