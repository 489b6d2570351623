"""A family support worker records a home visit and answers two Making Every Contact Count
prompts, in a real Chromium, then finds it on the family timeline; on a phone too."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from familyhub.contacts.models import Contact

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("width", "height"), [(375, 740), (1280, 800)])
def test_a_family_support_worker_records_a_home_visit_with_two_prompts(
    page, browser_sign_in, family, width, height
):
    page.set_viewport_size({"width": width, "height": height})
    browser_sign_in(family.colleague)  # a family support worker in Early help Central
    page.goto(reverse("people:person", args=[family.child.public_id]))
    page.get_by_role("link", name="Record a contact").click()
    page.wait_for_selector('[data-testid="contact-form-heading"]')
    assert _fits(page), "the form scrolls sideways"

    page.get_by_label("Home visit").check()
    page.get_by_label("Jane Walker").check()  # Tom is ticked already
    page.get_by_label("Others present (optional)").fill("Grandmother")
    page.get_by_label("The child's voice").fill("Tom says he wants his own room.")
    page.get_by_label("What was discussed").fill("Damp in the children's bedroom; school runs.")
    page.get_by_label("What was agreed (optional)").fill(
        "Jane will report the damp to the landlord."
    )
    page.get_by_role("group", name="Does anyone in the household smoke?").get_by_label(
        "Signposted"
    ).check()
    page.get_by_role(
        "group", name="Is everyone in the household registered with a dentist?"
    ).get_by_label("Referred").check()
    page.get_by_role("button", name="Save the contact").click()
    page.wait_for_selector('[data-testid="contact-heading"]')
    expect(page.locator("body")).to_contain_text("Contact recorded")
    answers = page.get_by_test_id("contact-answers").inner_text()
    assert "Signposted" in answers and "Referred" in answers
    assert _fits(page), "the contact page scrolls sideways"

    contact = Contact.objects.get()
    assert contact.kind == "home_visit" and contact.owning_service == family.early_help
    assert set(contact.seen.all()) == {family.child, family.mother}
    assert dict(contact.answers.exclude(answer="").values_list("prompt__code", "answer")) == {
        "smoking": "signposted",
        "dentist": "referred",
    }

    page.get_by_role("link", name="Family timeline").click()
    page.wait_for_selector('[data-testid="timeline"]')
    timeline = page.get_by_test_id("timeline").inner_text()
    assert "Home visit on" in timeline
    assert "Damp in the children's bedroom" in timeline
    assert "Does anyone in the household smoke? signposted" in timeline
    assert _fits(page), "the family timeline scrolls sideways"


def _fits(page) -> bool:
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    return scroll <= inner
