"""A health visitor works through her worklist in a real browser."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

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
    assert rows.count() == 2
    assert "Amara Okafor" in page.get_by_test_id("worklist").inner_text()

    # The new birth visit, with a low mood screen that needs an alert.
    page.get_by_role("link", name="Record New birth visit for Amara Okafor").click()
    page.get_by_label("Home").check()
    page.get_by_label("Completed").check()
    page.get_by_label("Totally breastfed").check()
    page.get_by_label("EPDS total score").fill("14")
    page.get_by_label("EPDS self-harm item (item 10) score").fill("0")
    page.get_by_test_id("save-review").click()
    page.wait_for_url("**/child-health/people/**")
    assert "New birth visit recorded" in page.content()
    assert "EPDS total 14" in page.get_by_test_id("alert").first.inner_text()

    # Back to the list: one left, and the 6-8 week review for Ben, who was not brought.
    page.get_by_role("link", name="Reviews").first.click()
    assert page.get_by_test_id("worklist-row").count() == 1
    page.get_by_role("link", name="Record 6 to 8 week review for Ben Ashworth").click()
    page.get_by_label("Clinic").check()
    page.get_by_label("Not brought / no access").check()
    page.get_by_test_id("save-review").click()
    page.wait_for_url("**/child-health/people/**")
    page.get_by_role("link", name="Reviews").first.click()
    assert page.get_by_test_id("worklist-empty").is_visible()

    assert (
        ReviewDue.objects.get(person=first, kind=ReviewKind.NEW_BIRTH).status == DueStatus.COMPLETED
    )
    assert (
        ReviewDue.objects.get(person=second, kind=ReviewKind.SIX_EIGHT_WEEK).status
        == DueStatus.NOT_BROUGHT
    )
    assert Alert.objects.filter(person=first).count() == 1
