"""A health visitor and a family support worker open the same family record and see different
parts of it; neither sees the domestic abuse service's note."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from familyhub.accounts.roles import Role
from familyhub.demo import access as demo
from familyhub.services.models import ServiceKind
from familyhub.testing.factories import ServiceFactory, TeamFactory


@pytest.mark.browser
def test_two_services_see_different_parts_of_one_family(
    page, browser_sign_in, authority, make_user
):
    hub = ServiceFactory(authority=authority, kind=ServiceKind.FAMILY_HUB, name="Family hubs")
    health = ServiceFactory(
        authority=authority, kind=ServiceKind.HEALTH_VISITING, name="Health visiting"
    )
    da = ServiceFactory(
        authority=authority, kind=ServiceKind.COMMISSIONED, name=demo.DA_SERVICE_NAME
    )
    hv = make_user(Role.HEALTH_VISITOR, team=TeamFactory(service=health))
    fsw = make_user(Role.FAMILY_SUPPORT_WORKER, team=TeamFactory(service=hub))
    demo.default_agreements(
        family_hub=hub,
        health_visiting=health,
        school_nursing=None,
        early_help=None,
        front_door=None,
        da_service=da,
    )
    family = demo.example_family(
        authority=authority,
        family_hub=hub,
        health_visiting=health,
        da_service=da,
        author_hub=fsw,
        author_hv=hv,
    )
    url = f"/access/families/{family.household.public_id}/"

    browser_sign_in(hv)
    page.goto(url)
    timeline = page.get_by_test_id("timeline")
    assert "6-8 week review: feeding well" in timeline.inner_text()
    assert "Came to stay and play with mum" in timeline.inner_text()
    assert "Safety planning" not in page.content()
    page.get_by_test_id("sign-out").click()

    browser_sign_in(fsw)
    page.goto(url)
    timeline = page.get_by_test_id("timeline")
    assert "Came to stay and play with mum" in timeline.inner_text()
    assert "6-8 week review" not in page.content()
    assert "Safety planning" not in page.content()
    expect(page.get_by_test_id("not-shared")).to_contain_text("1 item not shared with you")
    # Filtering by category narrows the one timeline.
    page.get_by_label("Category").select_option("health")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("body")).to_contain_text("Nothing matches this filter")
