"""Reach: the columns of the unitary borough's table 3, reproduced from a constructed record."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from familyhub.hubs import services
from familyhub.hubs.models import Attendance, EntitlementKind
from familyhub.hubs.selectors import area_hubs, reach_report, session_hub_id
from familyhub.hubs.tests.factories import HubServiceFactory, HubSiteFactory, SessionFactory
from familyhub.people.models import Person, Registration, Relationship
from familyhub.places.models import SiteKind
from familyhub.testing.factories import AreaFactory, LocalityFactory, PersonFactory, SiteFactory

pytestmark = pytest.mark.django_db
AS_OF = datetime.date(2026, 3, 31)


def _children(authority, area, n, *, site=None, born=datetime.date(2023, 6, 1)):
    people = Person.objects.bulk_create(
        [
            Person(
                authority=authority,
                given_name=f"Child{i}",
                family_name=f"{area.name}",
                date_of_birth=born,
                area=area,
            )
            for i in range(n)
        ]
    )
    registered_at = timezone.make_aware(datetime.datetime(2025, 1, 1, 10))
    Registration.objects.bulk_create(
        [Registration(person=p, site=site, registered_at=registered_at) for p in people]
    )
    return people


def _attend(session_factory_kwargs, people, times, service):
    sessions = [
        SessionFactory(date=AS_OF - datetime.timedelta(days=7 * (i + 1)), **session_factory_kwargs)
        for i in range(times)
    ]
    Attendance.objects.bulk_create(
        [
            Attendance(session=s, person=p, owning_service=service, category="general")
            for s in sessions
            for p in people
        ]
    )
    return sessions


def test_reach_reproduces_table_3_for_aveley(authority):
    """Aveley in familyhub/places/data/reference/thurrock_centres.csv: 468 families, 640 under-5s,
    registration 1.00, engagement 0.93."""
    west = LocalityFactory(authority=authority, name="West")
    aveley = AreaFactory(
        authority=authority,
        locality=west,
        name="Aveley",
        families_with_under_fives=300,
        population_0_4=410,
        imd_decile=7,
    )
    uplands = AreaFactory(
        authority=authority,
        locality=west,
        name="Uplands",
        families_with_under_fives=168,
        population_0_4=230,
        imd_decile=2,
    )
    hub = HubSiteFactory(authority=authority, locality=west, name="Aveley")
    hub.reach_areas.set([aveley, uplands])
    service = HubServiceFactory(authority=authority)
    children = _children(authority, aveley, 410) + _children(authority, uplands, 230)
    engaged = children[:595]
    _attend({"authority": authority, "site": hub, "service": service}, engaged, 3, service)
    # Two attendances are not enough; attendance before the period does not count.
    _attend(
        {"authority": authority, "site": hub, "service": service}, children[595:600], 2, service
    )

    rows, localities = reach_report(authority=authority, as_of=AS_OF)
    (row,) = rows
    assert (row.totals.families, row.totals.under_fives) == (468, 640)
    assert row.totals.registered == 640 and row.totals.engaged == 595
    assert round(row.totals.registration_rate, 2) == 1.00
    assert round(row.totals.engagement_rate, 2) == 0.93
    deprived = row.groups[0]
    assert (deprived.families, deprived.under_fives, deprived.registered) == (168, 230, 230)
    assert localities[0].name == "West" and localities[0].totals.registered == 640

    out = StringIO()
    call_command("hubs_reach", "--csv", "--as-of", AS_OF.isoformat(), stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == (
        "centre,locality,reach_families,reach_under_fives,registration_rate,engagement_rate"
    )
    assert lines[1] == "Aveley,West,468,640,1.00,0.93"


def test_reach_counts_registration_with_the_hub_and_the_targeted_groups(authority, make_user):
    locality = LocalityFactory(authority=authority)
    home = AreaFactory(
        authority=authority,
        locality=locality,
        population_0_4=10,
        families_with_under_fives=8,
        imd_decile=1,
    )
    elsewhere = AreaFactory(authority=authority, locality=locality, imd_decile=9)
    hub = HubSiteFactory(authority=authority, locality=locality)
    hub.reach_areas.set([home])
    service = HubServiceFactory(authority=authority)
    local = _children(authority, home, 4)
    visitor = _children(authority, elsewhere, 1, site=hub)  # lives outside, registered here
    _children(authority, elsewhere, 3)  # neither: not counted
    too_old = _children(authority, home, 2, born=datetime.date(2020, 1, 1))
    # A teenage mother (19 at the birth) of the first child.
    mother = PersonFactory(authority=authority, date_of_birth=datetime.date(2004, 1, 1))
    Relationship.objects.create(person=mother, relative=local[0], kind="mother")
    older = PersonFactory(authority=authority, date_of_birth=datetime.date(1990, 1, 1))
    Relationship.objects.create(person=older, relative=local[1], kind="mother")
    services.entitlement_flag_set(
        person=local[2],
        kind=EntitlementKind.TWO_YEAR_FUNDING,
        starts_on=datetime.date(2025, 9, 1),
        service=service,
    )
    # The mother's attendance counts toward her child's engagement (a family engages).
    _attend({"authority": authority, "site": hub, "service": service}, [mother], 3, service)

    (row,), _ = reach_report(authority=authority, as_of=AS_OF)
    assert row.totals.registered == 5
    assert row.totals.engaged == 1
    groups = {g.label: g for g in row.groups}
    assert groups["Teenage parents"].registered == 1
    assert groups["Teenage parents"].engaged == 1
    assert groups["Free early education for two-year-olds"].registered == 1
    assert groups["Living in the 30% most deprived areas"].registered == 4
    assert too_old[0].pk not in [c.pk for c in local]
    assert visitor


def test_outreach_sessions_count_toward_the_hub_whose_reach_area_they_serve(authority):
    locality = LocalityFactory(authority=authority)
    area = AreaFactory(authority=authority, locality=locality)
    other_area = AreaFactory(authority=authority, locality=locality)
    hub = HubSiteFactory(authority=authority, locality=locality, name="North Hub")
    other_hub = HubSiteFactory(authority=authority, locality=locality, name="South Hub")
    hub.reach_areas.set([area])
    other_hub.reach_areas.set([other_area])
    library = SiteFactory(authority=authority, locality=locality, kind=SiteKind.LIBRARY, area=area)
    at_library = SessionFactory(authority=authority, site=library, date=AS_OF)
    explicit = SessionFactory(authority=authority, site=library, hub=other_hub, date=AS_OF)
    at_hub = SessionFactory(authority=authority, site=hub, date=AS_OF)
    areas = area_hubs(authority)
    assert session_hub_id(at_library, areas) == hub.pk
    assert session_hub_id(explicit, areas) == other_hub.pk
    assert session_hub_id(at_hub, areas) == hub.pk
    rows, _ = reach_report(authority=authority, as_of=AS_OF)
    by_name = {r.name: r for r in rows}
    assert (by_name["North Hub"].sessions, by_name["North Hub"].outreach_sessions) == (2, 1)
    assert (by_name["South Hub"].sessions, by_name["South Hub"].outreach_sessions) == (1, 1)


def test_reach_command_names_a_bad_authority(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--authority"):
        call_command("hubs_reach", "--csv", "--authority", "E99999999")


def test_families_with_a_lead_professional_from_casework(authority, make_user):
    from familyhub.casework.models import Episode
    from familyhub.testing.factories import TeamFactory

    locality = LocalityFactory(authority=authority)
    area = AreaFactory(authority=authority, locality=locality)
    hub = HubSiteFactory(authority=authority, locality=locality)
    hub.reach_areas.set([area])
    service = HubServiceFactory(authority=authority)
    child, other = _children(authority, area, 2)
    team = TeamFactory(service=service, locality=locality)
    Episode.objects.create(
        person=child,
        owning_service=service,
        authority=authority,
        team=team,
        lead_professional=make_user("lead_professional"),
        status="open",
        start=datetime.date(2026, 1, 5),
    )
    # An episode that starts after the day does not count.
    Episode.objects.create(
        person=other,
        owning_service=service,
        authority=authority,
        team=team,
        lead_professional=make_user("lead_professional"),
        status="open",
        start=datetime.date(2026, 6, 1),
    )
    (row,), _ = reach_report(authority=authority, as_of=AS_OF)
    groups = {g.label: g for g in row.groups}
    assert groups["Families with a lead professional"].registered == 1
