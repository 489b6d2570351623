"""A health visiting team leader resolves the births queue and opens a new baby's record, in a
real browser, at desktop width and at 375 px. Screenshots go to FAMILYHUB_SHOTS (if set)."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from familyhub.births import generator, nems, services
from familyhub.births.models import MessageStatus, ReceivedMessage
from familyhub.people.models import Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page, name: str) -> None:
    folder = os.environ.get("FAMILYHUB_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("width", [1280, 375])
def test_team_leader_resolves_the_queue_and_opens_the_new_baby(
    page, browser_sign_in, team_leader, register_mother, rng, width
):
    page.set_viewport_size({"width": width, "height": 900})
    _, details = register_mother()
    born = timezone.localdate() - timedelta(days=11)
    raw, number = generator.birth_for(details, rng, born=born)
    for message in (
        raw,
        generator.outcome_message(
            nems.NIPE,
            child_nhs_number=number,
            child_given="Baby",
            child_family=details.family_name,
            born=born,
            record_id="nipe-1",
            done_on=born + timedelta(days=1),
            follow_up=True,
        ),
        generator.broken_message("unknown_mother", rng=rng),
    ):
        services.receive(message, channel="mesh")
    services.process_pending()
    waiting = ReceivedMessage.objects.get(status=MessageStatus.QUEUED)

    browser_sign_in(team_leader)
    page.goto("/births/")
    expect(page.locator("body")).to_contain_text("The mother is not on the register")
    _shot(page, f"queue-{width}")
    _no_sideways_scroll(page)

    page.get_by_role("link", name="Resolve").first.click()
    page.wait_for_url(f"**/births/messages/{waiting.public_id}/")
    expect(page.locator("body")).to_contain_text("Nobody")
    _shot(page, f"message-{width}")
    _no_sideways_scroll(page)
    page.get_by_label("She is not on the register: add her").check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/births/")
    expect(page.locator("body")).to_contain_text("Done: applied")
    waiting.refresh_from_db()
    assert waiting.status == MessageStatus.APPLIED

    baby = Person.objects.get(nhs_number=number)
    page.get_by_role("link", name=baby.display_name).click()
    page.wait_for_url(f"**/{baby.public_id}/")
    content = page.content()
    assert "Newborn and infant physical examination" in content
    assert "New birth visit" in content
    _shot(page, f"baby-record-{width}")
    _no_sideways_scroll(page)
