"""The three ways a practitioner could make a family visible to themselves (issue 13.1), each
refused or reduced to the minimal view with a logged reason: referring a child, registering
someone another service holds, and registering a "family" through the API around an existing
person. Involvement comes from the receiving side's work, never from the viewer's own click."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from familyhub.audit.models import AccessLog
from familyhub.people.models import HouseholdMembership, Person, Registration
from familyhub.referrals.models import Referral

pytestmark = pytest.mark.django_db


def _person_page(client, person) -> int:
    return client.get(reverse("people:person", args=[person.public_id])).status_code


def test_referring_a_child_new_to_you_does_not_open_their_record(client, signed_in, world):
    client = signed_in(client, world.outsider)
    assert _person_page(client, world.child) == 404
    response = client.post(
        reverse("referrals:new", args=[world.child.public_id]),
        {
            "referrer_kind": "school",
            "referrer_name": "Ms Price",
            "referrer_organisation": "Riverside",
            "needs": ["education"],
            "concerns": "Not attending since half term.",
            "consent": "agrees",
            "urgency": "standard",
        },
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.recorded_by == world.outsider
    # Waiting in the front door's queue: the front door is involved, the referrer is not.
    assert _person_page(client, world.child) == 404
    assert _person_page(client, world.mother) == 404
    # The referrer sees what they sent and what became of it, and of the family nothing more.
    sent = client.get(reverse("referrals:detail", args=[referral.public_id])).content.decode()
    assert 'data-testid="what-you-sent"' in sent and "Not attending since half term." in sent
    assert "Jane" not in sent and "concerns-from-front-door" not in sent
    logged = AccessLog.objects.filter(user=world.outsider, person_pk=world.child.pk)
    assert logged.filter(action="create").exists()  # the referral, by the service
    assert logged.filter(detail__contains="minimal view").exists()  # what the form showed


def test_registering_someone_another_service_holds_waits_for_the_team_leader(
    client, signed_in, world
):
    client = signed_in(client, world.outsider)
    url = reverse("people:register-existing", args=[world.child.public_id])
    page = client.get(url)
    assert page.status_code == 200 and "Tom Walker" in page.content.decode()
    assert client.post(url, {}).status_code == 200  # no reason: asked for one
    assert not Registration.objects.filter(person=world.child).exists()
    client.post(url, {"reason": "He came to the hub drop-in with his aunt today."})
    waiting = Registration.objects.get(person=world.child)
    assert waiting.confirmed_at is None and waiting.reason.startswith("He came")
    assert _person_page(client, world.child) == 404
    assert AccessLog.objects.filter(
        user=world.outsider, person_pk=world.child.pk, channel="registration"
    ).exists()


def test_a_family_registered_through_the_api_cannot_take_in_someone_you_cannot_see(world):
    api = APIClient()
    api.credentials(
        HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=world.outsider)[0].key}"
    )
    before = Person.objects.count()
    response = api.post(
        "/api/families/",
        {
            "address": {"line1": "3 Elm Close", "postcode": "RM17 6AA"},
            "members": [
                {"role": "parent", "existing": str(world.mother.public_id)},
                {
                    "role": "child",
                    "given_name": "Kai",
                    "family_name": "Walker",
                    "date_of_birth": "2021-02-03",
                    "sex": "M",
                },
            ],
        },
        format="json",
    )
    assert response.status_code in (400, 404), response.content
    assert Person.objects.count() == before  # no child added to anyone's household
    assert (
        not HouseholdMembership.objects.filter(person=world.mother)
        .exclude(household=world.household)
        .exists()
    )
    assert api.get(f"/api/people/{world.mother.public_id}/").status_code == 404
