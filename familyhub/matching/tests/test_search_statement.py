"""How the search asks the database: one statement per rule set, each rule only when the query's
fields allow it, prepared on PostgreSQL without turning preparing on for Django's own queries;
and the best `limit` candidates are the same ones a full scoring puts first."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection

from familyhub.matching.keys import key_values, refresh_keys
from familyhub.matching.search import (
    _candidate_rows,
    blocking_rules,
    score_rows,
    search_candidates,
)
from familyhub.people.models import Sex
from familyhub.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db

DOB = datetime.date(2016, 4, 9)


def keys(**fields):
    return key_values(**fields)


def test_only_the_rules_the_fields_allow_are_written():
    assert blocking_rules(keys()) == []
    assert blocking_rules(keys(given_name="Ada")) == []
    assert blocking_rules(keys(nhs_number="943 476 5919")) == ["k.nhs_number = %(nhs_number)s"]
    born = blocking_rules(keys(given_name="Ada", date_of_birth=DOB))
    assert born == ["(k.given_canon = %(given_canon)s AND k.dob IN (%(dob)s, %(dob_swapped)s))"]
    # Day above 12: no swapped date to try.
    late = blocking_rules(keys(family_name="Okafor", date_of_birth=datetime.date(2016, 4, 19)))
    assert late == ["(k.family_key = %(family_key)s AND k.dob IN (%(dob)s))"]
    names = blocking_rules(keys(given_name="Ada", family_name="Okafor"))
    assert names == ["(k.given_canon = %(given_canon)s AND k.family_key = %(family_key)s)"]
    everything = blocking_rules(
        keys(
            given_name="Ada",
            family_name="Okafor",
            date_of_birth=DOB,
            postcode="RM17 5DQ",
            nhs_number="9434765919",
        )
    )
    assert len(everything) == 6
    assert "k.dob_year BETWEEN %(year_before)s AND %(year_after)s" in everything[-1]


def test_swapped_day_and_month_and_neighbouring_year_are_found(authority):
    wanted = PersonFactory(
        authority=authority,
        given_name="Ada",
        family_name="Okafor",
        date_of_birth=datetime.date(2016, 9, 4),
        postcode="",
        nhs_number="",
    )
    other_year = PersonFactory(
        authority=authority,
        given_name="Ada",
        family_name="Okafor",
        date_of_birth=datetime.date(2017, 1, 30),
        postcode="",
        nhs_number="",
    )
    refresh_keys([wanted.pk, other_year.pk])
    found = search_candidates(
        authority=authority, given_name="Ada", family_name="Okafor", date_of_birth=DOB
    )
    assert [c.person_id for c in found] == [wanted.pk, other_year.pk]
    assert found[0].fields["date_of_birth"] == "close"


def test_best_few_are_the_head_of_the_full_scoring(authority):
    people = [
        PersonFactory(
            authority=authority,
            given_name=given,
            family_name="Okafor",
            date_of_birth=DOB,
            postcode="RM17 5DQ",
            sex=Sex.FEMALE,
        )
        for given in ("Ada", "Adah", "Grace", "Ada", "Ruth")
    ]
    refresh_keys([p.pk for p in people])
    query = keys(given_name="Ada", family_name="Okafor", date_of_birth=DOB, postcode="RM175DQ")
    rows = _candidate_rows(authority.pk, query)
    full = score_rows(query, rows)
    assert len(full) == 5
    assert score_rows(query, rows, limit=3) == full[:3]
    assert score_rows(query, rows, limit=0) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares statements")
def test_the_search_statement_is_prepared_and_django_queries_are_not(authority):
    wanted = PersonFactory(authority=authority, given_name="Ada", date_of_birth=DOB)
    refresh_keys([wanted.pk])
    for _ in range(2):
        found = search_candidates(
            authority=authority,
            given_name="Ada",
            family_name=wanted.family_name,
            date_of_birth=DOB,
        )
        assert found[0].person_id == wanted.pk
    connection.ensure_connection()
    assert connection.connection.prepare_threshold is None  # Django's setting, untouched
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%matching_matchkey k%"],
        )
        assert cursor.fetchone()[0] >= 1
