"""Factories of the people part's own tests (the shared ones are in familyhub/testing)."""

from __future__ import annotations

import factory

from familyhub.people.models import Address, ContactDetail, Relationship
from familyhub.testing.factories import (
    PersonFactory,
    RegistrationFactory,  # noqa: F401  (shared)
)


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Address

    person = factory.SubFactory(PersonFactory)
    line1 = factory.Sequence(lambda n: f"{n} High Street")
    postcode = "RM17 5DQ"


class ContactDetailFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactDetail

    person = factory.SubFactory(PersonFactory)
    kind = "mobile"
    value = "07700900123"


class RelationshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Relationship

    person = factory.SubFactory(PersonFactory)
    relative = factory.SubFactory(PersonFactory)
    kind = "parent"
