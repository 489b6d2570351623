from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from familyhub.accounts.roles import Role
from familyhub.hubs.tests.factories import ActivityTypeFactory, SessionFactory
from familyhub.places.models import SiteKind
from familyhub.portal.messages import MemorySmsSender
from familyhub.referrals.continuum import ensure_default_continuum
from familyhub.services.models import ServiceKind
from familyhub.testing import factories


@dataclass
class Door:
    authority: object
    locality: object
    area: object
    hub: object
    hub_service: object
    hub_team: object
    reception: object
    front_door: object
    triage: object
    session: object
    full_session: object
    parent: object  # Jane Walker, registered with the hub
    child: object  # Tom Walker, her son


@pytest.fixture
def door(db, settings) -> Door:
    settings.FAMILYHUB_SMS_SENDER = "familyhub.portal.messages.MemorySmsSender"
    MemorySmsSender.outbox = []
    ensure_default_continuum()
    authority = factories.AuthorityFactory()
    locality = factories.LocalityFactory(authority=authority, name="Central")
    area = factories.AreaFactory(authority=authority, locality=locality)
    hub = factories.SiteFactory(
        authority=authority, locality=locality, name="Central Family Hub", kind=SiteKind.FAMILY_HUB
    )
    hub_service = factories.ServiceFactory(
        authority=authority, name="Family hubs", kind=ServiceKind.FAMILY_HUB
    )
    hub_team = factories.TeamFactory(
        name="Central hub team", service=hub_service, locality=locality, base=hub
    )
    reception = factories.UserFactory(role=Role.RECEPTION, username="rita")
    factories.TeamMembershipFactory(user=reception, team=hub_team)
    front_door = factories.ServiceFactory(
        authority=authority, name="Front door", kind=ServiceKind.FRONT_DOOR
    )
    fd_team = factories.TeamFactory(name="Front door team", service=front_door, locality=locality)
    triage = factories.UserFactory(role=Role.TRIAGE_OFFICER, username="tom-triage")
    factories.TeamMembershipFactory(user=triage, team=fd_team)
    activity = ActivityTypeFactory(name="Stay and play")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    session = SessionFactory(
        authority=authority, activity=activity, site=hub, service=hub_service, date=tomorrow
    )
    full_session = SessionFactory(
        authority=authority,
        activity=ActivityTypeFactory(name="Baby massage"),
        site=hub,
        service=hub_service,
        date=tomorrow,
        capacity=1,
    )
    today = timezone.localdate()
    parent = factories.PersonFactory(
        authority=authority,
        given_name="Jane",
        family_name="Walker",
        date_of_birth=today.replace(year=today.year - 32),
        postcode="RM17 5DQ",
        area=area,
    )
    child = factories.PersonFactory(
        authority=authority,
        given_name="Tom",
        family_name="Walker",
        date_of_birth=today.replace(year=today.year - 3),
        postcode="RM17 5DQ",
        area=area,
    )
    household = factories.HouseholdFactory(authority=authority)
    for person in (parent, child):
        factories.HouseholdMembershipFactory(household=household, person=person)
        factories.RegistrationFactory(person=person, team=hub_team)
    from familyhub.people.models import Relationship, RelationshipKind

    Relationship.objects.create(
        person=parent, relative=child, kind=RelationshipKind.MOTHER, parental_responsibility=True
    )
    return Door(
        authority=authority,
        locality=locality,
        area=area,
        hub=hub,
        hub_service=hub_service,
        hub_team=hub_team,
        reception=reception,
        front_door=front_door,
        triage=triage,
        session=session,
        full_session=full_session,
        parent=parent,
        child=child,
    )


def last_code() -> str:
    """The code in the latest email or text message sent."""
    texts = [m.body for m in mail.outbox] + [body for _, body in MemorySmsSender.outbox]
    assert texts, "no code was sent"
    found = re.search(r"\b(\d{6})\b", texts[-1])
    assert found, texts[-1]
    return found.group(1)


@pytest.fixture
def family_sign_in():
    """Sign a test client in on the family side the real way: ask for a code, type it."""

    def sign_in(client, identifier: str = "jane@example.org"):
        response = client.post(reverse("portal:sign-in"), {"identifier": identifier})
        assert response.status_code == 302, response.content.decode()[:2000]
        response = client.post(reverse("portal:code"), {"code": last_code()})
        assert response.status_code == 302, response.content.decode()[:2000]
        from familyhub.accounts.models import User

        return User.objects.get(username=identifier.lower())

    return sign_in


@pytest.fixture
def linked(door, client, family_sign_in):
    """Jane signed in and linked (as a parent) by reception."""
    from familyhub.access.services import confirm_family_link

    user = family_sign_in(client)
    confirm_family_link(
        staff_user=door.reception,
        account=user,
        person=door.parent,
        relationship="parent",
        how_confirmed="in_person",
    )
    return user
