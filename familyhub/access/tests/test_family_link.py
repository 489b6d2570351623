"""A family account's link to the register: confirmed by a practitioner who can see the person,
ended by staff or the account holder, and the people it opens (access.layer.family_people)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from familyhub.access import layer, services
from familyhub.access.models import FamilyLink, FamilyRelationship, HowConfirmed
from familyhub.audit.models import AccessLog
from familyhub.people.models import Relationship
from familyhub.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db

FAMILY = "family"


def _confirm(world, account, person, relationship=FamilyRelationship.PARENT):
    return services.confirm_family_link(
        staff_user=world.owner,
        account=account,
        person=person,
        relationship=relationship,
        how_confirmed=HowConfirmed.IN_PERSON,
    )


def test_an_unlinked_family_account_sees_nobody(world, make_user):
    account = make_user(FAMILY)
    assert list(layer.family_people(account)) == []


def test_a_parent_link_opens_the_parent_and_the_children_they_are_responsible_for(world, make_user):
    Relationship.objects.create(
        person=world.mum, relative=world.child, kind="mother", parental_responsibility=True
    )
    account = make_user(FAMILY)
    link = _confirm(world, account, world.mum)
    assert set(layer.family_people(account)) == {world.mum, world.child}
    assert AccessLog.objects.filter(person_pk=world.mum.pk, purpose="Confirm a family account")
    services.end_family_link(link, by=world.owner)
    assert list(layer.family_people(account)) == []


def test_no_child_without_parental_responsibility_nor_an_adult_child(world, make_user, authority):
    grown_up = PersonFactory(authority=authority, date_of_birth=date(1990, 1, 1))
    Relationship.objects.create(person=world.mum, relative=world.child, kind="mother")
    Relationship.objects.create(
        person=world.mum, relative=grown_up, kind="mother", parental_responsibility=True
    )
    account = make_user(FAMILY)
    _confirm(world, account, world.mum)
    assert set(layer.family_people(account)) == {world.mum}


def test_a_young_person_sees_only_themselves(world, make_user):
    Relationship.objects.create(
        person=world.mum, relative=world.child, kind="mother", parental_responsibility=True
    )
    account = make_user(FAMILY)
    _confirm(world, account, world.child, FamilyRelationship.SELF)
    assert set(layer.family_people(account)) == {world.child}


def test_confirming_is_refused_for_someone_the_practitioner_cannot_see(world, make_user):
    account = make_user(FAMILY)
    with pytest.raises(PermissionDenied):
        services.confirm_family_link(
            staff_user=world.outsider,
            account=account,
            person=world.mum,
            relationship=FamilyRelationship.PARENT,
            how_confirmed=HowConfirmed.IN_PERSON,
        )
    assert not FamilyLink.objects.exists()


def test_only_a_family_account_is_linked(world):
    with pytest.raises(ValidationError):
        _confirm(world, world.colleague, world.mum)
