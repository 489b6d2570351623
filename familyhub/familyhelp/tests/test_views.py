from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from familyhub.familyhelp.models import FgdmMeeting, FgdmOffer, NetworkMember
from familyhub.familyhelp.tests.helpers import add_member, meeting, offer
from familyhub.testing.forms import date_fields

pytestmark = pytest.mark.django_db

PAGES = ["network", "network-add", "fgdm", "offer-add"]


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize(("who", "status"), [("lead", 200), ("colleague", 200), ("outsider", 404)])
def test_pages_for_the_team_and_not_outsiders(client, signed_in, world, episode, name, who, status):
    response = signed_in(client, getattr(world, who)).get(
        reverse(f"familyhelp:{name}", args=[episode.public_id])
    )
    assert response.status_code == status


def test_adding_a_member_and_bad_input_named_by_field(client, signed_in, world, episode):
    lead = signed_in(client, world.lead)
    url = reverse("familyhelp:network-add", args=[episode.public_id])
    bad = lead.post(url, {"phone": "123", "email": "nope"})
    assert bad.status_code == 400
    page = bad.content.decode()
    for message in (
        "Select their relationship to the child",
        "Select whether the family agrees they may be involved",
    ):
        assert message in page, message
    bad = lead.post(url, {"relationship": "neighbour", "family_agrees": "yes", "phone": "123"})
    page = bad.content.decode()
    assert bad.status_code == 400
    assert "Enter their family name" in page and "Enter their" in page
    ok = lead.post(
        url,
        {
            "given_name": "Bertram",
            "family_name": "Oakhollow",
            "relationship": "neighbour",
            "family_agrees": "yes",
            "can_offer": "Feeds the cat",
            "phone": "01632 960002",
        },
    )
    assert ok.status_code == 302
    record = NetworkMember.objects.get()
    assert record.member.family_name == "Oakhollow"
    network = lead.get(reverse("familyhelp:network", args=[episode.public_id])).content.decode()
    assert "Bertram Oakhollow" in network and "<svg" in network and "Feeds the cat" in network
    assert "Family network of Tom Walker" in network  # the diagram's title


def test_an_edit_on_an_old_version_says_so(client, signed_in, world, episode):
    record = add_member(world, episode)
    lead = signed_in(client, world.lead)
    url = reverse("familyhelp:network-change", args=[episode.public_id, record.public_id])
    form = {"version": 1, "relationship": "grandparent", "family_agrees": "yes"}
    assert lead.post(url, form).status_code == 302
    stale = lead.post(url, {**form, "can_offer": "Overwrite"}, follow=True)
    assert "Someone else changed this family network member" in stale.content.decode()
    record.refresh_from_db()
    assert record.version == 2 and record.can_offer == ""


def test_offer_meeting_and_plan_through_the_pages(client, signed_in, world, episode):
    nan = add_member(world, episode)
    lead = signed_in(client, world.lead)
    today = timezone.localdate()
    response = lead.post(
        reverse("familyhelp:offer-add", args=[episode.public_id]),
        {**date_fields("offered_on", today.isoformat()), "response": "accepted"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    the_offer = FgdmOffer.objects.get()
    bad = lead.post(
        reverse("familyhelp:meeting-add", args=[episode.public_id, the_offer.public_id]), {}
    )
    assert bad.status_code == 400
    assert "Enter the date of the meeting" in bad.content.decode()
    assert "Select whether the family had private family time" in bad.content.decode()
    response = lead.post(
        reverse("familyhelp:meeting-add", args=[episode.public_id, the_offer.public_id]),
        {
            **date_fields("held_on", today.isoformat()),
            "coordinator_name": "Sam Coordinator",
            "network_attended": [str(nan.public_id)],
            "private_family_time": "yes",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    held = FgdmMeeting.objects.get()
    assert list(held.network_attended.all()) == [nan]
    page = lead.get(reverse("familyhelp:fgdm", args=[episode.public_id])).content.decode()
    assert "Sam Coordinator" in page and "Nan (mum" in page


def test_the_timeline_link_leads_to_the_page(client, signed_in, world, episode):
    the_offer = offer(world, episode)
    held = meeting(world, the_offer)
    lead = signed_in(client, world.lead)
    response = lead.get(reverse("familyhelp:record", args=[held.public_id]))
    assert response.status_code == 302
    assert response["Location"] == reverse("familyhelp:fgdm", args=[episode.public_id])
    outsider = signed_in(client, world.outsider)
    assert outsider.get(reverse("familyhelp:record", args=[held.public_id])).status_code == 404
