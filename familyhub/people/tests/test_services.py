from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from familyhub.people import services
from familyhub.people.models import (
    Address,
    HouseholdMembership,
    Person,
    PersonChange,
    Registration,
    Relationship,
)
from familyhub.testing import factories

pytestmark = pytest.mark.django_db


def register(authority, by=None, **fields):
    base = {"given_name": "Ruby", "family_name": "Shah", "date_of_birth": "2019-03-27"}
    base.update(fields)
    return services.person_register(authority=authority, by=by, **base)


def test_register_person_with_address_opens_history_and_sets_area(authority):
    lookup = factories.PostcodeAreaFactory(authority=authority, postcode="RM17 5DQ")
    person = register(authority, address_line1="1 High St", postcode="rm17 5dq")
    assert person.postcode == "RM17 5DQ"
    assert person.area == lookup.area
    address = Address.objects.get(person=person)
    assert address.end is None and address.area == lookup.area


def test_register_refuses_bad_fields_and_saves_nothing(authority):
    with pytest.raises(ValidationError) as error:
        register(authority, nhs_number="1234567890", postcode="XX")
    assert {"nhs_number", "postcode"} <= set(error.value.message_dict)
    assert not Person.objects.exists()


def test_unborn_child_registered_with_expected_date(authority):
    due = datetime.date.today() + datetime.timedelta(days=60)
    person = register(
        authority, given_name="", date_of_birth="", is_unborn=True, expected_date_of_delivery=due
    )
    assert person.is_unborn and person.date_of_birth is None
    assert person.display_name == "Unborn baby Shah"


def test_update_keeps_history_of_who_changed_what(authority, make_user):
    user = make_user("reception")
    person = register(authority)
    updated = services.person_update(
        person=person, by=user, expected_version=person.version, given_name="Rubina", upn=""
    )
    assert updated.given_name == "Rubina"
    assert updated.version == person.version + 1
    change = PersonChange.objects.get(person=person, field="given_name")
    assert (change.old_value, change.new_value, change.changed_by) == ("Ruby", "Rubina", user)


def test_stale_edit_is_refused_not_overwritten(authority, make_user):
    user = make_user("reception")
    person = register(authority)
    seen = person.version
    services.person_update(person=person, by=user, expected_version=seen, given_name="Rubina")
    with pytest.raises(services.StaleEdit, match="Someone else changed"):
        services.person_update(person=person, by=user, expected_version=seen, given_name="Roo")
    assert Person.objects.get(pk=person.pk).given_name == "Rubina"


def test_update_checks_rules_on_the_merged_record(authority):
    person = register(authority)
    with pytest.raises(ValidationError) as error:
        services.person_update(
            person=person, by=None, expected_version=person.version, is_unborn=True
        )
    assert "expected_date_of_delivery" in error.value.message_dict


def test_move_ends_old_address_and_records_change(authority):
    person = register(authority, address_line1="1 High St", postcode="RM17 5DQ")
    person.refresh_from_db()
    services.person_move(
        person=person,
        by=None,
        line1="2 Low Rd",
        postcode="RM16 2AB",
        expected_version=person.version,
    )
    person.refresh_from_db()
    assert person.postcode == "RM16 2AB"
    assert Address.objects.filter(person=person, end__isnull=True).count() == 1
    assert Address.objects.filter(person=person).count() == 2
    assert PersonChange.objects.filter(
        person=person, field="postcode", new_value="RM16 2AB"
    ).exists()


def test_move_refuses_bad_postcode(authority):
    person = register(authority)
    with pytest.raises(ValidationError) as error:
        services.person_move(person=person, by=None, line1="x", postcode="nope")
    assert "postcode" in error.value.message_dict


def test_household_relationships_and_registration_are_idempotent(authority, hub, owner):
    mum = register(authority, given_name="Jade", date_of_birth="1990-01-01")
    child = register(authority)
    household = services.household_create(authority=authority)
    services.household_add_member(household=household, person=mum)
    services.household_add_member(household=household, person=mum)
    assert HouseholdMembership.objects.filter(person=mum).count() == 1
    services.relationship_add(
        person=mum, relative=child, kind="mother", parental_responsibility=True
    )
    services.relationship_add(
        person=mum, relative=child, kind="mother", parental_responsibility=True
    )
    assert Relationship.objects.filter(person=mum).count() == 1
    with pytest.raises(ValidationError):
        services.relationship_add(person=mum, relative=mum, kind="mother")
    with pytest.raises(ValidationError):
        services.relationship_add(
            person=child, relative=mum, kind="sibling", parental_responsibility=True
        )
    services.registration_record(person=child, by=owner, team=hub)
    services.registration_record(person=child, by=owner, team=hub)
    assert Registration.objects.filter(person=child).count() == 1


