"""The real-time search contract: candidates found by the indexed rules, scored, best first;
merged-away people and other authorities never returned."""

from __future__ import annotations

import datetime

import pytest

from familyhub.matching.keys import refresh_keys
from familyhub.matching.models import MatchKey
from familyhub.matching.search import search_candidates
from familyhub.people.models import Person, Sex
from familyhub.testing.factories import AuthorityFactory, PersonFactory

pytestmark = pytest.mark.django_db

DOB = datetime.date(2019, 3, 7)


def person(authority, **fields) -> Person:
    values = {
        "given_name": "Catherine",
        "family_name": "Okafor",
        "date_of_birth": DOB,
        "postcode": "RM17 5DQ",
        "sex": Sex.FEMALE,
        **fields,
    }
    created = PersonFactory(authority=authority, **values)
    refresh_keys([created.pk])
    return created


def test_exact_person_comes_first_with_every_field_agreeing(authority):
    wanted = person(authority, nhs_number="9434765919")
    person(authority, given_name="Grace")  # a twin: same family, address and birthday
    found = search_candidates(
        authority=authority,
        given_name="Catherine",
        family_name="Okafor",
        date_of_birth=DOB,
        postcode="rm175dq",
        nhs_number="943 476 5919",
        sex="F",
    )
    assert found[0].person_id == wanted.pk
    assert found[0].public_id == wanted.public_id
    assert found[0].fields == {
        "given_name": "agree",
        "family_name": "agree",
        "date_of_birth": "agree",
        "postcode": "agree",
        "nhs_number": "agree",
        "sex": "agree",
    }
    assert found[0].probability > 0.99
    assert found[1].score < found[0].score
    assert found[1].fields["given_name"] == "differ"
    assert found[1].probability < 0.5


def test_nickname_typo_and_swapped_date_still_found(authority):
    wanted = person(authority)
    person(authority, given_name="Samuel", date_of_birth=datetime.date(2016, 1, 2))
    found = search_candidates(
        authority=authority,
        given_name="Kate",
        family_name="Okafr",
        date_of_birth=datetime.date(2019, 7, 3),
        postcode="",
    )
    assert found[0].person_id == wanted.pk
    assert found[0].fields["given_name"] == "close"
    assert found[0].fields["family_name"] == "close"
    assert found[0].fields["date_of_birth"] == "close"
    assert found[0].fields["postcode"] == "missing"


def test_moved_family_found_by_name_and_birthday(authority):
    wanted = person(authority)
    found = search_candidates(
        authority=authority,
        given_name="Catherine",
        family_name="Okafor",
        date_of_birth=DOB,
        postcode="SE1 7PB",
    )
    assert [c.person_id for c in found] == [wanted.pk]
    assert found[0].fields["postcode"] == "differ"


def test_merged_away_people_and_other_authorities_are_never_returned(authority):
    survivor = person(authority)
    merged = person(authority)
    Person.objects.filter(pk=merged.pk).update(merged_into=survivor)
    person(AuthorityFactory(code="E09000099", name="Elsewhere"))
    found = search_candidates(
        authority=authority, given_name="Catherine", family_name="Okafor", date_of_birth=DOB
    )
    assert [c.person_id for c in found] == [survivor.pk]
    refresh_keys([merged.pk])  # the key goes too
    assert not MatchKey.objects.filter(person_id=merged.pk).exists()


def test_limit_and_empty_query(authority):
    for given in ["Amy", "Beth", "Cara", "Dana"]:
        person(authority, given_name=given)
    assert (
        len(
            search_candidates(
                authority=authority, family_name="Okafor", postcode="RM17 5DQ", limit=2
            )
        )
        == 2
    )
    assert search_candidates(authority=authority) == []
    assert search_candidates(authority=authority, given_name="Zed") == []


def test_postgres_trigram_fallback_finds_a_split_spelling(authority):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("pg_trgm is PostgreSQL's")
    wanted = person(authority, given_name="Olivia", family_name="Thompson", postcode="SS1 2AB")
    found = search_candidates(
        authority=authority,
        given_name="Liv",
        family_name="Tomson",
        date_of_birth=DOB,
        postcode="E3 4QQ",
    )
    assert [c.person_id for c in found] == [wanted.pk]
    knight = person(authority, given_name="Amara", family_name="Knight", postcode="SS1 2AB")
    found = search_candidates(
        authority=authority, given_name="Mara", family_name="Nite", date_of_birth=DOB
    )
    assert knight.pk in [c.person_id for c in found]
