from __future__ import annotations

import factory

from familyhub.access.models import SharedNote, SharingAgreement
from familyhub.access.records import Category
from familyhub.testing.factories import (
    PersonFactory,
    RegistrationFactory,  # noqa: F401  (shared)
    ServiceFactory,
)


class SharedNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SharedNote

    person = factory.SubFactory(PersonFactory)
    owning_service = factory.SubFactory(ServiceFactory)
    category = Category.GENERAL
    title = factory.Sequence(lambda n: f"Note {n}")
    body = "Discussed the family's week."


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SharingAgreement

    name = factory.Sequence(lambda n: f"Agreement {n}")
    owner_service = factory.SubFactory(ServiceFactory)
    recipient_service = None
    roles: list = []
    categories = factory.LazyFunction(lambda: [Category.GENERAL])
