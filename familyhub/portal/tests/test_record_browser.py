"""The family's record in Chromium, as a parent and as the information governance lead, at
desktop width and at 375 px (screenshots in /tmp/shots-p2): the record, the plan (a comment),
a child's growth chart, who has looked (a question), consent withdrawn, the download page; then
the IG lead's question queue and a subject access request with its exports."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from familyhub.access.models import Consent, ConsentMethod
from familyhub.access.tests.family_world import build_family_world
from familyhub.accounts.roles import Role
from familyhub.audit.log import log_shown
from familyhub.childhealth.services import measurement_record
from familyhub.services.models import ServiceKind
from familyhub.testing.factories import RegistrationFactory, ServiceFactory, TeamFactory

SHOTS = Path("/tmp/shots-p2")
WIDTHS = {"desktop": 1280, "phone": 375}


def _shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"{name}-{label}.png"), full_page=True)
        # Nothing wider than the screen at phone width (tables scroll in their own box).
        if label == "phone":
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 1, f"{name} is {overflow}px too wide at 375px"
    page.set_viewport_size({"width": 1280, "height": 900})


def _sign_in_as(page, user) -> None:
    """A session made by the test client, handed to the browser (the family sign-in itself is
    walked by the family door's own browser test)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    page.context.clear_cookies()
    host = page.url.split("//", 1)[1].split("/", 1)[0].split(":")[0]
    page.context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "domain": host, "path": "/"}]
    )


@pytest.mark.browser
def test_a_parent_and_the_ig_lead_walk_the_family_record(page, live_server, authority, make_user):
    w = build_family_world(authority, make_user)
    health = ServiceFactory(
        authority=authority, name="Health visiting", kind=ServiceKind.HEALTH_VISITING
    )
    hv_team = TeamFactory(service=health)
    hv = make_user(Role.HEALTH_VISITOR, team=hv_team)
    RegistrationFactory(person=w.child, team=hv_team)
    born = w.child.date_of_birth
    for days, kg, cm in ((0, 3.4, 50.0), (60, 5.2, 58.0), (180, 7.4, 66.0), (360, 9.2, 74.5)):
        measurement_record(
            person=w.child,
            by=hv,
            measured_on=born + datetime.timedelta(days=days),
            weight_kg=kg,
            height_cm=cm,
        )
    log_shown(hv, [w.child], purpose="Child health record")
    Consent.objects.create(person=w.child, given=True, method=ConsentMethod.VERBAL)

    page.goto(live_server.url + "/family/")
    _sign_in_as(page, w.account)
    page.goto(live_server.url + "/family/record/")
    expect(page.get_by_role("heading", name="Your record", exact=True)).to_be_visible()
    expect(page.get_by_test_id("services-involved")).to_contain_text("Priya Lead")
    _shoot(page, "01-record")

    page.get_by_role("link", name="Your family plan").first.click()
    expect(page.get_by_role("heading", name="Your family plan")).to_be_visible()
    page.get_by_role("link", name="Add a comment").first.click()
    page.get_by_label("Your comment").fill("We read every night this week")
    page.get_by_role("button", name="Send your comment").click()
    expect(page.get_by_test_id("my-comment")).to_contain_text("We read every night this week")
    _shoot(page, "02-plan")

    page.goto(live_server.url + f"/family/record/children/{w.child.public_id}/")
    expect(page.get_by_test_id("growth-chart-weight")).to_be_visible()
    _shoot(page, "03-growth")

    page.goto(live_server.url + "/family/record/appointments/")
    expect(page.get_by_test_id("appointments")).to_contain_text("Review of your family plan")
    _shoot(page, "04-coming-up")

    page.goto(live_server.url + "/family/record/who-has-looked/")
    history = page.get_by_test_id("access-history").inner_text()
    assert "Health visitor, Health visiting" in history
    page.get_by_role("link", name="Ask about this").first.click()
    page.get_by_label("Your question").fill("Who was this and why?")
    page.get_by_role("button", name="Send your question").click()
    expect(page.get_by_test_id("my-questions")).to_contain_text("Who was this and why?")
    _shoot(page, "05-who-looked")

    page.goto(live_server.url + "/family/record/consents/")
    page.get_by_role("link", name="Withdraw").first.click()
    _shoot(page, "06-withdraw")
    page.get_by_role("button", name="Withdraw my consent").click()
    expect(page.get_by_test_id("withdrawn")).to_be_visible()
    _shoot(page, "07-consents")

    page.goto(live_server.url + "/family/record/your-data/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download a PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")
    _shoot(page, "08-your-data")

    page.goto(live_server.url + "/family/record/shared-with-you/")
    _shoot(page, "09-shared")

    _sign_in_as(page, w.ig)
    page.goto(live_server.url + "/access/questions/")
    page.get_by_role("link", name="About Cleo Dovecote").first.click()
    expect(page.get_by_test_id("question")).to_contain_text("Who was this and why?")
    page.get_by_label("Your answer to the family").fill("Your health visitor, before a visit.")
    page.get_by_role("button", name="Send the answer").click()
    _shoot(page, "10-ig-questions")

    page.goto(live_server.url + "/access/subject-access/")
    page.get_by_label("NHS number").fill(w.child.nhs_number)
    page.get_by_role("button", name="Find the person").click()
    page.get_by_role("link", name="Record a request for Cleo Dovecote").click()
    page.get_by_label("Who asked for the information").fill("Mel Dovecote, for her daughter")
    today = timezone.localdate()
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_role("button", name="Record the request").click()
    expect(page.get_by_role("heading", name="Subject access request")).to_be_visible()
    expect(page.get_by_test_id("due")).to_contain_text("days left")
    _shoot(page, "11-ig-request")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as JSON").click()
    assert download.value.suggested_filename.endswith(".json")
    page.goto(live_server.url + "/access/subject-access/")
    expect(page.get_by_test_id("open-requests")).to_contain_text("Cleo Dovecote")
    _shoot(page, "12-ig-requests")

    # The practitioner sees the family's comment on the plan.
    _sign_in_as(page, w.worker)
    page.goto(live_server.url + f"/casework/{w.episode.public_id}/")
    expect(page.get_by_test_id("family-comment")).to_contain_text("We read every night this week")
    _shoot(page, "13-practitioner-plan")
