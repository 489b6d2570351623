"""A health visitor works through her worklist in a real browser."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from familyhub.childhealth import services
from familyhub.childhealth.models import Alert, DueStatus, ReviewDue
from familyhub.childhealth.schedule import ReviewKind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_health_visitor_works_through_worklist(page, browser_sign_in, owner, make_child, hv_team):
    today = timezone.localdate()
    first = make_child(
        date_of_birth=today - timedelta(days=11), given_name="Amara", family_name="Okafor"
    )
    second = make_child(
        date_of_birth=today - timedelta(days=45), given_name="Ben", family_name="Ashworth"
    )
    for child in (first, second):
        services.schedule_refresh(child)
        services.allocation_set(person=child, practitioner=owner, team=hv_team, by=owner)

    browser_sign_in(owner)
    page.get_by_role("link", name="Reviews").first.click()
    rows = page.get_by_test_id("worklist-row")
    expect(rows).to_have_count(2)
    expect(page.get_by_test_id("worklist")).to_contain_text("Amara Okafor")

    # The new birth visit, with a low mood screen that needs an alert.
    page.get_by_role("link", name="Record New birth visit for Amara Okafor").click()
    page.get_by_label("Home").check()
    page.get_by_label("Completed").check()
    page.get_by_label("Totally breastfed").check()
    page.get_by_label("EPDS total score").fill("14")
    page.get_by_label("EPDS self-harm item (item 10) score").fill("0")
    page.get_by_test_id("save-review").click()
    page.wait_for_url("**/child-health/people/**")
    expect(page.locator("body")).to_contain_text("New birth visit recorded")
    expect(page.get_by_test_id("alert").first).to_contain_text("EPDS total 14")

    # Back to the list: one left, and the 6-8 week review for Ben, who was not brought.
    page.get_by_role("link", name="Reviews").first.click()
    expect(page.get_by_test_id("worklist-row")).to_have_count(1)
    page.get_by_role("link", name="Record 6 to 8 week review for Ben Ashworth").click()
    page.get_by_label("Clinic").check()
    page.get_by_label("Not brought / no access").check()
    page.get_by_test_id("save-review").click()
    page.wait_for_url("**/child-health/people/**")
    page.get_by_role("link", name="Reviews").first.click()
    expect(page.get_by_test_id("worklist-empty")).to_be_visible()

    assert (
        ReviewDue.objects.get(person=first, kind=ReviewKind.NEW_BIRTH).status == DueStatus.COMPLETED
    )
    assert (
        ReviewDue.objects.get(person=second, kind=ReviewKind.SIX_EIGHT_WEEK).status
        == DueStatus.NOT_BROUGHT
    )
    assert Alert.objects.filter(person=first).count() == 1


@pytest.mark.parametrize(("width", "height"), [(375, 740), (1280, 800)])
def test_growth_charts_fit_the_screen_and_a_baby_is_weighed(
    page, browser_sign_in, owner, make_child, hv_team, width, height
):
    today = timezone.localdate()
    baby = make_child(
        date_of_birth=today - timedelta(weeks=14), given_name="Amara", family_name="Okafor", sex="F"
    )
    services.allocation_set(person=baby, practitioner=owner, team=hv_team, by=owner)
    for week, weight, length, head in ((2, "3.6", "51.5", "35.5"), (8, "5.0", "57.0", "38.0")):
        services.measurement_record(
            person=baby,
            by=owner,
            measured_on=baby.date_of_birth + timedelta(weeks=week),
            weight_kg=weight,
            height_cm=length,
            head_circumference_cm=head,
        )
    page.set_viewport_size({"width": width, "height": height})
    browser_sign_in(owner)
    page.goto(f"/child-health/people/{baby.public_id}/")

    # A slip of units is refused with the field named; the right weight is saved and charted.
    page.get_by_role("link", name="Record weight, length and head circumference").click()
    page.get_by_label("Weight (kg)").fill("45")
    page.get_by_label("At a review").check()
    page.get_by_test_id("save-measurement").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Weight of 45 kg is not plausible")
    page.get_by_label("Weight (kg)").fill("6.1")
    page.get_by_label("Length (cm)").fill("61")
    page.get_by_label("Head circumference (cm)").fill("40")
    page.get_by_test_id("save-measurement").click()
    page.wait_for_url(f"**/child-health/people/{baby.public_id}/")
    expect(page.get_by_test_id("measurement")).to_have_count(3)

    for kind in ("weight", "height", "head"):
        chart = page.get_by_test_id(f"growth-chart-{kind}").locator("svg")
        chart.scroll_into_view_if_needed()
        expect(chart).to_be_visible()
        assert chart.bounding_box()["width"] <= width
    expect(page.get_by_test_id("growth-chart-weight").locator("circle")).to_have_count(3 + 1)
    scroll_width, screen_width = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert scroll_width <= screen_width  # the page itself does not scroll sideways
