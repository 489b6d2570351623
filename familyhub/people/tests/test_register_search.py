"""Issue 15 item 3: the registration search finds people by any combination of details, and
says "nobody" only when nobody in the viewer's council has them. Outsiders see the minimal view."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from familyhub.matching.keys import refresh_keys
from familyhub.people.tests.factories import RegistrationFactory
from familyhub.testing import factories
from familyhub.testing.forms import date_fields

pytestmark = pytest.mark.django_db

NOBODY = "No one on the register looks like this person"


@pytest.fixture
def oconnors(authority, hub, owner):
    people = [
        factories.PersonFactory(
            authority=authority,
            given_name=given,
            family_name=family,
            date_of_birth=born,
            postcode=postcode,
        )
        for given, family, born, postcode in [
            ("Siobhan", "O'Connor", datetime.date(1988, 4, 2), "RM17 6AA"),
            ("Declan", "O'Connor", datetime.date(2016, 9, 14), "RM17 6AA"),
            ("Niamh", "O’Connor", datetime.date(2019, 1, 30), "SS17 0LT"),
        ]
    ]
    for person in people:
        RegistrationFactory(person=person, team=hub, registered_by=owner)
    refresh_keys([p.pk for p in people])
    return people


def _search(client, **params):
    response = client.get(reverse("people:register"), params)
    assert response.status_code == 200
    html = response.content.decode()
    table = (
        html.split('data-testid="candidate-table"')[1].split("</table>")[0]
        if ('data-testid="candidate-table"' in html)
        else ""
    )
    return html, table


@pytest.mark.parametrize("typed", ["O'Connor", "O’Connor", "o'connor", "OConnor", "O‘CONNOR"])
def test_family_name_alone_with_apostrophes_finds_every_oconnor(
    client, signed_in, owner, oconnors, typed
):
    html, table = _search(signed_in(client, owner), family_name=typed)
    assert NOBODY not in html
    for name in ("Siobhan O'Connor", "Declan O'Connor", "Niamh O’Connor"):
        assert name.replace("'", "&#x27;") in table or name in table, name


def test_the_url_from_the_issue(client, signed_in, owner, oconnors):
    response = signed_in(client, owner).get("/people/register/?family_name=O%27Connor")
    html = response.content.decode()
    assert NOBODY not in html
    assert html.count('data-testid="candidate"') == 3


def test_given_name_and_year_of_birth(client, signed_in, owner, oconnors):
    html, table = _search(signed_in(client, owner), given_name="Declan", year_of_birth="2016")
    assert "Declan" in table
    assert "Siobhan" not in table and "Niamh" not in table


@pytest.mark.parametrize("typed", ["RM17 6AA", "rm176aa", " Rm17  6aA "])
def test_postcode_alone_any_spacing_or_case(client, signed_in, owner, oconnors, typed):
    html, table = _search(signed_in(client, owner), postcode=typed)
    assert NOBODY not in html
    assert "Siobhan" in table and "Declan" in table
    assert "Niamh" not in table


def test_family_card_number(client, signed_in, owner, oconnors, authority):
    household = factories.HouseholdFactory(authority=authority, card_number="FH00777001")
    factories.HouseholdMembershipFactory(household=household, person=oconnors[2])
    html, table = _search(signed_in(client, owner), card_number="fh00 777001")
    assert "Niamh" in table
    assert "Siobhan" not in table


def test_given_name_and_full_date_of_birth(client, signed_in, owner, oconnors):
    html, table = _search(
        signed_in(client, owner),
        given_name="Niamh",
        **date_fields("date_of_birth", datetime.date(2019, 1, 30)),
    )
    assert "Niamh" in table


def test_nobody_is_said_only_when_nobody_matches(client, signed_in, owner, oconnors):
    html, table = _search(signed_in(client, owner), family_name="Zyxwvut")
    assert NOBODY in html and not table
    html, _ = _search(signed_in(client, owner), postcode="ZZ9 9ZZ")
    assert NOBODY in html
    # An empty search is not a search: nobody is not said.
    html, _ = _search(signed_in(client, owner))
    assert NOBODY not in html


def test_outsider_gets_only_the_minimal_view(client, signed_in, outsider, oconnors):
    html, table = _search(signed_in(client, outsider), family_name="O’Connor")
    assert "Siobhan" in table  # found, to avoid registering a duplicate
    assert "RM17" in table and "6AA" not in table  # the postcode district only
    # ...and finding is not seeing: the person's record stays closed to them.
    response = client.get(reverse("people:person", args=[oconnors[0].public_id]))
    assert response.status_code == 404


def test_people_in_another_council_are_not_found(client, signed_in, owner, oconnors):
    other_council = factories.AuthorityFactory(code="E06000099", name="Elsewhere Council")
    elsewhere = factories.PersonFactory(
        authority=other_council, family_name="O'Connor", given_name="Ciara"
    )
    refresh_keys([elsewhere.pk])
    html, table = _search(signed_in(client, owner), family_name="O'Connor")
    assert "Ciara" not in table
