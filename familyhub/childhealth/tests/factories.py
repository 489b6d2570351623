"""Factories for child health tests: a borough with a health visiting team and its children."""

from __future__ import annotations

import factory

from familyhub.services.models import ServiceKind
from familyhub.testing import factories as shared


class HealthVisitingServiceFactory(shared.ServiceFactory):
    name = "Health visiting"
    kind = ServiceKind.HEALTH_VISITING

    class Meta:
        django_get_or_create = ("authority", "name")


class SchoolNursingServiceFactory(shared.ServiceFactory):
    name = "School nursing"
    kind = ServiceKind.SCHOOL_NURSING

    class Meta:
        django_get_or_create = ("authority", "name")


class ChildFactory(shared.PersonFactory):
    """A child living in a ward of the authority (so not 'moved out')."""

    area = factory.SubFactory(shared.AreaFactory, authority=factory.SelfAttribute("..authority"))
