"""Break-glass (issue 13.5): the reason must say something, it opens the core record and the
categories the council's policy names (never, by default, a domestic abuse note, which stays with
its owning service), and the information governance lead is told at once by email."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import timezone

from familyhub.access.models import BreakGlass, SharedNote
from familyhub.accounts.roles import Role
from familyhub.testing.factories import ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def da_note(world, authority):
    da = ServiceFactory(authority=authority, name="Domestic abuse support")
    return SharedNote.objects.create(
        person=world.mum,
        owning_service=da,
        category="domestic_abuse",
        title="Safety planning",
        body="Refuge contact 01632 960999; do not call the home number.",
        recorded_at=timezone.now(),
    )


def test_twenty_xs_are_not_a_reason(world, signed_in):
    client = world.client(world.outsider, signed_in)
    url = f"/access/people/{world.mum.public_id}/break-glass/"
    for reason in ("x" * 25, "aaaa aaaa aaaa aaaa aaaa", "help help help help help"):
        page = client.post(url, {"ground": "emergency", "reason": reason, "confirm": "on"})
        assert page.status_code == 200, reason
        assert "Give the reason in words" in page.content.decode()
    assert not BreakGlass.objects.exists()


def test_break_glass_never_shows_the_domestic_abuse_note_and_tells_the_ig_lead(
    world, signed_in, make_user, da_note, settings, django_capture_on_commit_callbacks
):
    settings.FAMILYHUB_BREAK_GLASS_CATEGORIES = []  # the default policy
    make_user(Role.IG_LEAD, email="ig.lead@council.example")
    client = world.client(world.outsider, signed_in)
    with django_capture_on_commit_callbacks(execute=True):  # the email goes once it is saved
        response = client.post(
            f"/access/people/{world.mum.public_id}/break-glass/",
            {
                "ground": "emergency",
                "reason": "Police called about a child at this address tonight",
                "confirm": "on",
            },
        )
    assert response.status_code == 302
    family = client.get(f"/access/families/{world.household.public_id}/").content.decode()
    assert "Hub note" in family  # the core record and the general categories open
    assert "Safety planning" not in family and "Refuge" not in family
    assert client.get(f"/access/notes/{da_note.public_id}/").status_code == 404
    export = client.get(f"/access/families/{world.household.public_id}/timeline.csv")
    assert export.status_code == 200
    assert b"Safety planning" not in b"".join(
        getattr(export, "streaming_content", [export.content])
    )
    (email,) = mail.outbox
    assert email.to == ["ig.lead@council.example"]
    assert world.mum.family_name not in email.body + email.subject  # a link, no details
    use = BreakGlass.objects.get()
    assert f"/access/break-glass/reviews/{use.public_id}/" in email.body
