"""Factories of the hubs part's tests."""

from __future__ import annotations

import datetime

import factory

from familyhub.hubs.models import ActivityType, Offer, Session
from familyhub.places.models import SiteKind
from familyhub.services.models import ServiceKind
from familyhub.testing import factories as shared


class ActivityTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActivityType

    code = factory.Sequence(lambda n: f"activity-{n}")
    name = factory.Sequence(lambda n: f"Activity {n}")
    min_age_months = 0
    max_age_months = 59
    offer = Offer.UNIVERSAL
    default_capacity = 12


class HubServiceFactory(shared.ServiceFactory):
    kind = ServiceKind.FAMILY_HUB
    name = factory.Sequence(lambda n: f"Family hubs {n}")


class HubSiteFactory(shared.SiteFactory):
    kind = SiteKind.FAMILY_HUB


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    authority = factory.SubFactory(shared.AuthorityFactory)
    activity = factory.SubFactory(ActivityTypeFactory)
    site = factory.SubFactory(HubSiteFactory, authority=factory.SelfAttribute("..authority"))
    service = factory.SubFactory(HubServiceFactory, authority=factory.SelfAttribute("..authority"))
    date = factory.LazyFunction(datetime.date.today)
    start_time = datetime.time(10, 0)
    end_time = datetime.time(11, 30)
    capacity = 12
