"""The printable timetable on a laptop and on a phone: the page never widens past the screen
(the table scrolls sideways in its own box with the day column kept in view), and print is
still one A4 landscape table."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from familyhub.hubs.tests.factories import HubServiceFactory, HubSiteFactory, SessionFactory
from familyhub.testing.factories import (
    AuthorityFactory,
    LocalityFactory,
    TeamFactory,
    TeamMembershipFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser]


@pytest.fixture
def many_places(transactional_db):
    authority = AuthorityFactory()
    locality = LocalityFactory(authority=authority, name="Central")
    service = HubServiceFactory(authority=authority)
    monday = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())
    sites = [
        HubSiteFactory(authority=authority, locality=locality, name=f"Family Hub Number {i}")
        for i in range(8)
    ]
    for number, site in enumerate(sites):
        SessionFactory(
            authority=authority,
            site=site,
            service=service,
            date=monday + datetime.timedelta(days=number % 5),
        )
    worker = UserFactory(username="wendy", role="reception")
    TeamMembershipFactory(
        user=worker, team=TeamFactory(service=service, locality=locality, base=sites[0])
    )
    return worker


def _page_width(page) -> tuple[int, int]:
    return page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (375, 740)])
def test_the_printable_timetable_fits_the_screen(page, browser_sign_in, many_places, width, height):
    page.set_viewport_size({"width": width, "height": height})
    browser_sign_in(many_places)
    page.goto("/hubs/timetable/print/")
    table = page.get_by_test_id("print-timetable")
    expect(table).to_be_visible()
    scroll_width, screen_width = _page_width(page)
    assert scroll_width <= screen_width  # the page itself does not scroll sideways
    box = page.get_by_role("region", name="Sessions by day and place")
    assert box.evaluate("b => b.scrollWidth > b.clientWidth")  # eight places: the box scrolls
    # Each place's column is wide enough to read a session line (11em or 9em of 16px text).
    cell_width = table.locator("tbody td").first.bounding_box()["width"]
    assert cell_width >= 140
    # Scrolled to the last place, the day is still shown beside it.
    box.evaluate("b => { b.scrollLeft = b.scrollWidth }")
    day = table.locator("tbody th").first.bounding_box()
    region = box.bounding_box()
    assert abs(day["x"] - region["x"]) < 2


def test_print_is_still_one_a4_table_without_a_scroll_box(page, browser_sign_in, many_places):
    browser_sign_in(many_places)
    page.goto("/hubs/timetable/print/")
    page.emulate_media(media="print")
    box = page.get_by_role("region", name="Sessions by day and place")
    assert box.evaluate("b => getComputedStyle(b).overflowX") == "visible"
    cell = page.get_by_test_id("print-timetable").locator("tbody td").first
    assert cell.evaluate("c => getComputedStyle(c).fontSize") == "12px"  # 9pt
    assert cell.evaluate("c => getComputedStyle(c).minWidth") in ("0px", "auto")