def test_contact_preference_moves_to_the_new_preferred(authority):
    person = register(authority)
    first = services.contact_detail_add(
        person=person, by=None, kind="mobile", value="07700 900123", preferred=True, ok_to_text=True
    )
    services.contact_detail_add(
        person=person, by=None, kind="email", value="a@example.com", preferred=True
    )
    first.refresh_from_db()
    assert not first.preferred
    with pytest.raises(ValidationError):
        services.contact_detail_add(
            person=person, by=None, kind="email", value="b@example.com", ok_to_text=True
        )


def test_family_register_creates_household_relations_and_registrations(authority, hub, owner):
    result = services.family_register(
        authority=authority,
        by=owner,
        team=hub,
        address={"line1": "3 Elm Close", "postcode": "RM17 6AA"},
        members=[
            services.FamilyMember(
                role="parent",
                fields={"given_name": "Jade", "family_name": "Lee", "date_of_birth": "1992-05-01"},
                relationship="mother",
            ),
            services.FamilyMember(
                role="child",
                fields={"given_name": "Kai", "family_name": "Lee", "date_of_birth": "2021-02-03"},
            ),
            services.FamilyMember(
                role="child",
                fields={
                    "family_name": "Lee",
                    "is_unborn": True,
                    "expected_date_of_delivery": datetime.date.today()
                    + datetime.timedelta(days=90),
                },
            ),
        ],
        search=None,
    )
    assert len(result.created) == 3
    assert HouseholdMembership.objects.filter(household=result.household).count() == 3
    mother = result.people[0]
    assert (
        Relationship.objects.filter(
            person=mother, kind="mother", parental_responsibility=True
        ).count()
        == 2
    )
    assert Registration.objects.filter(service=hub.service, site=hub.base).count() == 3
    assert all(p.postcode == "RM17 6AA" for p in result.created)


def test_family_register_is_all_or_nothing(authority, hub, owner):
    with pytest.raises(ValidationError) as error:
        services.family_register(
            authority=authority,
            by=owner,
            team=hub,
            members=[
                services.FamilyMember(
                    role="parent", fields={"given_name": "Jade", "family_name": "Lee"}
                ),
                services.FamilyMember(
                    role="child",
                    fields={
                        "given_name": "Kai",
                        "family_name": "Lee",
                        "date_of_birth": "2090-01-01",
                    },
                ),
            ],
        )
    assert "members[1].date_of_birth" in error.value.message_dict
    assert not Person.objects.exists()


def test_family_register_stops_at_likely_duplicates(authority, hub, owner, registered_person):
    from familyhub.matching.search import search_candidates

    member = services.FamilyMember(
        role="child",
        fields={
            "given_name": registered_person.given_name,
            "family_name": registered_person.family_name,
            "date_of_birth": registered_person.date_of_birth,
        },
    )
    with pytest.raises(services.PossibleDuplicates) as error:
        services.family_register(
            authority=authority,
            by=owner,
            team=hub,
            members=[member],
            address={"line1": "1 X", "postcode": registered_person.postcode},
            search=search_candidates,
        )
    assert 0 in error.value.matches
    member.create_new = True
    result = services.family_register(
        authority=authority,
        by=owner,
        team=hub,
        members=[member],
        search=search_candidates,
    )
    assert len(result.created) == 1


def test_surname_change_keeps_the_previous_name(authority):
    person = register(authority)
    services.person_update(
        person=person, by=None, expected_version=person.version, family_name="Patel"
    )
    assert list(person.previous_names.values_list("family_name", flat=True)) == ["Shah"]


def test_address_without_postcode_is_kept_without_history(authority):
    person = register(authority, address_line1="Flat 2, 20 Brennan Road", town="Grays")
    assert person.address_line1 == "Flat 2, 20 Brennan Road" and person.postcode == ""
    assert not Address.objects.filter(person=person).exists()


def test_family_lines_show_a_sibling_once(authority):
    from familyhub.people.selectors import family_lines

    a, b = register(authority), register(authority, given_name="Omar")
    services.relationship_add(person=a, relative=b, kind="sibling")
    services.relationship_add(person=b, relative=a, kind="sibling")
    assert [(line.other, line.kind_label) for line in family_lines(a)] == [(b, "sibling")]


def test_leaving_a_household_keeps_the_history(authority):
    person = register(authority)
    household = services.household_create(authority=authority)
    services.household_add_member(
        household=household, person=person, start=datetime.date(2020, 1, 1)
    )
    membership = services.household_member_leave(household=household, person=person)
    assert membership.end is not None
    with pytest.raises(ValidationError):
        services.household_member_leave(household=household, person=person)
    again = services.household_add_member(household=household, person=person)
    assert (
        again.pk != membership.pk and HouseholdMembership.objects.filter(person=person).count() == 2
    )
