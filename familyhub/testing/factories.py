"""factory_boy factories shared by every part's tests."""

from __future__ import annotations

import factory
from django.conf import settings
from django.utils import timezone as django_timezone

from familyhub.accounts.models import User
from familyhub.accounts.roles import Role
from familyhub.people.models import Household, HouseholdMembership, Person, Registration, Sex
from familyhub.places.models import Area, Authority, Locality, PostcodeArea, Site
from familyhub.services.models import Service, ServiceKind, Team, TeamMembership


class AuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Authority
        django_get_or_create = ("code",)

    code = factory.LazyFunction(lambda: settings.FAMILYHUB_AUTHORITY_CODE)
    name = "Test Borough Council"


class LocalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Locality
        django_get_or_create = ("authority", "name")

    authority = factory.SubFactory(AuthorityFactory)
    name = factory.Sequence(lambda n: f"Locality {n}")


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area

    authority = factory.SubFactory(AuthorityFactory)
    code = factory.Sequence(lambda n: f"W{n:05d}")
    name = factory.Sequence(lambda n: f"Ward {n}")
    locality = factory.SubFactory(LocalityFactory, authority=factory.SelfAttribute("..authority"))
    imd_rank = 5
    imd_decile = 3
    population_0_4 = 500
    population_5_10 = 600
    population_11_15 = 500
    population_16_19 = 400
    population_total = 9000
    families_with_under_fives = 400


class PostcodeAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PostcodeArea

    authority = factory.SubFactory(AuthorityFactory)
    postcode = factory.Sequence(lambda n: f"RM{16 + n % 4} {n % 10}A{chr(65 + n % 26)}")
    area = factory.SubFactory(AreaFactory)


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    authority = factory.SubFactory(AuthorityFactory)
    name = factory.Sequence(lambda n: f"Family Hub {n}")
    locality = factory.SubFactory(LocalityFactory, authority=factory.SelfAttribute("..authority"))


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    authority = factory.SubFactory(AuthorityFactory)
    name = factory.Sequence(lambda n: f"Service {n}")
    kind = ServiceKind.EARLY_HELP


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")
    service = factory.SubFactory(ServiceFactory)
    locality = factory.SubFactory(LocalityFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    # Not from the pool family names come from: a practitioner called Walker on a page made a
    # test that the Walker family is hidden fail at random.
    last_name = factory.Sequence(lambda n: f"Staffmember{n}")
    role = Role.FAMILY_SUPPORT_WORKER
    password = factory.django.Password("correct-horse-battery")


class TeamMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMembership

    user = factory.SubFactory(UserFactory)
    team = factory.SubFactory(TeamFactory)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    authority = factory.SubFactory(AuthorityFactory)
    given_name = factory.Faker("first_name", locale="en_GB")
    family_name = factory.Faker("last_name", locale="en_GB")
    # Relative to today, so that a factory person is always a child of 3 to 17: a fixed range
    # ages out (a child born in early 2008 turned 18 in 2026 and dropped off a parent's view).
    date_of_birth = factory.Faker("date_between", start_date="-17y", end_date="-3y")
    sex = Sex.FEMALE
    postcode = "RM17 5DQ"
    address_line1 = factory.Faker("street_address", locale="en_GB")


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    authority = factory.SubFactory(AuthorityFactory)
    card_number = factory.Sequence(lambda n: f"FH{n:08d}")


class HouseholdMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HouseholdMembership

    household = factory.SubFactory(HouseholdFactory)
    person = factory.SubFactory(PersonFactory)


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A confirmed registration with a team: give `team`, or `service` for its first team."""

    class Meta:
        model = Registration

    person = factory.SubFactory(PersonFactory)
    service = factory.LazyAttribute(lambda o: o.team.service if o.team else None)
    team = None
    site = factory.LazyAttribute(lambda o: o.team.base if o.team else None)
    registered_at = factory.LazyFunction(django_timezone.now)
    confirmed_at = factory.LazyAttribute(lambda o: o.registered_at)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        if kwargs.get("team") is None and kwargs.get("service") is not None:
            kwargs["team"] = kwargs["service"].teams.order_by("pk").first()
        return super()._create(model_class, *args, **kwargs)
