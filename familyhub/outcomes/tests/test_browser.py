"""A team leader opens the outcomes dashboard in Chromium and drills into a ward."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from familyhub.accounts.roles import Role
from familyhub.childhealth.schedule import ReviewKind
from familyhub.outcomes.aggregation import refresh
from familyhub.outcomes.frameworks import ensure_shipped_frameworks
from familyhub.testing.factories import RegistrationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dashboard_to_ward_to_people(
    page, browser_sign_in, make_user, hv_team, hv_service, authority, make_child, review, deprived
):
    ensure_shipped_frameworks()
    today = timezone.localdate()
    seen = make_child(
        date_of_birth=today - timedelta(days=35), given_name="Amara", family_name="Okafor"
    )
    review(seen, ReviewKind.NEW_BIRTH, seen.date_of_birth + timedelta(days=10))
    RegistrationFactory(person=seen, service=hv_service, registered_at=timezone.now())
    hidden = make_child(
        date_of_birth=today - timedelta(days=34), given_name="Zed", family_name="Hidden"
    )
    review(hidden, ReviewKind.NEW_BIRTH, hidden.date_of_birth + timedelta(days=11))
    refresh(authority.pk, quarters=2, years=1)
    leader = make_user(Role.TEAM_LEADER, team=hv_team, username="leader")

    browser_sign_in(leader)
    page.get_by_role("link", name="Outcomes").first.click()
    page.get_by_role("link", name="County: five objectives").click()
    card = page.get_by_test_id("indicator-new_birth_visit_14_days").first
    expect(card).to_contain_text("2 of 2")
    expect(card.locator("svg title")).to_have_count(1)
    card.get_by_role("link", name="New birth visits within 14 days").click()
    expect(page.get_by_test_id("area-table")).to_contain_text("Low Street")
    page.get_by_role("link", name="Low Street").click()
    expect(page.get_by_test_id("people-table")).to_contain_text("Amara Okafor")
    table = page.get_by_test_id("people-table").inner_text()
    assert "Amara Okafor" in table and "Zed" not in table
    assert "1 of them are not shown" in page.content()
