from __future__ import annotations

import pytest
from django.urls import reverse

from familyhub.access.models import FamilyLink
from familyhub.audit.models import AccessLog
from familyhub.portal.models import LinkRequest, RequestStatus

pytestmark = pytest.mark.django_db


def _ask(client, door, **changes):
    data = {
        "relationship": "parent",
        "given_name": "Jane",
        "family_name": "Walker",
        "date_of_birth_day": str(door.parent.date_of_birth.day),
        "date_of_birth_month": str(door.parent.date_of_birth.month),
        "date_of_birth_year": str(door.parent.date_of_birth.year),
        "postcode": "rm17 5dq",
        "check_answer": "Dr Patel at Orsett Road surgery",
        **changes,
    }
    return client.post(reverse("portal:link"), data)


def test_until_confirmed_the_family_member_sees_nothing_of_the_record(client, door, family_sign_in):
    family_sign_in(client)
    assert _ask(client, door).status_code == 302
    home = client.get(reverse("portal:home")).content.decode()
    assert "Jane Walker" not in home and "Tom Walker" not in home
    assert 'data-testid="link-waiting"' in home
    for name in ("portal:sessions", "portal:help", "portal:bookings"):
        page = client.get(reverse(name)).content.decode()
        assert 'data-testid="not-linked"' in page and "Tom" not in page


def test_bad_input_is_named_and_nothing_is_saved(client, door, family_sign_in):
    family_sign_in(client)
    response = _ask(client, door, postcode="nowhere", given_name="", date_of_birth_month="13")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Enter their first name" in body
    assert "Date of birth must be a real date" in body or "date of birth" in body.lower()
    assert not LinkRequest.objects.exists()
    response = _ask(client, door, postcode="nowhere")
    assert response.status_code == 200 and "postcode" in response.content.decode().lower()
    assert not LinkRequest.objects.exists()


def test_reception_matches_and_confirms_then_the_family_sees_their_family(
    client, door, family_sign_in, signed_in
):
    user = family_sign_in(client)
    _ask(client, door)
    request = LinkRequest.objects.get()
    staff = type(client)()
    signed_in(staff, door.reception)
    worklist = staff.get(reverse("portal_staff:worklist")).content.decode()
    assert "Jane Walker" in worklist
    page = staff.get(reverse("portal_staff:link-request", args=[request.public_id]))
    assert str(door.parent.public_id) in page.content.decode()
    bad = staff.post(reverse("portal_staff:link-request", args=[request.public_id]), {})
    assert "Choose the record that is theirs" in bad.content.decode()
    response = staff.post(
        reverse("portal_staff:link-request", args=[request.public_id]),
        {"person": str(door.parent.public_id), "how_confirmed": "check_question"},
    )
    assert response.status_code == 302
    link = FamilyLink.objects.get(user=user)
    assert link.person == door.parent and link.relationship == "parent"
    assert link.confirmed_by == door.reception
    request.refresh_from_db()
    assert request.status == RequestStatus.CONFIRMED
    assert AccessLog.objects.filter(
        user=door.reception, person_pk=door.parent.pk, purpose="Confirm a family account"
    ).exists()
    home = client.get(reverse("portal:home")).content.decode()
    assert "Jane Walker" in home and "Tom Walker" in home  # the parent and her child


def test_reception_can_decline_with_a_reason_the_family_reads(
    client, door, family_sign_in, signed_in
):
    family_sign_in(client)
    _ask(client, door)
    request = LinkRequest.objects.get()
    staff = type(client)()
    signed_in(staff, door.reception)
    url = reverse("portal_staff:decline", args=["link", request.public_id])
    assert (
        "Enter why it cannot be confirmed"
        in staff.post(url, {"decline-reason": ""}).content.decode()
    )
    staff.post(url, {"decline-reason": "Please come to the hub with photo ID."})
    assert (
        "Please come to the hub with photo ID."
        in client.get(reverse("portal:home")).content.decode()
    )
    assert not FamilyLink.objects.exists()


def test_a_family_account_cannot_open_reception_pages(client, door, family_sign_in):
    family_sign_in(client)
    _ask(client, door)
    request = LinkRequest.objects.get()
    response = client.get(reverse("portal_staff:link-request", args=[request.public_id]))
    assert response.status_code == 302 and response.url == reverse("portal:home")
