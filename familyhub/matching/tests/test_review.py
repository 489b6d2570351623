"""The review queue: team leaders and service managers who can see both records confirm (merge)
or reject; everyone else is turned away; decisions become labelled pairs."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from familyhub.access.tests.factories import RegistrationFactory
from familyhub.accounts.roles import Role
from familyhub.audit.models import AccessLog
from familyhub.matching.dedupe import labelled_pairs_frame
from familyhub.matching.models import ReviewPair, ReviewStatus
from familyhub.people.models import Person
from familyhub.testing.factories import PersonFactory, ServiceFactory, TeamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(authority, make_user):
    hub = ServiceFactory(authority=authority, name="Family hubs")
    nursing = ServiceFactory(authority=authority, name="School nursing")
    hub_team = TeamFactory(service=hub)
    nursing_team = TeamFactory(service=nursing)
    dob = datetime.date(2018, 5, 4)
    first = PersonFactory(
        authority=authority, given_name="Kate", family_name="Ward", date_of_birth=dob
    )
    second = PersonFactory(
        authority=authority, given_name="Catherine", family_name="Ward", date_of_birth=dob
    )
    for person in (first, second):
        RegistrationFactory(person=person, service=hub)
    pair = ReviewPair.objects.create(
        person_a=first,
        person_b=second,
        score=9.5,
        probability=0.998,
        comparison={"given_name": "close", "family_name": "agree", "date_of_birth": "agree"},
        levels={"g": 1, "f": 0, "d": 0, "p": 0, "n": -1, "s": 0},
    )
    return {
        "pair": pair,
        "first": first,
        "second": second,
        "owner": make_user(Role.TEAM_LEADER, team=hub_team),
        "colleague": make_user(Role.FAMILY_SUPPORT_WORKER, team=hub_team),
        "outsider": make_user(Role.TEAM_LEADER, team=nursing_team),
    }


def test_owner_sees_queue_and_pair_and_reads_are_logged(client, signed_in, world):
    signed_in(client, world["owner"])
    queue = client.get(reverse("matching:queue"))
    assert queue.status_code == 200
    assert "Kate Ward" in queue.content.decode()
    page = client.get(reverse("matching:pair", args=[world["pair"].public_id]))
    assert page.status_code == 200
    assert "Catherine" in page.content.decode()
    assert AccessLog.objects.filter(user=world["owner"], person_pk=world["first"].pk).exists()


def test_colleague_without_the_role_is_refused(client, signed_in, world):
    signed_in(client, world["colleague"])
    assert client.get(reverse("matching:queue")).status_code == 403
    assert client.get(reverse("matching:pair", args=[world["pair"].public_id])).status_code == 403


def test_outsider_manager_sees_neither_pair_nor_people(client, signed_in, world):
    signed_in(client, world["outsider"])
    queue = client.get(reverse("matching:queue"))
    assert queue.status_code == 200
    assert "Kate Ward" not in queue.content.decode()
    assert client.get(reverse("matching:pair", args=[world["pair"].public_id])).status_code == 404


def test_confirm_merges_and_records_the_decision(client, signed_in, world):
    signed_in(client, world["owner"])
    url = reverse("matching:pair", args=[world["pair"].public_id])
    response = client.post(url, {"decision": "confirm", "keep": "b", "reason": "Same NHS letter"})
    assert response.status_code == 302
    pair = ReviewPair.objects.get(pk=world["pair"].pk)
    assert pair.status == ReviewStatus.CONFIRMED
    assert pair.decided_by == world["owner"]
    assert pair.merged
    assert Person.objects.get(pk=world["first"].pk).merged_into_id == world["second"].pk
    labelled = labelled_pairs_frame()
    assert labelled is not None and list(labelled["match"]) == [1]
    # A second decision on the same pair changes nothing.
    again = client.post(url, {"decision": "reject", "reason": "Changed my mind"})
    assert again.status_code in (302, 404)
    assert ReviewPair.objects.get(pk=pair.pk).status == ReviewStatus.CONFIRMED


def test_reject_keeps_both_records(client, signed_in, world):
    signed_in(client, world["owner"])
    url = reverse("matching:pair", args=[world["pair"].public_id])
    response = client.post(url, {"decision": "reject", "reason": "Twins"})
    assert response.status_code == 302
    pair = ReviewPair.objects.get(pk=world["pair"].pk)
    assert pair.status == ReviewStatus.REJECTED
    assert pair.note == "Twins"
    assert not Person.objects.filter(merged_into__isnull=False).exists()
    labelled = labelled_pairs_frame()
    assert labelled is not None and list(labelled["match"]) == [0]


def test_missing_answers_are_named(client, signed_in, world):
    signed_in(client, world["owner"])
    url = reverse("matching:pair", args=[world["pair"].public_id])
    response = client.post(url, {"decision": "", "reason": ""})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Select whether these records are the same person" in body
    assert "Say why you decided this" in body
    assert ReviewPair.objects.get(pk=world["pair"].pk).status == ReviewStatus.PENDING
