from __future__ import annotations

import datetime
import random
from io import StringIO

import pytest
from django.utils import timezone

from familyhub.demo import hubs as demo
from familyhub.hubs.models import Attendance, BankHoliday, Booking, Session, SessionSeries
from familyhub.hubs.tests.factories import HubServiceFactory, HubSiteFactory
from familyhub.people.models import Relationship
from familyhub.places.models import SiteKind
from familyhub.testing.factories import (
    AreaFactory,
    LocalityFactory,
    PersonFactory,
    RegistrationFactory,
)

pytestmark = pytest.mark.django_db


def test_demo_makes_a_term_at_hubs_and_outreach_with_attendance(authority, make_user):
    central = LocalityFactory(authority=authority, name="Central")
    deprived = AreaFactory(authority=authority, locality=central, imd_decile=1, imd_rank=1)
    affluent = AreaFactory(authority=authority, locality=central, imd_decile=9, imd_rank=9)
    spare = AreaFactory(authority=authority, locality=central, imd_decile=2, imd_rank=2)
    hub = HubSiteFactory(authority=authority, locality=central, area=deprived)
    hub.reach_areas.set([deprived, affluent, spare])
    HubServiceFactory(authority=authority)
    make_user("reception", username="reception")
    today = timezone.localdate()
    now = timezone.now()
    for i in range(40):
        child = PersonFactory(
            authority=authority,
            area=deprived if i % 2 else affluent,
            date_of_birth=today - datetime.timedelta(days=200 + 20 * i),
        )
        mother = PersonFactory(authority=authority, date_of_birth=datetime.date(1995, 1, 1))
        Relationship.objects.create(person=mother, relative=child, kind="mother")
        RegistrationFactory(person=child, site=hub, registered_at=now)

    out = StringIO()
    demo.load_demo(authority=authority, rng=random.Random(7), stdout=out)

    assert SessionSeries.objects.filter(site=hub).count() >= 7
    outreach = Session.objects.exclude(site__kind=SiteKind.FAMILY_HUB)
    assert outreach.exists()
    holidays = set(BankHoliday.objects.values_list("date", flat=True))
    assert not Session.objects.filter(date__in=holidays).exists()
    assert Booking.objects.exists()
    attended = Attendance.objects.all()
    assert attended.exists()
    assert not attended.filter(session__date__gte=today).exists()
    assert Session.objects.filter(staff__username="reception").exists()
    # Running it again adds nothing.
    before = Session.objects.count()
    demo.load_demo(authority=authority, rng=random.Random(7), stdout=out)
    assert Session.objects.count() == before
    assert "already there" in out.getvalue()
