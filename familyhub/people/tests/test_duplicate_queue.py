"""Issue 15 item 2: a second live record with an NHS number already on the register is flagged at
entry and lands in the duplicate review queue; the demo's seeded duplicates are queued on day one."""

from __future__ import annotations

import io
import random

import pytest
from django.urls import reverse

from familyhub.audit.models import AccessLog
from familyhub.matching.keys import refresh_all_keys, refresh_keys
from familyhub.matching.models import ReviewPair, ReviewStatus
from familyhub.people import services
from familyhub.people.models import Person
from familyhub.people.tests.test_views import family_post
from familyhub.testing import factories
from familyhub.testing.forms import date_fields

pytestmark = pytest.mark.django_db

NHS = "9434765919"


@pytest.fixture
def known(authority, hub, owner):
    person = factories.PersonFactory(
        authority=authority, given_name="Jack", family_name="Akhtar", nhs_number=NHS
    )
    refresh_keys([person.pk])
    return person


def _one_parent(**fields):
    data = family_post(
        **{
            "members-TOTAL_FORMS": "1",
            "members-0-given_name": "Brian",
            "members-0-family_name": "Smithson",
            **date_fields("members-0-date_of_birth", "7/7/1977"),
            "members-0-sex": "M",
            "members-0-nhs_number": NHS,
            **fields,
        }
    )
    return data


def test_same_nhs_number_is_flagged_at_entry_and_queued_when_registered_anyway(
    client, signed_in, owner, known
):
    signed_in(client, owner)
    response = client.post(reverse("people:register-new"), _one_parent())
    assert response.status_code == 200
    html = response.content.decode()
    assert "This NHS number is already on a record on the register" in html
    assert Person.objects.count() == 1  # nothing written yet
    assert not ReviewPair.objects.exists()

    response = client.post(
        reverse("people:register-new"), _one_parent(**{"members-0-create_new": "on"}), follow=True
    )
    assert response.status_code == 200
    assert "are in the duplicate review queue" in response.content.decode()
    new = Person.objects.exclude(pk=known.pk).get()
    pair = ReviewPair.objects.get()
    assert {pair.person_a_id, pair.person_b_id} == {known.pk, new.pk}
    assert pair.status == ReviewStatus.PENDING
    logged = AccessLog.objects.filter(purpose="Possible duplicate put in the review queue")
    assert set(logged.values_list("person_pk", flat=True)) == {known.pk, new.pk}
    assert set(logged.values_list("user_id", flat=True)) == {owner.pk}


def test_the_queue_page_shows_the_pair(client, signed_in, make_user, hub, owner, known, authority):
    from familyhub.people.tests.factories import RegistrationFactory

    second = services.person_register(
        authority=authority, by=owner, given_name="Jk", family_name="Akhtar", nhs_number=NHS
    )
    for person in (known, second):
        RegistrationFactory(person=person, team=hub, registered_by=owner)
    manager = make_user("team_leader", team=hub)
    response = signed_in(client, manager).get(reverse("matching:queue"))
    assert response.status_code == 200
    assert "Akhtar" in response.content.decode()


def test_import_and_api_path_queue_too(authority, owner, known):
    """person_register is what the import (and the API's single person) create through."""
    person = services.person_register(
        authority=authority,
        by=owner,
        channel="task",
        given_name="Jk",
        family_name="Akhtar",
        nhs_number=NHS,
    )
    assert person.same_nhs_number == [known]
    assert ReviewPair.objects.filter(status=ReviewStatus.PENDING).count() == 1
    # Registering a third record with it queues it against both; nothing is queued twice.
    services.person_register(
        authority=authority, by=owner, given_name="J", family_name="Akhtar", nhs_number=NHS
    )
    assert ReviewPair.objects.count() == 3


def test_a_merged_away_record_does_not_count(authority, owner, known):
    survivor = factories.PersonFactory(authority=authority, family_name="Akhtar")
    Person.objects.filter(pk=known.pk).update(merged_into=survivor)
    services.person_register(
        authority=authority, by=owner, given_name="Jack", family_name="Akhtar", nhs_number=NHS
    )
    assert not ReviewPair.objects.exists()


def test_changing_an_nhs_number_to_one_already_registered_queues_the_pair(authority, owner, known):
    other = services.person_register(
        authority=authority, by=owner, given_name="Jake", family_name="Akhtar"
    )
    services.person_update(person=other, by=owner, expected_version=other.version, nhs_number=NHS)
    assert ReviewPair.objects.filter(person_a=known, person_b=other).exists()


def test_demo_seeds_the_queue_with_the_synthetic_duplicates(authority):
    from familyhub.demo import synth
    from familyhub.demo.matching import seed_known_duplicates

    stats = synth.fill_database(400, authority=authority, seed=5, duplicate_rate=0.1)
    refresh_all_keys()
    assert stats.truth
    queued = seed_known_duplicates(authority=authority)
    assert queued > 0
    pairs = {tuple(sorted(p)) for p in ReviewPair.objects.values_list("person_a", "person_b")}
    people = Person.objects.in_bulk()
    sharing_nhs = [
        tuple(sorted((dup, true)))
        for dup, true in stats.truth
        if people[dup].nhs_number and people[dup].nhs_number == people[true].nhs_number
    ]
    assert sharing_nhs
    assert set(sharing_nhs) <= pairs
    # Most of the seeded near-duplicates are in the queue on day one.
    found = sum(1 for d, t in stats.truth if tuple(sorted((d, t))) in pairs)
    assert found >= 0.8 * len(stats.truth)
    # Seeding again adds nothing.
    assert seed_known_duplicates(authority=authority) == 0


def test_demo_load_fills_the_queue(authority, monkeypatch):
    from familyhub.demo import matching as matching_demo
    from familyhub.demo import synth
    from familyhub.matching import dedupe

    synth.fill_database(300, authority=authority, seed=2, duplicate_rate=0.1)
    refresh_all_keys()
    # The batch run is the slow part and is tested in matching; here the queue must not wait on it.
    monkeypatch.setattr(dedupe, "run_register", lambda **kw: {"records": 300, "queued": 0})
    out = io.StringIO()
    matching_demo.load_demo(authority=authority, rng=random.Random(1), stdout=out)
    assert ReviewPair.objects.filter(status=ReviewStatus.PENDING).exists()
    assert "near-duplicate registrations seeded" in out.getvalue()
